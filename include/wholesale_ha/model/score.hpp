#pragma once
// Placement scores with Pacemaker's arithmetic: INFINITY is 1,000,000, sums saturate, and
// -INFINITY wins over +INFINITY (a ban is never cancelled by a preference).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wholesale_ha::model {

using Score = std::int32_t;

inline constexpr Score kInfinity = 1'000'000;
inline constexpr Score kMinusInfinity = -kInfinity;

/// Clamps an arbitrary value into [-INFINITY, +INFINITY].
constexpr Score clamp_score(std::int64_t value) noexcept {
  if (value >= kInfinity) return kInfinity;
  if (value <= kMinusInfinity) return kMinusInfinity;
  return static_cast<Score>(value);
}

/// Saturating sum; any -INFINITY operand makes the result -INFINITY.
constexpr Score add_scores(Score a, Score b) noexcept {
  if (a <= kMinusInfinity || b <= kMinusInfinity) return kMinusInfinity;
  if (a >= kInfinity || b >= kInfinity) return kInfinity;
  return clamp_score(std::int64_t{a} + std::int64_t{b});
}

/// "INFINITY", "-INFINITY" or the decimal value.
std::string score_to_string(Score score);

/// Accepts integers, "INFINITY", "+INFINITY", "-INFINITY" (case-insensitive); values beyond
/// ±1,000,000 clamp to ±INFINITY. Returns nullopt for anything else.
std::optional<Score> parse_score(std::string_view text) noexcept;

}  // namespace wholesale_ha::model
