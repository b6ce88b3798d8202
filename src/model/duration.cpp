#include <wholesale_ha/model/duration.hpp>

#include <array>
#include <charconv>
#include <cstdint>
#include <limits>

namespace wholesale_ha::model {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t millis;
};

// Longest suffixes first so "ms" is not read as "m" + garbage.
constexpr std::array kUnits = {
    Unit{"min", 60'000}, Unit{"ms", 1}, Unit{"s", 1'000}, Unit{"m", 60'000},
    Unit{"h", 3'600'000}, Unit{"d", 86'400'000}, Unit{"", 1'000},
};

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) noexcept {
  for (const auto& unit : kUnits) {
    if (!text.ends_with(unit.suffix)) continue;
    auto number = text.substr(0, text.size() - unit.suffix.size());
    std::int64_t value = 0;
    const auto* end = number.data() + number.size();
    auto [ptr, ec] = std::from_chars(number.data(), end, value);
    if (number.empty() || ptr != end || ec != std::errc{} || value < 0) return std::nullopt;
    if (value > std::numeric_limits<std::int64_t>::max() / unit.millis) return std::nullopt;
    return Duration{value * unit.millis};
  }
  return std::nullopt;
}

std::string duration_to_string(Duration duration) {
  const auto ms = duration.count();
  if (ms != 0 && ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms != 0 && ms % 60'000 == 0) return std::to_string(ms / 60'000) + "min";
  if (ms % 1'000 == 0) return std::to_string(ms / 1'000) + "s";
  return std::to_string(ms) + "ms";
}

}  // namespace wholesale_ha::model
