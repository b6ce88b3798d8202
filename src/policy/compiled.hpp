#pragma once
// The configuration and state turned into dense, index-based tables once per plan, so the
// scheduling passes work on integers and vectors instead of strings and maps.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <wholesale_ha/model/cluster.hpp>

#include "id_index.hpp"

namespace wholesale_ha::policy::detail {

using model::Score;

struct NodeInfo {
  const model::Node* config = nullptr;
  model::NodeState state = model::NodeState::online;
  /// Config attributes overlaid with status attributes.
  model::Attributes attributes;
  /// May take new resources: online, not standby, not in maintenance, not shutting down.
  bool can_host = false;
  /// Set while the node empties itself before a clean shutdown or reboot.
  std::optional<model::ShutdownKind> shutdown;
  bool evacuate = false;  ///< in maintenance mode
  Score health = 0;
  /// "#health-disk=red #health-memory=yellow" (only the non-green ones), for reasons.
  std::string health_evidence;
  std::vector<std::int64_t> capacity;  ///< per utilization key; 0 where undeclared
  /// Some #health-* attribute is red or yellow: no room for failover is counted here.
  bool degraded = false;
  /// A spare (options.failover_capacity.spare_nodes): takes only what is being recovered.
  bool spare = false;
};

struct Instance {
  Index node = kNone;
  bool failed = false;
  bool frozen = false;  ///< on a maintenance node or blocked: nobody touches it
};

/// A score some constraint puts on a node for a resource.
struct NodeScoreTerm {
  Index node = kNone;
  Score score = 0;
  Index constraint = kNone;  ///< index into Config::constraints
};

struct ColocationTerm {
  Index other = kNone;  ///< the resource this one is placed relative to
  Score score = 0;
  Index constraint = kNone;
};

/// A mandatory/optional order between two resources (groups already expanded).
struct OrderTerm {
  Index first = kNone;
  Index then = kNone;
  bool mandatory = true;
  bool symmetrical = true;
};

struct ResourceInfo {
  const model::Resource* config = nullptr;
  model::EffectiveMeta meta;
  bool is_clone = false;
  std::int32_t clone_max = 0;
  std::int32_t clone_node_max = 1;
  std::span<const Instance> active;  ///< on online nodes (reachable), in Compiled::instances
  std::vector<Index> lost_on;    ///< unclean nodes it may still run on
  /// Left exactly as it is: on a maintenance node, or blocked after a failure.
  bool frozen = false;
  /// Stopped with this node under shutdown_policy freeze: may run nowhere else.
  Index waits_for = kNone;
  /// Moved off this node for its maintenance, which is over: it goes back (+INFINITY).
  Index returns_to = kNone;
  /// Not running anywhere: the node it last ran on (a tie goes there).
  Index last_node = kNone;
  /// It ran before (the status remembers its last node, lists it on an offline node, or it
  /// may still run on a lost node):
  /// starting it again is never held back by admission control, which gates only new ones.
  bool ran_before = false;
  /// Its node was lost, or bans it for red health: it may use a spare, and prefers one
  /// among nodes that score alike.
  bool recovering = false;
  /// Nodes an offline move sends it to: it gets there by stop and start, never migration.
  std::vector<Index> offline_to;
  std::vector<std::int64_t> demand;  ///< per utilization key
  std::vector<NodeScoreTerm> locations;
  std::vector<Index> allowed_nodes;  ///< asymmetric clusters: nodes a constraint names
  std::vector<std::pair<Index, std::int64_t>> failcounts;  ///< unexpired, per node
  std::vector<Index> banned_by_failures;                   ///< failcount ≥ migration_threshold
  /// Banned by failures on more nodes than max_relocate allows: it stays stopped.
  bool relocations_spent = false;
  std::vector<ColocationTerm> colocations;  ///< finite / -INF, or +INF with a clone
  std::vector<Index> requires_;  ///< must share a node with these (+INF colocation, depends_on, group)
  Index unit = kNone;
  std::size_t config_index = 0;
};

/// Resources that must share a node, placed together.
struct Unit {
  /// In dependency order (a member after what it requires), in Compiled::unit_members.
  std::span<Index> members;
  std::int32_t priority = 0;
  std::size_t config_index = 0;
};

struct Compiled {
  Compiled() = default;
  Compiled(Compiled&&) = default;
  Compiled& operator=(Compiled&&) = default;
  Compiled(const Compiled&) = delete;  // the spans point into this object's storage
  Compiled& operator=(const Compiled&) = delete;

  const model::Config* config = nullptr;
  const model::ClusterState* state = nullptr;
  std::vector<NodeInfo> nodes;
  /// Nodes whose health score is not 0, ascending: the only ones health adds a term for.
  std::vector<Index> scored_health_nodes;
  std::vector<ResourceInfo> resources;
  std::vector<Unit> units;
  std::vector<OrderTerm> orders;
  /// Storage behind ResourceInfo::active and Unit::members: one allocation each, not one
  /// per resource (which was a sixth of planning a small cluster).
  std::vector<Instance> instances;
  std::vector<Index> unit_members;
  std::vector<std::string> utilization_keys;
  bool utilization_enabled = false;
  /// Admission control, percent mode: per utilization key, the percent of the hosting nodes'
  /// capacity kept free for failover (0: none); empty otherwise.
  std::vector<std::int64_t> reserve_percent;
  /// Admission control, hosts mode: room kept for the loss of this many nodes (0: off).
  std::int32_t reserve_hosts = 0;
  /// The spare nodes, ascending: placement adds a spare term for each (scoring.hpp).
  std::vector<Index> spare_nodes;
  /// options.failover_capacity.failback, and every node that is not a spare is online and not
  /// red: what runs on a spare leaves it (no stickiness there, and it loses ties).
  bool failback_now = false;
  /// Some resource has a ColocationTerm: passes that only act on colocations skip otherwise.
  bool any_colocation = false;
  /// Some resource is frozen or has an instance on a lost node: placement pins nothing
  /// otherwise.
  bool any_frozen_or_lost = false;

  /// Index by id (nodes and resources must be filled in). The id tables are built on the
  /// first call: a status listing resources in configuration order never needs them.
  [[nodiscard]] Index node(std::string_view id) const {
    if (!node_index_.built()) {
      node_index_.assign(nodes.size(), [&](Index n) { return std::string_view{node_id(n)}; });
    }
    return node_index_.find(id);
  }
  [[nodiscard]] Index resource(std::string_view id) const {
    if (!resource_index_.built()) {
      resource_index_.assign(resources.size(),
                             [&](Index r) { return std::string_view{resource_id(r)}; });
    }
    return resource_index_.find(id);
  }
  /// node(id) and resource(id) that try `guess` first: a caller walking ids in a usual
  /// order (the status lists resources in configuration order) skips hashing each one.
  [[nodiscard]] Index node(std::string_view id, Index guess) const {
    return guess < nodes.size() && node_id(guess) == id ? guess : node(id);
  }
  [[nodiscard]] Index resource(std::string_view id, Index guess) const {
    return guess < resources.size() && resource_id(guess) == id ? guess : resource(id);
  }
  [[nodiscard]] const std::string& node_id(Index n) const { return nodes[n].config->id; }
  [[nodiscard]] const std::string& resource_id(Index r) const { return resources[r].config->id; }

 private:
  mutable IdIndex node_index_;
  mutable IdIndex resource_index_;
};

Compiled compile(const model::ClusterState& state, const model::Config& config);

}  // namespace wholesale_ha::policy::detail
