#pragma once
// Pacemaker's spellings of values: booleans (true/false, yes/no, on/off, y/n, 1/0), scores
// with INFINITY, and durations ("60s", "10min", "1h", "500ms", ISO 8601 "PT10M").

#include <cstdint>
#include <optional>
#include <string_view>

#include <wholesale_ha/model/duration.hpp>
#include <wholesale_ha/model/score.hpp>

namespace wholesale_ha::cib {

std::optional<bool> parse_boolean(std::string_view text) noexcept;
std::optional<model::Score> parse_score(std::string_view text) noexcept;
/// A plain decimal integer (optionally signed).
std::optional<std::int64_t> parse_integer(std::string_view text) noexcept;
/// Pacemaker's interval spec: a number with an optional unit (ms, msec, s, sec, m, min, h, hr;
/// none = seconds), or an ISO 8601 duration of days, hours, minutes and seconds (PT10M,
/// P1DT2H). Months and years (whose length varies) and sub-millisecond values are rejected.
std::optional<model::Duration> parse_duration(std::string_view text) noexcept;

/// Spellings for messages: "a boolean (true/false, yes/no, on/off, 1/0)" ...
inline constexpr std::string_view kBooleanSpellings = "a boolean (true/false, yes/no, on/off, 1/0)";
inline constexpr std::string_view kScoreSpellings = "a score (an integer, INFINITY or -INFINITY)";
inline constexpr std::string_view kDurationSpellings =
    "a duration (e.g. 60s, 10min, 1h, 500ms or ISO 8601 PT10M)";

}  // namespace wholesale_ha::cib
