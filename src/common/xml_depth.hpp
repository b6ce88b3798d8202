#pragma once
// A cheap scan for how deep XML nests, run before a parser that recurses per element
// (Boost.PropertyTree's) or a walk that does: 100,000 nested elements from an agent would
// overflow the stack. The scan itself keeps no stack.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace wholesale_ha::detail {

/// How deep agent meta-data and fence-agent metadata may nest elements. Real documents stay
/// below 10; the limit leaves room while keeping recursion shallow.
inline constexpr std::size_t kMaxXmlDepth = 128;

/// The byte offset of the first element nested deeper than `limit`, or nullopt. Comments,
/// CDATA, processing instructions, declarations and quoted attribute values are skipped; the
/// scan does not check well-formedness (the parser does that).
[[nodiscard]] std::optional<std::size_t> xml_too_deep(std::string_view xml,
                                                      std::size_t limit = kMaxXmlDepth) noexcept;

/// "elements are nested more than 128 deep (the limit) at line 3, column 7".
[[nodiscard]] std::string xml_depth_message(std::string_view xml, std::size_t offset,
                                            std::size_t limit = kMaxXmlDepth);

}  // namespace wholesale_ha::detail
