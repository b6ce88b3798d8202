#include "value_readers.hpp"

#include <fmt/format.h>

#include "pacemaker_values.hpp"

namespace wholesale_ha::cib {
namespace {

template <class T>
std::optional<T> reported(ImportContext& context, const NvPair& pair, std::optional<T> value,
                          std::string_view expected) {
  if (!value) {
    context.error(Errc::invalid_value, pair.at,
                  fmt::format("{}: expected {}, got \"{}\"", pair.name, expected, pair.value));
  }
  return value;
}

std::string limit_text(std::int64_t limit) {
  if (limit >= model::kInfinity) return "INFINITY";
  if (limit <= model::kMinusInfinity) return "-INFINITY";
  return std::to_string(limit);
}

}  // namespace

std::optional<bool> read_boolean(ImportContext& context, const NvPair& pair) {
  return reported(context, pair, parse_boolean(pair.value), kBooleanSpellings);
}

std::optional<model::Score> read_score(ImportContext& context, const NvPair& pair) {
  return reported(context, pair, parse_score(pair.value), kScoreSpellings);
}

std::optional<model::Duration> read_duration(ImportContext& context, const NvPair& pair) {
  return reported(context, pair, parse_duration(pair.value), kDurationSpellings);
}

std::optional<std::int64_t> read_integer(ImportContext& context, const NvPair& pair,
                                         std::int64_t min, std::int64_t max) {
  auto value = parse_integer(pair.value);
  if (!value) {
    if (auto score = parse_score(pair.value);
        score && (*score == model::kInfinity || *score == model::kMinusInfinity)) {
      value = *score;
    }
  }
  if (!value || *value < min || *value > max) {
    context.error(Errc::invalid_value, pair.at, fmt::format("{}: expected an integer from {} to {}, got \"{}\"",
                                       pair.name, limit_text(min), limit_text(max), pair.value));
    return std::nullopt;
  }
  return value;
}

}  // namespace wholesale_ha::cib
