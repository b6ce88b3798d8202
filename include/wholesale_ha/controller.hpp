#pragma once
// The facade an orchestrator embeds: give it a configuration, a membership and the agent
// backends, start it on your io_context, and it keeps every resource running — probing what
// runs, planning (policy), executing (agents), monitoring, and recovering — until stopped.
//
// Threading: the controller runs on its own strand of `executor`, so the io_context may run on
// several threads. Call its methods from that strand (`executor()`; post or dispatch to it)
// and destroy it there or once the io_context has stopped. Every event below is emitted on
// that strand.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include <wholesale_ha/agents/registry.hpp>
#include <wholesale_ha/events.hpp>
#include <wholesale_ha/executor/executor.hpp>
#include <wholesale_ha/fencing/fencer.hpp>
#include <wholesale_ha/log.hpp>
#include <wholesale_ha/membership/membership.hpp>
#include <wholesale_ha/model/cluster.hpp>
#include <wholesale_ha/result.hpp>
#include <wholesale_ha/policy/survivability.hpp>
#include <wholesale_ha/policy/transition.hpp>

namespace wholesale_ha {

struct ControllerOptions {
  Logger logger;
  executor::ExecutorOptions executor;
  /// How lost nodes are fenced. When null and the membership is in-process, fencing a
  /// simulated node stops everything the library runs "on" it and marks it offline; with any
  /// other membership, a missing fencer blocks recovery (loudly).
  std::shared_ptr<fencing::Fencer> fencer;
  /// Seconds since the epoch; the policy's notion of now (failure_timeout). Tests inject one.
  std::function<model::Timestamp()> clock;
  /// Re-plan delay after a transition that had failures, doubling up to the maximum.
  std::chrono::milliseconds retry_delay{500};
  std::chrono::milliseconds max_retry_delay{30'000};
  /// Cluster mode: how long the coordinator waits, after starting, for configured nodes it has
  /// never seen to join before treating them as lost (they are then fenced), and after a
  /// membership change for every member's report of what it runs.
  std::chrono::milliseconds startup_grace{15'000};
  std::chrono::milliseconds sync_timeout{10'000};
  /// The failure what-if costs a plan per case: the controller runs it (when it converges, and
  /// for failover_capacity(k)) only while cases x resources — nodes x resources for k = 1 —
  /// is at most this, to keep its strand responsive; 0 turns it off. policy::survivability()
  /// answers for any size.
  std::size_t failover_check_limit = 100'000;
};

/// A resource that failed a monitor or an operation.
struct ResourceFailure {
  std::string resource;
  std::string node;
  std::string operation;  ///< "monitor", "start", "stop", "migrate"
  agents::Outcome result;
  std::int32_t failcount = 0;  ///< on that node, after this failure
};

/// A repair in place, one rung of a resource's recovery ladder (model::RecoveryStep), taken
/// after a failed monitor instead of stopping and starting it.
struct ResourceRepair {
  std::string resource;
  std::string node;
  std::string action;         ///< "restart_application", "reset", ...
  std::int32_t attempt = 0;   ///< of this step, from 1
  std::int32_t attempts = 0;  ///< the step's budget
  agents::Outcome detected;   ///< the failed monitor that called for it
  agents::Outcome result;     ///< the repair's own outcome
};

/// A plan the controller computed, converged (no actions) or not.
struct PlanComputed {
  /// Wall-clock time of the decision step that planned (the plan and the bookkeeping
  /// around it; on the coordinator only, in a cluster).
  std::chrono::nanoseconds took{0};
  std::size_t actions = 0;
};

class Controller {
 public:
  struct Impl;
  /// The events the controller emits, on its strand (see Controller's threading note).
  struct Events {
    Event<const policy::Transition&> transition_planned;
    Event<const policy::Action&> action_started;
    Event<const executor::ActionResult&> action_finished;
    Event<const ResourceFailure&> resource_failed;
    Event<const ResourceRepair&> resource_repaired;
    Event<const std::string&, const model::Attributes&> node_health_changed;
    Event<const membership::View&> membership_changed;
    Event<> idle;
    Event<const policy::Survivability&> failover_capacity_changed;
    Event<const PlanComputed&> plan_computed;
  };

 private:
  std::unique_ptr<Events> events_;  // first: the subscriptions below refer to it
  std::unique_ptr<Impl> impl_;

 public:
  Controller(boost::asio::any_io_executor executor, model::Config config,
             std::shared_ptr<membership::Membership> membership, agents::Registry& registry,
             ControllerOptions options = {});
  ~Controller();
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  /// Probes every resource on every node, then keeps the cluster converged. Returns at once.
  void start();
  /// Stops monitoring and planning; actions in flight finish first, then `done` runs.
  /// Resources are left as they are (stopping the library is not stopping the cluster).
  void stop(std::function<void()> done = {});

  /// Shuts this node down cleanly (a daemon stopping for an update, a power-off or a reboot):
  /// in a cluster its resources first follow their shutdown_policy (docs/policy.md §9: moved
  /// away, migrated where they can be, by default; or stopped to fail over or to wait for this
  /// node), then it tells the others it left, so it is not fenced; `done` runs then.
  /// In-process this is stop(). Resources that cannot go anywhere are stopped.
  void leave(model::ShutdownKind kind, std::function<void()> done = {});
  /// leave() for a power-off.
  void leave(std::function<void()> done = {}) { leave(model::ShutdownKind::poweroff, std::move(done)); }

  /// Validates `config` (model and backends) and, only if it has no errors, switches to it
  /// and re-plans. Returns every problem found; on any error nothing changes. Resources
  /// removed from the configuration are stopped; changed parameters apply at the next start.
  Result<void> reload(model::Config config);

  /// Moves `resource` to `node` (a +INFINITY location constraint "move-<resource>", like
  /// crm_resource --move); an empty node removes that constraint again. `offline` (Proxmox
  /// VE's relocate): it gets there by stop and start, never by live migration, for as long
  /// as the move stands.
  Result<void> move(const std::string& resource, const std::string& node, bool offline = false);
  Result<void> standby(const std::string& node, bool on);
  /// Maintenance mode (Proxmox VE's, vSphere's): `on` evacuates the node (migrating where
  /// possible) and keeps it empty; `off` lets it take resources again and brings back what
  /// left it for the maintenance (unless its meta says failback: false). docs/policy.md §10.
  Result<void> maintenance(const std::string& node, bool on);
  /// In-process (one controller for every simulated node): `node` shuts down cleanly by the
  /// shutdown policies, as a cluster member does with leave() — it takes nothing new, its
  /// resources are migrated away, failed over or frozen with it (docs/policy.md §9) — and
  /// `done` runs once nothing runs there any more (or it is no longer online). Then take it
  /// out of the membership as offline (InProcessMembership::set_state): it is not fenced and,
  /// when it is back online, what was frozen with it starts there again. Waiting for `done`
  /// has no deadline here: the embedder bounds it. In a cluster this is an error.
  Result<void> shutdown_node(const std::string& node, model::ShutdownKind kind,
                             std::function<void()> done = {});
  /// Starts or stops a resource for good (its target_role), like crm_resource --start/--stop.
  Result<void> set_target_role(const std::string& resource, model::TargetRole role);
  /// Forgets failures of `resource` (on `node`, or everywhere) and re-probes it.
  Result<void> clear_failcount(const std::string& resource,
                               const std::optional<std::string>& node = {});
  /// Sets (or, with nullopt, removes) a transient node attribute such as #health-disk.
  Result<void> set_attribute(const std::string& node, const std::string& name,
                             const std::optional<std::string>& value);

  /// The configuration and state now. A command or reload replaces them: the references
  /// are valid until the next call into the controller or the next event it handles.
  [[nodiscard]] const model::Config& config() const;
  [[nodiscard]] const model::ClusterState& state() const;
  /// The failure what-if on the configuration and state now (docs/policy.md §11): what the
  /// loss of every `k` nodes would leave stopped. Computed on each call; nullopt when the
  /// cluster is larger than ControllerOptions::failover_check_limit.
  [[nodiscard]] std::optional<policy::Survivability> failover_capacity(int k = 1) const;
  /// True when the last plan was empty and nothing runs.
  [[nodiscard]] bool idle() const;
  /// The strand the controller runs on.
  [[nodiscard]] boost::asio::any_io_executor executor() const;

  // Subscribe-only: only the controller emits them.
  Subscription<const policy::Transition&> on_transition_planned{events_->transition_planned};
  Subscription<const policy::Action&> on_action_started{events_->action_started};
  Subscription<const executor::ActionResult&> on_action_finished{events_->action_finished};
  Subscription<const ResourceFailure&> on_resource_failed{events_->resource_failed};
  /// A repair of the recovery ladder finished (successfully or not).
  Subscription<const ResourceRepair&> on_resource_repaired{events_->resource_repaired};
  /// A node's #health-* attributes changed (through set_attribute or a health monitor).
  Subscription<const std::string&, const model::Attributes&> on_node_health_changed{events_->node_health_changed};
  Subscription<const membership::View&> on_membership_changed{events_->membership_changed};
  /// The cluster has converged: nothing to do and nothing running.
  Subscription<> on_idle{events_->idle};
  /// Checked each time the planning node converges (within failover_check_limit): whether the
  /// loss of any one node would leave something stopped (docs/policy.md §11) changed — "the
  /// cluster no longer tolerates a host failure", or does again. The first check reports.
  Subscription<const policy::Survivability&> on_failover_capacity_changed{events_->failover_capacity_changed};
  /// Every plan computed, with how long it took (metrics: wha_plan_duration_seconds).
  Subscription<const PlanComputed&> on_plan_computed{events_->plan_computed};
};

}  // namespace wholesale_ha
