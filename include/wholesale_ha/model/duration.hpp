#pragma once
// Durations in configuration: integer seconds or a string with a unit ("500ms", "30s",
// "10min", "2h"), as Pacemaker users write them.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace wholesale_ha::model {

using Duration = std::chrono::milliseconds;

/// Parses "45", "45s", "1500ms", "10min", "10m", "2h", "1d"; nullopt for anything else or a
/// negative value.
std::optional<Duration> parse_duration(std::string_view text) noexcept;

/// The shortest exact spelling: "30s", "10min", "1500ms", "0s".
std::string duration_to_string(Duration duration);

}  // namespace wholesale_ha::model
