#pragma once
// The value of one #health-* node attribute: a colour, or an integer score that placement
// adds as is (docs/policy.md §2 "Node health").

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <wholesale_ha/model/score.hpp>

namespace wholesale_ha::health {

enum class Colour { green, yellow, red };

/// "green", "yellow", "red".
std::string_view to_string(Colour colour) noexcept;

class HealthValue {
 public:
  /// Green.
  constexpr HealthValue() = default;
  // Implicit: a colour is the common case ("HealthValue v = Colour::red").
  constexpr HealthValue(Colour colour) noexcept : value_(colour) {}
  static constexpr HealthValue score(model::Score score) noexcept {
    HealthValue v;
    v.value_ = score;
    return v;
  }

  [[nodiscard]] std::optional<Colour> colour() const noexcept;
  [[nodiscard]] std::optional<model::Score> score_value() const noexcept;

  /// What the attribute holds: "red", "-20", "-INFINITY".
  [[nodiscard]] std::string to_string() const;

  /// Orders values from worst to best for placement: red, then scores and yellow by how much
  /// they lower a node (yellow just below 0), green at 0, positive scores above it.
  [[nodiscard]] std::int64_t placement_rank() const noexcept;

  friend bool operator==(const HealthValue&, const HealthValue&) = default;

 private:
  std::variant<Colour, model::Score> value_{Colour::green};
};

/// True when `a` lowers a node more than `b` does.
inline bool worse(const HealthValue& a, const HealthValue& b) noexcept {
  return a.placement_rank() < b.placement_rank();
}

/// "green", "yellow", "red" (any case) or a score ("-20", "-INFINITY"); nullopt otherwise.
std::optional<HealthValue> parse_health_value(std::string_view text) noexcept;

}  // namespace wholesale_ha::health
