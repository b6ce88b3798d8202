#pragma once
// What the policy engine decides: a DAG of actions (start, stop, migrate, fence) with
// "must happen before" edges, a per-resource summary, and notices for what it could not do.
// Every action and change carries a reason an operator can read and a program can match.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wholesale_ha::policy {

/// Why something is decided. `code` is stable and machine-readable; `text` is for humans
/// and names the facts ("node n3 health red (#health-disk=red) under migrate-on-red").
enum class ReasonCode {
  initial_start,        ///< not running anywhere and may run
  node_unhealthy,       ///< the current node's health bans or outscores it
  node_standby,         ///< the current node is in standby
  node_shutdown,        ///< the node shuts down or reboots on purpose (shutdown_policy)
  node_maintenance,     ///< the node is in maintenance mode: evacuated
  failback,             ///< back to the node it left for that node's maintenance
  node_lost,            ///< the current node is unclean (lost) or offline
  node_fenced,          ///< a fence action for a lost node
  failed,               ///< the resource failed: recovery
  failcount_threshold,  ///< failcount reached migration_threshold on the current node
  constraint,           ///< a location or colocation constraint no longer allows the node
  better_placement,     ///< another node scores higher than the current one (with stickiness)
  capacity,             ///< the node lacks capacity under the placement strategy
  target_role_stopped,  ///< the operator wants it stopped
  active_multiple,      ///< active on more nodes than allowed
  dependency,           ///< follows a resource it depends on (restart, move or stop)
  no_quorum,            ///< the partition has no quorum
  no_eligible_node,     ///< nowhere to run it
  migration_deferred,   ///< migration limit reached; a later transition does it
  fencing_disabled,     ///< a lost node cannot be fenced: recovery waits
  blocked,              ///< cannot act safely for another reason
  unmanaged,            ///< meta managed: false: the cluster leaves it alone
  admission_control,    ///< not started: it would eat into the room kept for failover
};

struct Reason {
  ReasonCode code = ReasonCode::initial_start;
  std::string text;

  friend bool operator==(const Reason&, const Reason&) = default;
};

enum class ActionKind {
  start,    ///< start `resource` on `node`
  stop,     ///< stop `resource` on `node`
  migrate,  ///< live-migrate `resource` from `node` to `target`
  fence,    ///< power off / isolate `node`
};

struct Action {
  std::size_t id = 0;  ///< index in Transition::actions
  ActionKind kind = ActionKind::start;
  std::string resource;  ///< empty for fence
  std::string node;
  std::optional<std::string> target;  ///< migrate only
  Reason reason;

  friend bool operator==(const Action&, const Action&) = default;
};

/// `before` must complete successfully before `after` may begin.
struct Edge {
  std::size_t before = 0;
  std::size_t after = 0;

  friend bool operator==(const Edge&, const Edge&) = default;
};

/// What happens to one resource, summarised for humans (like crm_simulate's transition
/// summary).
enum class ChangeKind {
  start,    ///< was stopped, starts on `to`
  stop,     ///< stops on `from`
  restart,  ///< recovered in place on `from` == `to`
  migrate,  ///< live migration `from` → `to`
  move,     ///< stop on `from`, start on `to`
};

struct ResourceChange {
  std::string resource;
  ChangeKind kind = ChangeKind::start;
  std::optional<std::string> from;
  std::optional<std::string> to;
  Reason reason;

  friend bool operator==(const ResourceChange&, const ResourceChange&) = default;
};

/// Something the engine could not or would not do now (e.g. no node can take a resource,
/// recovery waits for fencing, a migration was deferred by the migration limit).
struct Notice {
  std::string resource;  ///< or empty for cluster-wide notices
  Reason reason;

  friend bool operator==(const Notice&, const Notice&) = default;
};

struct Transition {
  std::vector<Action> actions;
  std::vector<Edge> edges;
  std::vector<ResourceChange> changes;
  std::vector<Notice> notices;

  /// Nothing to do (notices may still explain why something stays as it is).
  [[nodiscard]] bool empty() const noexcept { return actions.empty(); }

  friend bool operator==(const Transition&, const Transition&) = default;
};

std::string_view to_string(ReasonCode code) noexcept;
std::string_view to_string(ActionKind kind) noexcept;
std::string_view to_string(ChangeKind kind) noexcept;

/// "start web n2", "stop web n1", "migrate vm1 n1->n2", "fence n3": the canonical one-line
/// form used by scenario files and logs.
std::string describe(const Action& action);

}  // namespace wholesale_ha::policy
