#pragma once
// "Can we lose a host?" answered before it happens (docs/policy.md §11): the planner is asked
// what it would do after the loss of every node (k = 1), every pair (k = 2), ..., and each
// resource that would then stay stopped is reported with the planner's own reason. Pure, like
// plan(): configuration + state in, a report out.

#include <cstddef>
#include <string>
#include <vector>

#include <wholesale_ha/model/cluster.hpp>
#include <wholesale_ha/policy/transition.hpp>

namespace wholesale_ha::policy {

/// A resource that runs now and would be stopped for good after the failure.
struct StrandedResource {
  std::string resource;
  Reason reason;  ///< the planner's notice: capacity, no-eligible-node, dependency, ...

  friend bool operator==(const StrandedResource&, const StrandedResource&) = default;
};

/// One failure: these nodes are lost (fenced) at once.
struct FailureCase {
  std::vector<std::string> nodes;
  std::vector<StrandedResource> stranded;  ///< in configuration order

  friend bool operator==(const FailureCase&, const FailureCase&) = default;
};

/// A spare node (options.failover_capacity.spare_nodes) that already runs what was recovered
/// or evacuated there: the room it kept is (partly) used up.
struct SpareInUse {
  std::string node;
  std::vector<std::string> resources;  ///< in configuration order, clones left out

  friend bool operator==(const SpareInUse&, const SpareInUse&) = default;
};

struct Survivability {
  int k = 1;
  std::size_t cases_checked = 0;
  /// The cases that strand something, in node order; empty when every failure is survived.
  std::vector<FailureCase> failing;
  /// In the order the configuration lists the spares.
  std::vector<SpareInUse> spares_in_use;

  [[nodiscard]] bool tolerated() const noexcept { return failing.empty(); }
  /// "tolerates 1 host failure: yes (3 cases checked)", or "... : no — losing host-c leaves
  /// vm-db stopped (no node can run vm-db: host-a lacks capacity (memory ...))"; spares in
  /// use are named after it.
  [[nodiscard]] std::string verdict() const;
};

/// Plans the loss of every combination of `k` nodes among those online (k ≥ 1) from the
/// state the current plan leads to. A resource counts when it is managed and runs there; it
/// is stranded when, once the planner has converged after the loss, it runs nowhere. A red
/// or yellow node is no recovery target: it keeps what runs there and takes nothing else.
/// Quorum is not modelled: the survivors are assumed to keep it.
Survivability survivability(const model::ClusterState& state, const model::Config& config, int k);

}  // namespace wholesale_ha::policy
