#include "status_layout.hpp"

namespace wholesale_ha::cib {
namespace {

constexpr std::size_t kNotFound = std::string_view::npos;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/// A lexer that knows just enough XML to find element boundaries: '<' never appears raw in
/// text or attribute values of a well-formed document, so markup starts at every '<' outside
/// comments, CDATA and processing instructions. Malformed text may be split wrongly; the
/// pieces then fail to parse and the caller falls back to the whole document.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  std::optional<StatusLayout> run() {
    std::size_t pos = 0;
    int depth = 0;
    while ((pos = text_.find('<', pos)) != kNotFound) {
      if (skip_special(pos)) {
        if (pos == kNotFound || blocked_) return std::nullopt;
        continue;
      }
      if (after_lt(pos) == '/') {
        if (--depth <= 0) return std::nullopt;  // the root ended without a status
        pos = text_.find('>', pos);
        if (pos == kNotFound) return std::nullopt;
        ++pos;
        continue;
      }
      const auto tag_end = end_of_tag(pos);
      if (tag_end == kNotFound) return std::nullopt;
      const bool empty = text_[tag_end - 1] == '/';
      if (depth == 1 && is_start_tag(pos, "status")) {
        if (empty) return std::nullopt;
        return scan_status(tag_end + 1);
      }
      if (!empty) ++depth;
      pos = tag_end + 1;
    }
    return std::nullopt;
  }

 private:
  [[nodiscard]] bool at(std::size_t pos, std::string_view prefix) const {
    // The first character alone rules out almost every candidate: cheaper than a compare.
    return pos < text_.size() && text_[pos] == prefix.front() &&
           text_.compare(pos, prefix.size(), prefix) == 0;
  }
  [[nodiscard]] char after_lt(std::size_t pos) const {
    return pos + 1 < text_.size() ? text_[pos + 1] : '\0';
  }

  /// Whether the element name that starts at `start` is exactly `name`.
  [[nodiscard]] bool names(std::size_t start, std::string_view name) const {
    if (!at(start, name)) return false;
    const std::size_t after = start + name.size();
    return after < text_.size() &&
           (is_space(text_[after]) || text_[after] == '>' || text_[after] == '/');
  }
  [[nodiscard]] bool is_start_tag(std::size_t pos, std::string_view name) const {
    return after_lt(pos) != '/' && names(pos + 1, name);
  }
  [[nodiscard]] bool is_end_tag(std::size_t pos, std::string_view name) const {
    return after_lt(pos) == '/' && names(pos + 2, name);
  }

  /// Skips a comment, CDATA section or processing instruction at `pos` (true), leaving
  /// `pos` after it or kNotFound when it never ends. A DOCTYPE (declarations can define
  /// entities the pieces would not know) sets blocked_.
  bool skip_special(std::size_t& pos) {
    auto skip_to = [&](std::string_view end) {
      pos = text_.find(end, pos);
      if (pos != kNotFound) pos += end.size();
      return true;
    };
    if (after_lt(pos) != '!' && after_lt(pos) != '?') return false;
    if (at(pos, "<!--")) return skip_to("-->");
    if (at(pos, "<![CDATA[")) return skip_to("]]>");
    if (at(pos, "<?")) return skip_to("?>");
    if (at(pos, "<!")) {
      blocked_ = true;
      return true;
    }
    return false;
  }

  /// The '>' that ends the start tag at `pos`, skipping quoted attribute values (which may
  /// hold '>').
  [[nodiscard]] std::size_t end_of_tag(std::size_t pos) const {
    for (std::size_t i = pos + 1; i < text_.size(); ++i) {
      const char c = text_[i];
      if (c == '>') return i;
      if (c == '<') return kNotFound;
      if (c == '"' || c == '\'') {
        i = text_.find(c, i + 1);
        if (i == kNotFound) return kNotFound;
      }
    }
    return kNotFound;
  }

  std::optional<StatusLayout> scan_status(std::size_t pos) {
    StatusLayout layout;
    layout.content.begin = pos;
    while (true) {
      while (pos < text_.size() && is_space(text_[pos]))
        ++pos;
      if (pos >= text_.size() || text_[pos] != '<') return std::nullopt;  // text or the end
      if (at(pos, "<!--") || at(pos, "<?")) {
        skip_special(pos);
        if (pos == kNotFound) return std::nullopt;
        continue;
      }
      if (is_end_tag(pos, "status")) {
        if (layout.node_states.empty()) return std::nullopt;
        layout.content.end = pos;
        return layout;
      }
      if (!is_start_tag(pos, "node_state")) return std::nullopt;
      const auto end = end_of_node_state(pos);
      if (end == kNotFound) return std::nullopt;
      layout.node_states.push_back({pos, end});
      pos = end;
    }
  }

  /// One past the end of the node_state element that starts at `pos`.
  std::size_t end_of_node_state(std::size_t pos) {
    const auto tag_end = end_of_tag(pos);
    if (tag_end == kNotFound) return kNotFound;
    if (text_[tag_end - 1] == '/') return tag_end + 1;
    pos = tag_end + 1;
    while ((pos = text_.find('<', pos)) != kNotFound) {
      if (skip_special(pos)) {
        if (pos == kNotFound || blocked_) return kNotFound;
        continue;
      }
      if (is_end_tag(pos, "node_state")) {
        pos = text_.find('>', pos);
        return pos == kNotFound ? kNotFound : pos + 1;
      }
      if (is_start_tag(pos, "node_state")) return kNotFound;  // nested: not a CIB we know
      ++pos;
    }
    return kNotFound;
  }

  std::string_view text_;
  bool blocked_ = false;
};

}  // namespace

std::optional<StatusLayout> find_status_layout(std::string_view text) {
  return Scanner{text}.run();
}

}  // namespace wholesale_ha::cib
