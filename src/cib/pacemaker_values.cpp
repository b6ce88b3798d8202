#include "pacemaker_values.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>
#include <string>

namespace wholesale_ha::cib {
namespace {

std::string lowercase(std::string_view text) {
  std::string out{text};
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

/// The C locale's white space, whatever locale the host program has set (and without a
/// call per character: integers are read by the ten thousand from a live status).
constexpr bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::optional<std::int64_t> unsigned_number(std::string_view text) {
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ptr != end || ec != std::errc{} || value < 0) return std::nullopt;
  return value;
}

std::optional<model::Duration> scaled(std::int64_t value, std::int64_t millis) {
  if (value > std::numeric_limits<std::int64_t>::max() / millis) return std::nullopt;
  return model::Duration{value * millis};
}

/// "P1DT2H30M10S": days, then after T hours, minutes, seconds; at least one component.
std::optional<model::Duration> parse_iso8601_duration(std::string_view text) {
  text.remove_prefix(1);  // 'P'
  std::int64_t total = 0;
  bool in_time = false;
  bool any = false;
  while (!text.empty()) {
    if (text.front() == 'T' && !in_time) {
      in_time = true;
      text.remove_prefix(1);
      continue;
    }
    std::size_t digits = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) {
      ++digits;
    }
    if (digits == 0 || digits == text.size()) return std::nullopt;
    auto value = unsigned_number(text.substr(0, digits));
    const char unit = text[digits];
    text.remove_prefix(digits + 1);
    std::int64_t millis = 0;
    if (!in_time && unit == 'D') millis = 86'400'000;
    if (!in_time && unit == 'W') millis = 7 * 86'400'000LL;
    if (in_time && unit == 'H') millis = 3'600'000;
    if (in_time && unit == 'M') millis = 60'000;
    if (in_time && unit == 'S') millis = 1'000;
    if (!value || millis == 0) return std::nullopt;  // Y and month M, or a misplaced unit
    auto part = scaled(*value, millis);
    if (!part || total > std::numeric_limits<std::int64_t>::max() - part->count()) {
      return std::nullopt;
    }
    total += part->count();
    any = true;
  }
  if (!any) return std::nullopt;
  return model::Duration{total};
}

}  // namespace

std::optional<bool> parse_boolean(std::string_view text) noexcept {
  const auto value = lowercase(trim(text));
  constexpr std::array kTrue = {"true", "yes", "y", "on", "1"};
  constexpr std::array kFalse = {"false", "no", "n", "off", "0"};
  if (std::find(kTrue.begin(), kTrue.end(), value) != kTrue.end()) return true;
  if (std::find(kFalse.begin(), kFalse.end(), value) != kFalse.end()) return false;
  return std::nullopt;
}

std::optional<model::Score> parse_score(std::string_view text) noexcept {
  return model::parse_score(trim(text));
}

std::optional<std::int64_t> parse_integer(std::string_view text) noexcept {
  text = trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ptr != end || ec != std::errc{}) return std::nullopt;
  return value;
}

std::optional<model::Duration> parse_duration(std::string_view text) noexcept {
  text = trim(text);
  if (text.starts_with('P')) return parse_iso8601_duration(text);

  struct Unit {
    std::string_view suffix;
    std::int64_t millis;
  };
  // Longest suffixes first, so "ms" is not read as "m" followed by garbage.
  constexpr std::array kUnits = {
      Unit{"msec", 1},   Unit{"min", 60'000},   Unit{"sec", 1'000},
      Unit{"ms", 1},     Unit{"hr", 3'600'000}, Unit{"s", 1'000},
      Unit{"m", 60'000}, Unit{"h", 3'600'000},  Unit{"", 1'000},
  };
  const auto lower = lowercase(text);
  for (const auto& unit : kUnits) {
    if (!std::string_view{lower}.ends_with(unit.suffix)) continue;
    auto number = trim(text.substr(0, text.size() - unit.suffix.size()));
    auto value = unsigned_number(number);
    if (!value) return std::nullopt;
    return scaled(*value, unit.millis);
  }
  return std::nullopt;
}

}  // namespace wholesale_ha::cib
