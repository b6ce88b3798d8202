#include <wholesale_ha/health/value.hpp>

#include <algorithm>
#include <cctype>

namespace wholesale_ha::health {

std::string_view to_string(Colour colour) noexcept {
  switch (colour) {
    case Colour::green: return "green";
    case Colour::yellow: return "yellow";
    case Colour::red: return "red";
  }
  return "?";
}

std::optional<Colour> HealthValue::colour() const noexcept {
  if (const auto* c = std::get_if<Colour>(&value_)) return *c;
  return std::nullopt;
}

std::optional<model::Score> HealthValue::score_value() const noexcept {
  if (const auto* s = std::get_if<model::Score>(&value_)) return *s;
  return std::nullopt;
}

std::string HealthValue::to_string() const {
  if (auto c = colour()) return std::string{health::to_string(*c)};
  return model::score_to_string(*score_value());
}

std::int64_t HealthValue::placement_rank() const noexcept {
  // Scores count double so yellow fits between -1 and 0; red is below -INFINITY because
  // every strategy that reads colours scores red at least as low as any integer.
  if (auto s = score_value()) return 2 * std::int64_t{*s};
  switch (*colour()) {
    case Colour::green: return 0;
    case Colour::yellow: return -1;
    case Colour::red: return 2 * std::int64_t{model::kMinusInfinity} - 1;
  }
  return 0;
}

std::optional<HealthValue> parse_health_value(std::string_view text) noexcept {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "green") return Colour::green;
  if (lower == "yellow") return Colour::yellow;
  if (lower == "red") return Colour::red;
  if (auto score = model::parse_score(text)) return HealthValue::score(*score);
  return std::nullopt;
}

}  // namespace wholesale_ha::health
