#pragma once
// XML parsers (pugixml, PropertyTree's) decode numeric character references into UTF-8
// without asking whether they name a character: "&#xD800;" (a surrogate) or "&#x110000;"
// became invalid UTF-8 in imported names, agent meta-data and the messages quoting them.
// Such references are replaced before parsing; everything else is left as it is.

#include <string>
#include <string_view>

namespace wholesale_ha::detail {

/// `xml` with every numeric character reference that names no Unicode scalar value (NUL,
/// a surrogate, beyond U+10FFFF, or a number too long to read) replaced by "&#xFFFD;".
/// Returns `xml` unchanged, without copying, when there is none (the common case).
[[nodiscard]] std::string replace_bad_character_references(std::string xml);

}  // namespace wholesale_ha::detail
