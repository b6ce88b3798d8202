#pragma once
// Outside text (agent and probe output, peer messages, file names, XML values) is made valid
// UTF-8 where it enters, so every output path — JSON above all — can carry it.

#include <string>
#include <string_view>

namespace wholesale_ha {

/// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past
/// U+10FFFF).
[[nodiscard]] bool is_valid_utf8(std::string_view text) noexcept;

/// `text` with every ill-formed sequence replaced by U+FFFD (one per maximal bad subpart, as
/// the Unicode standard recommends). Valid text comes back unchanged.
[[nodiscard]] std::string valid_utf8(std::string_view text);

/// In place: cheap when `text` is already valid (one scan, no copy).
void make_valid_utf8(std::string& text);

/// The longest prefix of `text` of at most `max_bytes` that does not end inside a character,
/// for shortening outside text in messages: a byte cut leaves valid text invalid.
[[nodiscard]] std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) noexcept;

}  // namespace wholesale_ha
