#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <wholesale_ha/model/duration.hpp>
#include <wholesale_ha/model/node.hpp>
#include <wholesale_ha/model/score.hpp>

namespace wholesale_ha::model {

/// Backend parameters: OCF_RESKEY_* style strings (a JSON number or boolean is stored in its
/// JSON spelling).
using Params = std::map<std::string, std::string, std::less<>>;

enum class TargetRole { started, stopped };

/// What happens to a node's resources when the node is shut down or rebooted on purpose
/// (Proxmox VE's shutdown_policy; docs/policy.md §9).
enum class ShutdownPolicy {
  migrate,      ///< moved away (live-migrated where allowed) before the node may go
  failover,     ///< stopped as the node goes and started elsewhere (never live-migrated)
  freeze,       ///< stopped as the node goes; started again on it when it is back
  conditional,  ///< freeze when the node reboots, failover when it powers off
};

/// Meta attributes. Unset fields fall back to ClusterOptions::resource_defaults and then to
/// the built-in defaults below (see effective_meta()).
struct ResourceMeta {
  std::optional<bool> allow_migrate;          ///< default false
  std::optional<Score> stickiness;            ///< default 0
  std::optional<std::int32_t> migration_threshold;  ///< default INFINITY; 0 disables the ban
  std::optional<Duration> failure_timeout;    ///< default 0 = failures never expire
  std::optional<std::int32_t> priority;       ///< default 0; higher is placed first
  std::optional<TargetRole> target_role;      ///< default started
  std::optional<bool> allow_unhealthy_nodes;  ///< default false: node health applies
  /// default: ClusterOptions::shutdown_policy
  std::optional<ShutdownPolicy> shutdown_policy;
  /// default true: after a node's maintenance mode, what it ran moves back to it
  std::optional<bool> failback;
  /// default true; false (Pacemaker's is-managed=false): the cluster neither starts, stops
  /// nor recovers it, and its failures fence nothing. It is still probed and monitored.
  std::optional<bool> managed;
  /// default 0 (Pacemaker's start-failure-is-fatal): failed starts retried on the same node
  /// before that node is given up for it (Proxmox VE's max_restart)
  std::optional<std::int32_t> max_restart;
  /// default -1 = unlimited: nodes it may be moved to after failures; once more nodes than
  /// this are banned by failures it stays stopped until an operator clears them (Proxmox VE's
  /// max_relocate)
  std::optional<std::int32_t> max_relocate;

  friend bool operator==(const ResourceMeta&, const ResourceMeta&) = default;
};

/// ResourceMeta with every default applied.
struct EffectiveMeta {
  bool allow_migrate = false;
  Score stickiness = 0;
  std::int32_t migration_threshold = kInfinity;
  Duration failure_timeout{0};
  std::int32_t priority = 0;
  TargetRole target_role = TargetRole::started;
  bool allow_unhealthy_nodes = false;
  bool managed = true;
  std::int32_t max_restart = 0;
  std::int32_t max_relocate = -1;
};

/// Resolves `meta` over `defaults` over the built-in defaults.
EffectiveMeta effective_meta(const ResourceMeta& meta, const ResourceMeta& defaults) noexcept;

/// What to do when an operation fails.
enum class OnFail {
  restart,  ///< count the failure and recover (restart in place, or move after
            ///< migration_threshold failures)
  block,    ///< leave the resource exactly as it is (failed) until an operator acts
  fence,    ///< fence the node it ran on
  ignore,   ///< pretend it succeeded (monitor only; for flaky checks being diagnosed)
};

/// Timing and failure handling of one operation; unset fields use the defaults in
/// docs/config.md.
struct OperationSpec {
  std::optional<Duration> interval;  ///< monitor only: how often
  std::optional<Duration> timeout;
  std::optional<OnFail> on_fail;

  friend bool operator==(const OperationSpec&, const OperationSpec&) = default;
};

struct Operations {
  OperationSpec monitor;
  OperationSpec start;
  OperationSpec stop;
  OperationSpec migrate;

  friend bool operator==(const Operations&, const Operations&) = default;
};

/// One rung of a resource's recovery ladder: a repair its backend performs in place (restart
/// the application inside a VM, reset the guest, ...) before the cluster stops and starts it.
/// A failed monitor takes the first step with attempts left; a repair that fails uses up its
/// step and the next is tried at once. After the last step the monitor's on_fail applies.
/// The attempts count again from zero once the resource is started anew (docs/libvirt.md).
struct RecoveryStep {
  std::string action;                ///< the backend's name for it ("restart_application", "reset")
  std::int32_t attempts = 1;         ///< how many times this step may be taken
  std::optional<Duration> timeout;   ///< of one repair (default: the monitor's timeout)

  friend bool operator==(const RecoveryStep&, const RecoveryStep&) = default;
};

/// A resource that runs on several nodes at once (one instance per node by default).
struct CloneSpec {
  std::optional<std::int32_t> max;  ///< default: number of nodes
  std::int32_t node_max = 1;

  friend bool operator==(const CloneSpec&, const CloneSpec&) = default;
};

/// One managed thing: a VM, a container, a process, an OCF agent instance, a callback.
struct Resource {
  std::string id;
  std::string backend;  ///< "libvirt", "ocf", "process", "callback", ... (agent registry key)
  std::string type;     ///< backend-specific kind, e.g. "heartbeat:Dummy" for ocf
  Params params;
  ResourceMeta meta;
  Utilization utilization;
  std::optional<CloneSpec> clone;
  Operations operations;
  /// Repairs in place tried in order on a failed monitor, before on_fail (restart) applies.
  std::vector<RecoveryStep> recovery;

  friend bool operator==(const Resource&, const Resource&) = default;
};

/// An ordered list of resources that run together on one node and start in list order.
struct Group {
  std::string id;
  std::vector<std::string> resources;

  friend bool operator==(const Group&, const Group&) = default;
};

}  // namespace wholesale_ha::model
