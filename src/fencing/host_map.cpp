// Pacemaker's pcmk_host_map syntax, so a device configuration can be carried over as is.

#include <fmt/format.h>

#include <wholesale_ha/fencing/fence_agent.hpp>

namespace wholesale_ha::fencing {

Result<std::map<std::string, std::string>> parse_host_map(std::string_view text) {
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto end = text.find_first_of(";, \t\n", pos);
    const auto entry = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? text.size() : end + 1;
    if (entry.empty()) continue;
    const auto colon = entry.find_first_of(":=");
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == entry.size()) {
      return Diagnostic::error(Errc::syntax, "", fmt::format("host map entry \"{}\" is not node:plug", entry));
    }
    std::string node{entry.substr(0, colon)};
    if (out.contains(node)) {
      return Diagnostic::error(Errc::duplicate, "", fmt::format("host map names node \"{}\" twice", node));
    }
    out.emplace(std::move(node), entry.substr(colon + 1));
  }
  return out;
}

}  // namespace wholesale_ha::fencing
