#pragma once
// Live status: what is true right now, as opposed to what the operator configured. Membership,
// health probes and the executor write it; the policy engine reads it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <wholesale_ha/model/node.hpp>

namespace wholesale_ha::model {

/// Seconds since the Unix epoch. The policy engine never reads a clock: time is an input.
using Timestamp = std::int64_t;

enum class NodeState {
  online,   ///< member of this partition
  offline,  ///< known to be down: left cleanly or fenced
  unclean,  ///< lost without a clean leave; may still run resources until fenced
};

/// Why a node goes down on purpose: `conditional` shutdown policies tell the two apart.
enum class ShutdownKind { poweroff, reboot };

struct NodeStatus {
  NodeState state = NodeState::online;
  /// Transient attributes (health probes write #health-*); they override same-named
  /// attributes from the node's configuration.
  Attributes attributes;
  /// Set while an online node empties itself before a clean shutdown or reboot: it takes
  /// nothing new, and each resource on it follows its shutdown policy.
  std::optional<ShutdownKind> shutdown;
  /// Maintenance mode (Proxmox VE's, vSphere's): the node is evacuated and takes nothing new
  /// until an operator ends it; what it ran then returns to it (failback). Not the
  /// configuration's node `maintenance`, which leaves what runs there alone (Pacemaker's).
  bool evacuate = false;

  friend bool operator==(const NodeStatus&, const NodeStatus&) = default;
};

enum class ResourceState {
  started,  ///< running and healthy as far as the last monitor knows
  failed,   ///< crashed or failed a monitor: must be recovered, never migrated
  blocked,  ///< failed with on_fail "block": left exactly as it is until an operator acts
};

/// One running (or failed) instance of a resource on a node. More than one entry for a
/// non-clone resource means it is active twice, which the policy resolves.
struct ResourcePlacement {
  std::string resource;
  std::string node;
  ResourceState state = ResourceState::started;

  friend bool operator==(const ResourcePlacement&, const ResourcePlacement&) = default;
};

/// Failures of a resource on a node, for migration_threshold and failure_timeout.
struct FailureRecord {
  std::string resource;
  std::string node;
  std::int32_t count = 0;
  Timestamp last_failure = 0;

  friend bool operator==(const FailureRecord&, const FailureRecord&) = default;
};

/// A resource stopped together with its node under shutdown_policy freeze: it runs nowhere
/// else and starts there again once the node is back (then the record goes).
struct FrozenResource {
  std::string resource;
  std::string node;

  friend bool operator==(const FrozenResource&, const FrozenResource&) = default;
};

/// A resource moved off a node only for its maintenance: it returns there when the
/// maintenance ends (unless its meta says failback: false), then the record goes.
struct ReturningResource {
  std::string resource;
  std::string node;

  friend bool operator==(const ReturningResource&, const ReturningResource&) = default;
};

/// An operation the executor has started and not yet finished.
struct PendingOperation {
  std::string resource;
  std::string node;
  std::string operation;              ///< start, stop, monitor, migrate, ...
  std::optional<std::string> target;  ///< destination node of a migrate
  Timestamp since = 0;

  friend bool operator==(const PendingOperation&, const PendingOperation&) = default;
};

struct ClusterState {
  Timestamp now = 0;
  bool quorate = true;
  /// Per node; a configured node with no entry is online with no transient attributes.
  std::map<std::string, NodeStatus, std::less<>> nodes;
  std::vector<ResourcePlacement> resources;
  std::vector<FailureRecord> failcounts;
  std::vector<PendingOperation> pending;
  std::vector<FrozenResource> frozen;
  std::vector<ReturningResource> returns;
  /// Where each stopped resource last ran (resource -> node): on a score tie it starts there
  /// again (local storage, warm caches). Admission control never holds back a resource that
  /// has one: it ran before.
  std::map<std::string, std::string, std::less<>> last_node;

  friend bool operator==(const ClusterState&, const ClusterState&) = default;
};

/// An instance of `resource` stops on `node`: one placement there goes (a failed or blocked
/// one first; a clone may run several on a node) and, if it runs nowhere else now, `node`
/// becomes its last node. False when it was not placed there.
bool remove_placement(ClusterState& state, std::string_view resource, std::string_view node);
/// `node` went away (lost and fenced, or left): every placement there goes, and what runs
/// nowhere else now has `node` as its last node.
void drop_placements(ClusterState& state, std::string_view node);

}  // namespace wholesale_ha::model
