#pragma once
// The controller's shell: runs the core (core.hpp) on a strand and carries out its effects —
// Asio timers, the membership's broadcast, this process's agents, the fencer — and turns
// what comes back into the core's events. It decides nothing itself.

#include <chrono>
#include <map>
#include <memory>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <wholesale_ha/controller.hpp>
#include <wholesale_ha/executor/agent_pool.hpp>
#include <wholesale_ha/executor/operation.hpp>

#include "core.hpp"

namespace wholesale_ha {

struct Controller::Impl {
  Impl(Controller::Events& events, boost::asio::any_io_executor executor, model::Config config,
       std::shared_ptr<membership::Membership> membership, agents::Registry& registry, ControllerOptions options);
  ~Impl();

  [[nodiscard]] core::Now now() const;
  void step(const core::Event& event);
  /// Runs `event` on the strand (at once when already there).
  void step_soon(core::Event event);
  std::vector<Diagnostic> command(const core::Command& command);
  void perform(core::Effects effects);
  /// How long the last core step or command took (wall clock): a plan's cost, when it planned.
  std::chrono::nanoseconds step_took{0};
  void perform(core::Effect& effect);
  void end_timers_and_subscriptions();

  Controller::Events& events;
  boost::asio::strand<boost::asio::any_io_executor> strand;
  Logger log;
  std::shared_ptr<membership::Membership> membership;
  agents::Registry& registry;
  ControllerOptions options;
  executor::AgentPool pool;
  executor::LocalRunner local_runner{pool};
  std::shared_ptr<fencing::Fencer> fencer;
  core::Core core;
  std::shared_ptr<const model::Config> pool_config;  ///< what `pool` creates agents from
  ScopedConnection view_connection;
  ScopedConnection message_connection;
  std::map<std::uint64_t, std::unique_ptr<boost::asio::steady_timer>> timers;
  std::function<void()> stop_done;
  std::function<void()> leave_done;
  std::map<std::string, std::vector<std::function<void()>>> node_emptied;  ///< shutdown_node callbacks
  /// Callbacks that outlive the controller (agents, fencers) check this before touching it.
  std::shared_ptr<Impl*> alive;
};

}  // namespace wholesale_ha
