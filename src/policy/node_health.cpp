#include "node_health.hpp"

#include <wholesale_ha/model/enum_names.hpp>

namespace wholesale_ha::policy::detail {
namespace {

using model::HealthStrategy;
using model::Score;

struct Colours {
  Score red;
  Score yellow;
  Score green;
};

Colours colours(const model::HealthOptions& options) {
  switch (options.strategy) {
    case HealthStrategy::migrate_on_red: return {model::kMinusInfinity, 0, 0};
    case HealthStrategy::only_green: return {model::kMinusInfinity, model::kMinusInfinity, 0};
    case HealthStrategy::progressive:
    case HealthStrategy::custom:
    case HealthStrategy::none: break;
  }
  return {options.red, options.yellow, options.green};
}

constexpr std::string_view kPrefix = "#health-";

}  // namespace

NodeHealth node_health(const model::Attributes& attributes, const model::HealthOptions& options) {
  NodeHealth out;
  if (options.strategy == HealthStrategy::none) return out;
  const Colours c = colours(options);
  if (options.strategy == HealthStrategy::progressive) out.score = options.base;
  // Attributes are a sorted map: the #health-* ones are one contiguous range.
  for (auto it = attributes.lower_bound(kPrefix);
       it != attributes.end() && it->first.starts_with(kPrefix); ++it) {
    const std::string& value = it->second;
    Score term = 0;
    if (value == "red") {
      term = c.red;
    } else if (value == "yellow") {
      term = c.yellow;
    } else if (value == "green") {
      term = c.green;
    } else if (auto parsed = model::parse_score(value)) {
      term = *parsed;
    } else {
      continue;
    }
    out.score = model::add_scores(out.score, term);
    if (term < 0) {
      if (!out.evidence.empty()) out.evidence += ' ';
      out.evidence += it->first + "=" + value;
    }
  }
  return out;
}

std::string_view degraded_colour(const model::Attributes& attributes) {
  std::string_view worst;
  for (const auto& [name, value] : attributes) {
    if (!name.starts_with("#health-")) continue;
    if (value == "red") return "red";
    if (value == "yellow") worst = "yellow";
  }
  return worst;
}

std::string strategy_name(const model::HealthOptions& options) {
  return std::string{model::to_string(options.strategy)};
}

}  // namespace wholesale_ha::policy::detail
