#pragma once
// The controller's decisions, with no I/O and no clock: events in (a membership view, an
// ordered message, an operation's result, a timer, a command), effects out (send a message,
// run an operation, fence, arm a timer, notify the embedder). The Asio shell (controller.cpp)
// and the simulator (src/sim) drive the same core; given the same events it makes the same
// decisions. It logs through the Logger it is given, which decides nothing.

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include <wholesale_ha/controller.hpp>
#include <wholesale_ha/executor/operation.hpp>
#include <wholesale_ha/membership/membership.hpp>

#include "../executor/dispatch.hpp"
#include "protocol.hpp"

namespace wholesale_ha::core {

using Millis = std::chrono::milliseconds;

/// The time an event happens at: a monotonic clock for timers and grace periods, and the
/// wall clock (seconds) the policy's failure_timeout reads.
struct Now {
  Millis steady{0};
  model::Timestamp wall = 0;
};

struct Settings {
  std::string local;      ///< this node's id
  bool clustered = false; ///< the membership spans processes: state changes travel as messages
  /// Backends whose agents drive a node from anywhere (libvirt): the coordinator runs them.
  std::set<std::string> anywhere_backends;
  Millis retry_delay{500};
  Millis max_retry_delay{30'000};
  Millis startup_grace{15'000};
  Millis sync_timeout{10'000};
  Millis fence_timeout{60'000};
  Millis answer_grace{5'000};
  int node_concurrency = 4;
  int migration_limit = -1;
  std::size_t failover_check_limit = 100'000;  ///< nodes x resources; see ControllerOptions
};

// --- events ------------------------------------------------------------------------------------

struct Start {
  membership::View view;  ///< the membership's view right now
  std::string local;      ///< this node's id, as the membership knows it now (empty: keep)
};
/// Stop deciding; what runs is left as it is. `Stopped` follows once nothing is in flight.
struct Stop {};
/// Shut this node down cleanly: its resources follow their shutdown policy, then it says it
/// left (`LeftCluster`).
struct Leave {
  model::ShutdownKind kind = model::ShutdownKind::poweroff;
};
struct ViewChanged {
  membership::View view;
};
/// A message in the total order. Shared: in a simulation every member gets the same one.
struct Delivered {
  std::shared_ptr<const membership::Message> message;
};
/// An operation or fence the core asked for has ended.
struct OpDone {
  std::uint64_t id = 0;
  agents::Outcome result;
};
struct TimerFired {
  std::uint64_t id = 0;
};
/// A backend's own failure event (libvirt): the resource's monitor runs now.
struct AgentNotice {
  std::string resource;
  std::string node;
};
/// A broadcast the shell could not send.
struct SendFailed {
  std::string type;
  std::string why;
  nlohmann::json body;  ///< what could not be sent
};
using Event = std::variant<Start, Stop, Leave, ViewChanged, Delivered, OpDone, TimerFired, AgentNotice, SendFailed>;

// --- effects -----------------------------------------------------------------------------------

struct Broadcast {
  std::string type;
  nlohmann::json body;
};
/// Run `op` with this process's agents; answer with OpDone{id}.
struct RunOperation {
  std::uint64_t id = 0;
  executor::Operation op;
};
/// Fence `node`; answer with OpDone{id}.
struct FenceNode {
  std::uint64_t id = 0;
  std::string node;
  Millis timeout{0};
};
/// Answer with TimerFired{id} after `after`. Timers are never cancelled: the core ignores
/// the ones it no longer waits for.
struct ArmTimer {
  std::uint64_t id = 0;
  Millis after{0};
};
/// Report the backend's own failure events for this instance as AgentNotice.
struct Watch {
  std::string resource;
  std::string node;
};
struct TransitionPlanned {
  policy::Transition transition;
};
struct ActionStarted {
  policy::Action action;
};
struct ActionFinished {
  executor::ActionResult result;
};
struct ResourceFailed {
  ResourceFailure failure;
};
struct ResourceRepaired {
  ResourceRepair repair;
};
struct HealthChanged {
  std::string node;
  model::Attributes health;
};
struct MembershipChanged {
  membership::View view;
};
struct Idle {};
/// A plan was computed (empty or not): the shell times the step that made it.
struct Planned {
  std::size_t actions = 0;
};
struct Stopped {};
struct LeftCluster {};
/// Whether the cluster survives the loss of any one node changed (checked when it converges).
struct FailoverCapacityChanged {
  policy::Survivability survivability;
};
/// In-process: a simulated node asked to shut down (ShutdownNode) runs nothing any more, or
/// is no longer online.
struct NodeEmptied {
  std::string node;
};
using Effect = std::variant<Broadcast, RunOperation, FenceNode, ArmTimer, Watch, TransitionPlanned, ActionStarted,
                            ActionFinished, ResourceFailed, ResourceRepaired, HealthChanged, MembershipChanged, Idle,
                            Planned, Stopped, LeftCluster, NodeEmptied, FailoverCapacityChanged>;
using Effects = std::vector<Effect>;

// --- commands ----------------------------------------------------------------------------------

/// A new configuration; the shell has checked it against the agent backends already.
struct Reload {
  model::Config config;
};
struct Move {
  std::string resource;
  std::string node;  ///< empty: remove the move constraint
  bool offline = false;
};
struct SetStandby {
  std::string node;
  bool on = true;
};
struct SetMaintenance {
  std::string node;
  bool on = true;
};
/// In-process only: one of the simulated nodes shuts down cleanly by the shutdown policies
/// (a cluster member does that itself, with Leave). `NodeEmptied` tells when it may go.
struct ShutdownNode {
  std::string node;
  model::ShutdownKind kind = model::ShutdownKind::poweroff;
};
struct SetTargetRole {
  std::string resource;
  model::TargetRole role = model::TargetRole::started;
};
struct ClearFailcount {
  std::string resource;
  std::optional<std::string> node;
};
struct SetAttribute {
  std::string node;
  std::string name;
  std::optional<std::string> value;
};
using Command =
    std::variant<Reload, Move, SetStandby, SetMaintenance, ShutdownNode, SetTargetRole, ClearFailcount, SetAttribute>;

class Core {
 public:
  Core(Settings settings, model::Config config, Logger logger);

  /// Handles one event and returns what must happen as a result, in order.
  Effects step(const Event& event, Now now);
  /// Validates and applies an operator command; on any error nothing changes.
  std::vector<Diagnostic> command(const Command& command, Now now, Effects& out);

  [[nodiscard]] const model::Config& config() const { return *config_; }
  [[nodiscard]] const std::shared_ptr<const model::Config>& shared_config() const { return config_; }
  [[nodiscard]] const model::ClusterState& state() const { return state_; }
  [[nodiscard]] const membership::View& view() const { return view_; }
  [[nodiscard]] const Settings& settings() const { return settings_; }
  /// Converged: the last plan was empty and nothing runs.
  [[nodiscard]] bool idle() const { return is_idle_ && !run_ && running_; }
  [[nodiscard]] bool running() const { return running_; }
  [[nodiscard]] bool is_coordinator() const;
  /// The failure what-if for `k` lost nodes is run only while its cases x resources stay
  /// within Settings::failover_check_limit (for k = 1: nodes x resources).
  [[nodiscard]] bool failover_check_affordable(int k = 1) const;
  [[nodiscard]] bool runs_anywhere(const std::string& resource) const;
  /// False for meta managed: false: the cluster leaves it alone.
  [[nodiscard]] bool is_managed(const std::string& resource) const;

 private:
  // What an operation in flight is for.
  struct ForAction {
    std::size_t action = 0;
  };
  struct ForMonitor {
    std::string resource, node;
    std::uint64_t generation = 0;
  };
  struct ForProbe {
    std::string resource, node;
  };
  struct ForReport {
    std::uint64_t report = 0;
    std::string resource, node;
  };
  struct ForServed {
    std::uint64_t request = 0;
    std::string coordinator, resource;
  };
  struct ForOrphanStop {
    std::string resource, node;
  };
  struct ForQuorumStop {
    std::string resource;
  };
  struct ForRepair {
    std::string resource, node;
    std::size_t step = 0;
    std::int32_t attempt = 0;
    agents::Outcome detected;
  };
  using Purpose =
      std::variant<ForAction, ForMonitor, ForProbe, ForReport, ForServed, ForOrphanStop, ForQuorumStop, ForRepair>;
  struct Pending {
    Purpose purpose;
    executor::Operation op;
    bool fence = false;
    bool remote = false;
  };

  // What a timer is for.
  struct Deadline {
    std::uint64_t op = 0;
  };
  struct MonitorDue {
    std::string resource, node;
    std::uint64_t generation = 0;
  };
  struct RetryPlan {
    std::uint64_t generation = 0;
  };
  struct SyncTimeout {
    std::uint64_t round = 0;
  };
  using TimerPurpose = std::variant<Deadline, MonitorDue, RetryPlan, SyncTimeout>;

  // An action's progress: a migration is migrate_to, migrate_from, or the stop + start fallback.
  enum class Step : unsigned char { primary, migrate_from, fallback_stop, fallback_start };
  struct RunningTransition {
    policy::Transition transition;
    executor::Dispatch dispatch;
    std::vector<Step> steps;
    std::vector<std::optional<std::string>> fallback_why;
    /// This node stopped coordinating while it ran: what is in flight ends, nothing follows.
    bool superseded = false;
  };

  struct ReportBuild {
    std::uint64_t round = 0;
    std::string coordinator;
    std::size_t pending = 0;
    std::vector<model::ResourcePlacement> found;
    std::vector<std::string> probed;  ///< nodes probed for what this coordinator drives
  };

  // core.cpp: lifecycle, planning, views
  void on(const Start&);
  void on(const Stop&);
  void on(const Leave&);
  void on(const ViewChanged&);
  void on(const Delivered&);
  void on(const OpDone&);
  void on(const TimerFired&);
  void on(const AgentNotice&);
  void on(const SendFailed&);
  void apply_view(const membership::View& next);
  void plan_now();
  void finish_deferred();
  std::uint64_t arm(Millis after, TimerPurpose purpose);
  void notify(Effect effect) { out_->push_back(std::move(effect)); }
  void fence_before_any_start(policy::Transition& t) const;

  // core_transition.cpp: running a transition
  void run_transition(policy::Transition t);
  void pump();
  void dispatch_action(std::size_t id);
  void issue_action(std::size_t id);
  /// Why a start or migration planned earlier now breaks a shutdown policy (a node began to
  /// shut down since), or nullopt.
  [[nodiscard]] std::optional<std::string> shutdown_forbids(const policy::Action& a) const;
  /// A failed start bans its node (failcount INFINITY) once max_restart retries there are spent.
  [[nodiscard]] bool start_failure_is_fatal(const model::Resource& resource, const std::string& node) const;
  /// Our "may be active there" placement came back: the start or migration may go.
  void intent_recorded(const std::string& resource, const std::string& node);
  void fail_intents(const std::string& why);
  void fail_action_now(std::size_t id, const std::string& why, agents::Status status = agents::Status::error_generic);
  void action_step_done(std::size_t id, agents::Outcome result);
  /// A migration's fallback once the source is stopped (or gone): the start on the target.
  void start_after_fallback(std::size_t id);
  void complete_action(std::size_t id, agents::Outcome result);
  void transition_over();
  /// `source_stopped`: a migration fell back to stop and start and the stop succeeded.
  void action_finished(const executor::ActionResult& r, bool source_stopped = false);
  [[nodiscard]] Millis timeout_for(const std::string& resource, policy::ActionKind kind) const;

  // core_operations.cpp: operations, monitors, probes
  std::uint64_t issue(executor::Operation op, Purpose purpose);
  std::uint64_t issue_fence(const std::string& node, std::size_t action);
  void op_done(std::uint64_t id, agents::Outcome result);
  void operation_failed(const std::string& resource, const std::string& node, const std::string& operation,
                        const agents::Outcome& result, model::OnFail on_fail, bool fatal);
  void sync_monitors();
  /// sync_monitors() for one instance whose placement changed.
  void sync_monitor(const std::string& resource, const std::string& node);
  void arm_monitor(const std::string& resource, const std::string& node);
  void run_monitor(const std::string& resource, const std::string& node, std::uint64_t generation);
  void monitor_done(const ForMonitor& m, const agents::Outcome& result);
  /// A failed monitor of a managed resource with on_fail restart: takes the next step of its
  /// recovery ladder that has attempts left. False when none is left (on_fail applies).
  bool start_repair(const std::string& resource, const std::string& node, const agents::Outcome& detected);
  void repair_done(const ForRepair& r, const agents::Outcome& result);
  void finish_repair(const ForRepair& r, const agents::Outcome& result);
  /// A fresh instance (started, or migrated in) gets the whole ladder again.
  void forget_repairs(const std::string& resource);
  void probe(const std::string& resource, const std::string& node);
  void probe_done(const ForProbe& p, const agents::Outcome& result);
  void probe_all();
  void stop_orphans();
  [[nodiscard]] bool busy_with(const std::string& resource) const;

  // core_replica.cpp: the replicated state
  void publish(protocol::Message message);
  void apply(const std::string& from, protocol::Message message);
  void record_placement(const std::string& resource, const std::string& node, std::optional<model::ResourceState> s);
  std::int32_t record_failure(const std::string& resource, const std::string& node, bool fatal);
  model::ResourcePlacement* placement(const std::string& resource, const std::string& node);
  void set_placement(const std::string& resource, const std::string& node, model::ResourceState s);
  void remove_placement(const std::string& resource, const std::string& node);
  void drop_node_placements(const std::string& node);
  void health_changed(const std::string& node);

  // core_cluster.cpp: coordinator, op routing, sync rounds, quorum loss, clean leave
  [[nodiscard]] bool responsible_for(const std::string& resource, const std::string& node) const;
  void serve(const std::string& from, const protocol::OpRequest& request);
  void served_done(const ForServed& s, const agents::Outcome& result, executor::Operation::Kind kind);
  void answered(const protocol::OpResult& answer);
  void monitor_failed_on_member(const protocol::MonitorFailed& report);
  void begin_sync();
  [[nodiscard]] bool waiting_for_first_join() const;
  void report_local(std::uint64_t round, const std::string& coordinator);
  /// Sends the reports that waited for this node's operations to end.
  void flush_reports();
  void report_probe_done(const ForReport& r, const agents::Outcome& result);
  void send_report(std::uint64_t report);
  void report_received(const protocol::NodeReport& report);
  /// What a fresh report knows that this replica missed (it joined later): shutdowns,
  /// freezes, maintenance.
  void learn_from_report(const protocol::NodeReport& report);
  void quorum_lost_locally();
  void stop_without_quorum();
  /// Quorate, or a no_quorum_policy that keeps things running without it.
  [[nodiscard]] bool quorate_enough() const;
  /// Operations run here that a report must wait for.
  [[nodiscard]] bool busy_locally() const;
  /// The coordinator still waits for reports from members other than itself.
  [[nodiscard]] bool others_awaited() const;
  /// Nothing may start: no quorum, or a lost node not yet fenced may still run anything.
  [[nodiscard]] std::optional<std::string> start_forbidden() const;
  void maybe_left();
  /// Converged: checks whether losing any one node would strand something, and says so when
  /// that answer changes.
  void check_failover_capacity();
  /// In-process: tells (NodeEmptied) which nodes asked to shut down are empty, given the
  /// plan just made (`planned`: nothing more happens there) or a view without them.
  void report_emptied(const policy::Transition* planned);

  // core_commands.cpp
  std::vector<Diagnostic> adopt(model::Config next);

  /// The configuration's resource by id, through an index (a cluster of thousands looks one up
  /// for every operation); rebuilt whenever the configuration changes.
  [[nodiscard]] const model::Resource* find_resource(const std::string& id) const;
  void set_config(std::shared_ptr<const model::Config> config);

  Settings settings_;
  Logger log_;
  std::shared_ptr<const model::Config> config_;
  std::unordered_map<std::string_view, const model::Resource*> resource_index_;
  std::optional<protocol::Known> known_;  ///< names in config_, for decoding messages
  model::ClusterState state_;
  membership::View view_;
  Now now_;
  Effects* out_ = nullptr;

  std::uint64_t next_id_ = 1;  ///< operations and timers
  std::map<std::uint64_t, Pending> ops_;
  std::map<std::uint64_t, TimerPurpose> timers_;
  /// Operations that failed before they could be sent: answered at the end of the step, as
  /// if they had come back at once.
  std::deque<OpDone> immediate_;
  std::optional<RunningTransition> run_;
  /// Actions waiting for their "may be active there" placement to come back.
  std::map<std::pair<std::string, std::string>, std::size_t> intents_;

  struct Monitor {
    std::uint64_t generation = 0;
  };
  std::map<std::pair<std::string, std::string>, Monitor> monitors_;
  std::uint64_t next_generation_ = 1;

  std::set<std::string> fence_requested_;
  std::set<std::string> fenced_;
  std::set<std::string> leaving_;
  std::set<std::string> left_;
  std::set<std::string> emptying_;  ///< in-process nodes shutting down, not yet NodeEmptied
  std::set<std::string> acting_;
  std::multiset<std::string> served_;
  std::set<std::string> repairing_;  ///< resources with a repair in flight (planning waits)
  /// Attempts used per recovery step, by (resource, node). The coordinator's alone: a new
  /// coordinator starts the ladders afresh.
  std::map<std::pair<std::string, std::string>, std::vector<std::int32_t>> repairs_used_;
  std::set<std::string> quorum_stopping_;
  bool quorum_stop_pending_ = false;  ///< stopping without quorum waits for our own news
  std::vector<std::pair<std::uint64_t, std::string>> reports_waiting_;  ///< (round, coordinator)
  std::map<std::uint64_t, ReportBuild> reports_;
  std::set<std::string> seen_online_;

  bool running_ = false;
  bool stopping_ = false;
  bool leave_requested_ = false;
  model::ShutdownKind leave_kind_ = model::ShutdownKind::poweroff;
  bool left_announced_ = false;
  /// The current coordinator's report since the last view change has been applied here.
  bool driven_known_ = false;
  bool plan_wanted_ = false;
  bool replan_pending_ = false;
  bool resync_after_run_ = false;  ///< a fence succeeded: probe again before planning
  bool is_idle_ = false;
  /// The last check_failover_capacity() answer: whether a host failure is tolerated, and
  /// which spares already hold something (a spent reserve is news too).
  std::optional<std::pair<bool, std::vector<policy::SpareInUse>>> failover_answer_;
  std::size_t probes_in_flight_ = 0;
  Millis retry_delay_{0};
  std::uint64_t retry_generation_ = 0;
  bool retry_armed_ = false;
  /// State changes this node broadcast that have not come back yet: a plan made before they
  /// do would act on what they already changed (start a resource a second time).
  std::size_t unconfirmed_ = 0;

  std::uint64_t sync_round_ = 0;
  std::set<std::string> awaiting_reports_;
  std::set<std::string> busy_reporters_;  ///< said they report once their operations end
  bool synced_ = false;
  Millis started_at_{0};
};

}  // namespace wholesale_ha::core
