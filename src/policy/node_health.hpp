#pragma once

#include <string>
#include <string_view>

#include <wholesale_ha/model/node.hpp>
#include <wholesale_ha/model/options.hpp>
#include <wholesale_ha/model/score.hpp>

namespace wholesale_ha::policy::detail {

struct NodeHealth {
  model::Score score = 0;
  /// The attributes that lowered the score, "#health-disk=red #health-cpu=-20".
  std::string evidence;
};

/// Sums the node's #health-* attributes under the configured strategy (docs/policy.md §2).
/// Values that are neither a colour nor an integer are ignored (the health module reports
/// them as probe errors).
NodeHealth node_health(const model::Attributes& attributes, const model::HealthOptions& options);

/// "red" when some #health-* attribute is red, else "yellow" when one is yellow, else "": a
/// degrading node, which is no recovery target (docs/policy.md §11), whatever the strategy.
std::string_view degraded_colour(const model::Attributes& attributes);

/// "migrate-on-red" etc. for reason texts.
std::string strategy_name(const model::HealthOptions& options);

}  // namespace wholesale_ha::policy::detail
