#include <wholesale_ha/model/score.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace wholesale_ha::model {

std::string score_to_string(Score score) {
  if (score >= kInfinity) return "INFINITY";
  if (score <= kMinusInfinity) return "-INFINITY";
  return std::to_string(score);
}

std::optional<Score> parse_score(std::string_view text) noexcept {
  auto equals_ignore_case = [](std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
      return std::toupper(static_cast<unsigned char>(x)) == y;
    });
  };
  if (equals_ignore_case(text, "INFINITY") || equals_ignore_case(text, "+INFINITY")) {
    return kInfinity;
  }
  if (equals_ignore_case(text, "-INFINITY")) return kMinusInfinity;

  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ptr != end) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    return text.front() == '-' ? kMinusInfinity : kInfinity;
  }
  if (ec != std::errc{}) return std::nullopt;
  return clamp_score(value);
}

}  // namespace wholesale_ha::model
