#include "xml_references.hpp"

#include <cstdint>

namespace wholesale_ha::detail {
namespace {

bool is_scalar_value(std::uint32_t c) { return c != 0 && c <= 0x10FFFF && (c < 0xD800 || c > 0xDFFF); }

/// At `at`, "&#" starts; the length of the whole reference up to ';' and whether it names a
/// character. A malformed reference (no digits, no ';') is the parser's to report: kept.
bool names_no_character(std::string_view xml, std::size_t at, std::size_t& length) {
  std::size_t i = at + 2;
  const bool hex = i < xml.size() && (xml[i] == 'x' || xml[i] == 'X');
  if (hex) ++i;
  const std::size_t digits_from = i;
  std::uint64_t value = 0;
  for (; i < xml.size() && i - digits_from < 16; ++i) {
    const char c = xml[i];
    unsigned digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<unsigned>(c - '0');
    } else if (hex && c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(c - 'a' + 10);
    } else if (hex && c >= 'A' && c <= 'F') {
      digit = static_cast<unsigned>(c - 'A' + 10);
    } else {
      break;
    }
    value = value * (hex ? 16 : 10) + digit;
  }
  if (i == digits_from || i >= xml.size()) return false;
  if (xml[i] != ';') {
    // Too many digits to be a character at all (the loop stopped at 16): bad if ';' follows.
    const std::size_t end = xml.find(';', i);
    const bool only_digits = end != std::string_view::npos &&
                             xml.substr(i, end - i).find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") ==
                                 std::string_view::npos;
    if (!only_digits) return false;
    length = end + 1 - at;
    return true;
  }
  length = i + 1 - at;
  return value > 0x10FFFF || !is_scalar_value(static_cast<std::uint32_t>(value));
}

}  // namespace

std::string replace_bad_character_references(std::string xml) {
  std::size_t at = xml.find("&#");
  if (at == std::string::npos) return xml;
  std::string out;
  std::size_t copied = 0;
  for (; at != std::string::npos; at = xml.find("&#", at + 2)) {
    std::size_t length = 0;
    if (!names_no_character(xml, at, length)) continue;
    out.append(xml, copied, at - copied).append("&#xFFFD;");
    copied = at + length;
    at = copied - 2;  // the next search starts right after this reference
  }
  if (copied == 0) return xml;
  out.append(xml, copied, std::string::npos);
  return out;
}

}  // namespace wholesale_ha::detail
