#pragma once
// How deep outside JSON nests, found by one pass that keeps no stack, before it is parsed.
// Use it instead of an nlohmann parser callback that stops deep input: in nlohmann 3.11.2
// (Debian 12) the callback parser rescans an array each time one of its elements closes, so
// one 1.4 MB peer message of 100,000 small objects kept every node busy for minutes.

#include <cstddef>
#include <optional>
#include <string_view>

namespace wholesale_ha {

/// The byte offset of the first '[' or '{' nested deeper than `limit` (the outermost value is
/// depth 1), or nullopt. Brackets inside strings do not count; the scan does not check that
/// the text is JSON (the parser does that).
[[nodiscard]] std::optional<std::size_t> json_too_deep(std::string_view json, std::size_t limit) noexcept;

}  // namespace wholesale_ha
