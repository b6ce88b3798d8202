#include "xml_depth.hpp"

#include <fmt/format.h>

namespace wholesale_ha::detail {
namespace {

/// The offset just past `end` from `from`, or the end of the text when it never comes.
std::size_t skip_past(std::string_view xml, std::size_t from, std::string_view end) noexcept {
  const auto found = xml.find(end, from);
  return found == std::string_view::npos ? xml.size() : found + end.size();
}

/// The offset just past the '>' closing a tag that starts at `from`, quotes respected; sets
/// `self_closing` for "<a/>".
std::size_t skip_tag(std::string_view xml, std::size_t from, bool& self_closing) noexcept {
  char quote = 0;
  for (std::size_t i = from; i < xml.size(); ++i) {
    const char c = xml[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      self_closing = i > from && xml[i - 1] == '/';
      return i + 1;
    }
  }
  return xml.size();
}

/// Past a <!DOCTYPE ...> whose internal subset may hold '>' inside [ ].
std::size_t skip_declaration(std::string_view xml, std::size_t from) noexcept {
  int brackets = 0;
  for (std::size_t i = from; i < xml.size(); ++i) {
    if (xml[i] == '[') ++brackets;
    if (xml[i] == ']' && brackets > 0) --brackets;
    if (xml[i] == '>' && brackets == 0) return i + 1;
  }
  return xml.size();
}

}  // namespace

std::optional<std::size_t> xml_too_deep(std::string_view xml, std::size_t limit) noexcept {
  std::size_t depth = 0;
  std::size_t i = 0;
  while ((i = xml.find('<', i)) != std::string_view::npos) {
    const std::string_view rest = xml.substr(i);
    if (rest.starts_with("<!--")) {
      i = skip_past(xml, i + 4, "-->");
    } else if (rest.starts_with("<![CDATA[")) {
      i = skip_past(xml, i + 9, "]]>");
    } else if (rest.starts_with("<?")) {
      i = skip_past(xml, i + 2, "?>");
    } else if (rest.starts_with("<!")) {
      i = skip_declaration(xml, i + 2);
    } else if (rest.starts_with("</")) {
      if (depth > 0) --depth;
      i = skip_past(xml, i + 2, ">");
    } else {
      if (depth + 1 > limit) return i;
      bool self_closing = false;
      i = skip_tag(xml, i + 1, self_closing);
      if (!self_closing) ++depth;
    }
  }
  return std::nullopt;
}

std::string xml_depth_message(std::string_view xml, std::size_t offset, std::size_t limit) {
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset && i < xml.size(); ++i) {
    if (xml[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return fmt::format("elements are nested more than {} deep (the limit) at line {}, column {}",
                     limit, line, offset - line_start + 1);
}

}  // namespace wholesale_ha::detail
