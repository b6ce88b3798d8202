#pragma once
// Controller internals: the converge loop (plan → execute → re-plan), results folded into the
// live state, recurring monitors, probes, and operator commands.

#include <map>
#include <memory>
#include <set>
#include <string>

#include <boost/asio/steady_timer.hpp>

#include <wholesale_ha/controller.hpp>
#include <wholesale_ha/executor/agent_pool.hpp>

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
  std::int32_t add_failure(const std::string& resource, const std::string& node, bool fatal);
  void drop_node_placements(const std::string& node);

  // --- commands (controller_commands.cpp)
  std::vector<model::Diagnostic> adopt(model::Config next);
  void stop_orphans();

  Controller& self;
  boost::asio::any_io_executor ex;
  Logger log;
  std::shared_ptr<const model::Config> config;
  model::ClusterState state;
  std::shared_ptr<membership::Membership> membership;
  agents::Registry& registry;
  ControllerOptions options;
  executor::AgentPool pool;
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

  bool running = false;
  bool stopping = false;
  bool plan_posted = false;
  bool replan_pending = false;
  bool is_idle = false;
  std::chrono::milliseconds retry_delay{0};
  boost::asio::steady_timer retry_timer;
  std::function<void()> stop_done;
};

}  // namespace wholesale_ha
