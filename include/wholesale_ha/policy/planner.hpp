#pragma once
// The scheduler: a pure, deterministic function from configuration + live state to a
// transition. No I/O, no clock (state.now is the time), no globals. See docs/policy.md.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <wholesale_ha/model/cluster.hpp>
#include <wholesale_ha/policy/transition.hpp>

namespace wholesale_ha::policy {

/// Plans what to do next. Never throws for a configuration parse_cluster() accepted.
Transition plan(const model::ClusterState& state, const model::Config& config);

/// One term of a resource's score on a node.
struct ScoreContribution {
  std::string source;  ///< "location db-prefers-a", "health (#health-disk=red)", "stickiness", ...
  model::Score score = 0;

  friend bool operator==(const ScoreContribution&, const ScoreContribution&) = default;
};

struct NodeScore {
  std::string node;
  model::Score total = 0;
  /// False when the node cannot take the resource regardless of score (offline, standby,
  /// capacity, ...); `blockers` says why.
  bool eligible = true;
  std::vector<std::string> blockers;
  std::vector<ScoreContribution> contributions;
};

/// Why a resource is placed where it is: every node's score with its sources.
struct Explanation {
  std::string resource;
  std::vector<NodeScore> nodes;
  std::optional<std::string> placed_on;  ///< where plan() puts it (nullopt = stopped)
  std::vector<std::string> notes;        ///< unit membership, dependencies, notices
};

/// Explains `resource`'s placement. An unknown resource yields an empty explanation with a
/// note saying so.
Explanation explain(const model::ClusterState& state, const model::Config& config,
                    std::string_view resource);

/// The state after `transition` has succeeded: placements moved, failed instances
/// recovered, fenced nodes offline. Used by `wha-simulate --apply` and the stability tests.
model::ClusterState apply(const model::ClusterState& state, const Transition& transition);

}  // namespace wholesale_ha::policy
