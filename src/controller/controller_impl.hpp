#pragma once
// Controller internals: the converge loop (plan → execute → re-plan), results folded into the
// live state, recurring monitors, probes, and operator commands.

#include <map>
#include <memory>
#include <set>
#include <string>

#include <boost/asio/steady_timer.hpp>

#include <nlohmann/json.hpp>

#include <wholesale_ha/controller.hpp>
#include <wholesale_ha/executor/agent_pool.hpp>
#include <wholesale_ha/executor/operation.hpp>

namespace wholesale_ha {

struct Controller::Impl {
  Impl(Controller& owner, boost::asio::any_io_executor executor, model::Config config,
       std::shared_ptr<membership::Membership> membership, agents::Registry& registry,
       ControllerOptions options);

  // --- lifecycle and the converge loop (controller.cpp)
  void start();
  void stop(std::function<void()> done);
  void schedule_plan();
  void plan_now();
  void transition_done(bool complete);
  void apply_view(const membership::View& view);
  [[nodiscard]] model::Timestamp now() const;

  // --- results, monitors and probes (controller_results.cpp)
  void action_finished(const executor::ActionResult& result);
  void operation_failed(const std::string& resource, const std::string& node,
                        const std::string& operation, const agents::Result& result,
                        model::OnFail on_fail, bool fatal);
  void sync_monitors();
  void arm_monitor(const std::string& resource, const std::string& node);
  void run_monitor(const std::string& resource, const std::string& node, std::uint64_t generation);
  void probe(const std::string& resource, const std::string& node, std::function<void()> then);
  void probe_all();

  // --- state helpers (controller_results.cpp)
  model::ResourcePlacement* placement(const std::string& resource, const std::string& node);
  void set_placement(const std::string& resource, const std::string& node, model::ResourceState s);
  void remove_placement(const std::string& resource, const std::string& node);
  void drop_node_placements(const std::string& node);

  // --- commands (controller_commands.cpp)
  std::vector<model::Diagnostic> adopt(model::Config next);
  void stop_orphans();

  // --- the replicated state (replica.cpp): every change is a message; in-process it is
  // applied at once, in a cluster every member applies it in the same total order.
  void publish(const std::string& type, nlohmann::json body);
  void handle(const membership::Message& message);
  void record_placement(const std::string& resource, const std::string& node,
                        std::optional<model::ResourceState> state);
  std::int32_t record_failure(const std::string& resource, const std::string& node, bool fatal);
  void record_attribute(const std::string& node, const std::string& name, const std::optional<std::string>& value);

  // --- cluster mode (cluster.cpp)
  [[nodiscard]] bool is_coordinator() const;
  /// Whether this process monitors and probes `resource` on `node`.
  [[nodiscard]] bool responsible_for(const std::string& resource, const std::string& node) const;
  [[nodiscard]] bool runs_anywhere(const std::string& resource) const;
  void run_operation(const executor::Operation& op, agents::Handler done);
  void serve_operation(const membership::Message& request);
  void operation_answered(const nlohmann::json& answer);
  void begin_sync();
  void report_local(std::uint64_t round, const std::string& coordinator);
  void report_received(const nlohmann::json& report);
  void quorum_lost_locally();

  Controller& self;
  boost::asio::any_io_executor ex;
  Logger log;
  std::shared_ptr<const model::Config> config;
  model::ClusterState state;
  std::shared_ptr<membership::Membership> membership;
  agents::Registry& registry;
  ControllerOptions options;
  executor::AgentPool pool;
  executor::LocalRunner local_runner{pool};

  /// Routes operations: to this process's agents, or to the node that must run them.
  struct ClusterRunner final : executor::OperationRunner {
    explicit ClusterRunner(Impl& i) : impl(i) {}
    void run(const executor::Operation& op, agents::Handler done) override { impl.run_operation(op, std::move(done)); }
    Impl& impl;
  } cluster_runner{*this};
  std::shared_ptr<fencing::Fencer> fencer;
  executor::Executor exec;
  ScopedConnection membership_connection;

  struct Monitor {
    explicit Monitor(const boost::asio::any_io_executor& e) : timer(e) {}
    boost::asio::steady_timer timer;
    std::uint64_t generation = 0;
  };
  std::map<std::pair<std::string, std::string>, std::shared_ptr<Monitor>> monitors;
  std::uint64_t next_generation = 1;

  /// Nodes the controller wants fenced (a stop or monitor failure with on_fail fence).
  std::set<std::string> fence_requested;
  /// Nodes fenced since membership last saw them online: no longer "unclean".
  std::set<std::string> fenced;
  /// Resources with an action in flight: their monitors wait.
  std::set<std::string> acting;
  /// Resources with an operation this node runs for the coordinator (cluster mode); a report
  /// waits until it is empty.
  std::multiset<std::string> served;
  /// Nodes seen online since this controller started or rejoined: only the others get
  /// startup_grace.
  std::set<std::string> seen_online;
  [[nodiscard]] bool waiting_for_first_join() const;
  void monitor_failed_on_member(const nlohmann::json& report);
  /// An operation on it is under way: a monitor's verdict would describe a moving target.
  [[nodiscard]] bool busy_with(const std::string& resource) const {
    return acting.contains(resource) || served.contains(resource);
  }

  // Cluster mode.
  bool clustered = false;  ///< the membership spans processes (not in-process)
  membership::View view;   ///< the last membership view applied
  std::string local;       ///< this node's id
  ScopedConnection message_connection;
  std::uint64_t next_operation = 1;
  std::map<std::uint64_t, agents::Handler> awaiting_answers;  ///< remote operations in flight
  std::vector<std::function<void()>> when_idle_locally;
  std::uint64_t sync_round = 0;
  std::set<std::string> awaiting_reports;
  bool synced = false;
  boost::asio::steady_timer sync_timer;
  std::chrono::steady_clock::time_point started_at{};  ///< or rejoined the cluster

  bool running = false;
  bool stopping = false;
  bool plan_posted = false;
  bool replan_pending = false;
  bool is_idle = false;
  std::size_t probes_in_flight = 0;
  std::chrono::milliseconds retry_delay{0};
  boost::asio::steady_timer retry_timer;
  std::function<void()> stop_done;
};

}  // namespace wholesale_ha
