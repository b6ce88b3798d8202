// Library overhead of the retail loop: executor dispatch throughput with callback agents that
// answer at once, and the time from a monitor failure to the restart being dispatched.

#include <chrono>
#include <set>

#include <benchmark/benchmark.h>
#include <boost/asio/io_context.hpp>

#include <wholesale_ha/agents/callback.hpp>
#include <wholesale_ha/controller.hpp>
#include <wholesale_ha/executor/executor.hpp>
#include <wholesale_ha/membership/in_process.hpp>

namespace {

using namespace std::chrono_literals;
namespace agents = wholesale_ha::agents;
namespace model = wholesale_ha::model;
namespace policy = wholesale_ha::policy;

agents::CallbackType instant() {
  auto ok = agents::sync([](const agents::CallbackCall&) { return agents::Outcome{}; });
  return {.start = ok, .stop = ok, .monitor = ok, .migrate_to = {}, .migrate_from = {}, .clonable = false};
}

/// N independent starts over 4 nodes, run to completion.
void BM_ExecutorDispatch(benchmark::State& state) {
  const auto count = static_cast<std::size_t>(state.range(0));
  boost::asio::io_context io;
  agents::Registry registry;
  auto backend = std::make_shared<agents::CallbackBackend>();
  backend->add_type("instant", instant());
  registry.add("callback", backend);
  auto config = std::make_shared<model::Config>();
  policy::Transition t;
  for (std::size_t i = 0; i < count; ++i) {
    model::Resource r;
    r.id = "r" + std::to_string(i);
    r.backend = "callback";
    r.type = "instant";
    config->resources.push_back(r);
    t.actions.push_back({i, policy::ActionKind::start, r.id, "n" + std::to_string(i % 4), std::nullopt, {}});
  }
  wholesale_ha::executor::AgentPool pool{io.get_executor(), registry};
  pool.set_config(*config);
  wholesale_ha::executor::LocalRunner runner{pool};
  wholesale_ha::executor::Executor exec{io.get_executor(), wholesale_ha::Logger{nullptr}, runner, nullptr,
                                        {.node_concurrency = 64, .migration_limit = -1}};
  for (auto _ : state) {
    bool done = false;
    exec.run(t, config, {.started = {}, .finished = {}, .done = [&](bool) { done = true; }});
    while (!done) io.run_one();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(count));
}
BENCHMARK(BM_ExecutorDispatch)->Arg(1000)->Unit(benchmark::kMillisecond);

/// From the monitor reporting a crash to the recovery's first action being dispatched:
/// failcount update, re-plan, transition start. Measured inside the loop (manual time).
void BM_MonitorFailureToRestartDispatch(benchmark::State& state) {
  boost::asio::io_context io;
  std::set<std::string> running;
  agents::CallbackType service;
  service.start = agents::sync([&](const agents::CallbackCall& c) { running.insert(c.node); return agents::Outcome{}; });
  service.stop = agents::sync([&](const agents::CallbackCall& c) { running.erase(c.node); return agents::Outcome{}; });
  service.monitor = agents::sync([&](const agents::CallbackCall& c) {
    return running.contains(c.node) ? agents::Outcome{} : agents::Outcome{agents::Status::not_running, "gone"};
  });
  auto backend = std::make_shared<agents::CallbackBackend>();
  backend->add_type("service", service);
  agents::Registry registry;
  registry.add("callback", backend);
  model::Config config;
  config.nodes = {{"n1", "n1", false, false, {}, {}}, {"n2", "n2", false, false, {}, {}}};
  model::Resource web;
  web.id = "web";
  web.backend = "callback";
  web.type = "service";
  web.meta.migration_threshold = 0;  // never ban: every iteration restarts in place
  web.operations.monitor.interval = 1ms;
  config.resources.push_back(web);
  auto membership = std::make_shared<wholesale_ha::membership::InProcessMembership>(
      io.get_executor(), std::vector<std::string>{"n1", "n2"});
  wholesale_ha::Controller controller{io.get_executor(), config, membership, registry,
                                      {.logger = wholesale_ha::Logger{nullptr}}};
  std::chrono::steady_clock::time_point failed_at;
  std::optional<std::chrono::steady_clock::time_point> dispatched_at;
  wholesale_ha::ScopedConnection a = controller.on_resource_failed.subscribe(
      [&](const wholesale_ha::ResourceFailure&) { failed_at = std::chrono::steady_clock::now(); });
  wholesale_ha::ScopedConnection b = controller.on_action_started.subscribe([&](const policy::Action&) {
    if (!dispatched_at) dispatched_at = std::chrono::steady_clock::now();
  });
  controller.start();
  while (!controller.idle()) io.run_one();
  for (auto _ : state) {
    dispatched_at.reset();
    running.clear();  // the service crashes
    while (!dispatched_at || !controller.idle()) io.run_one();
    state.SetIterationTime(std::chrono::duration<double>(*dispatched_at - failed_at).count());
  }
}
BENCHMARK(BM_MonitorFailureToRestartDispatch)->UseManualTime()->Unit(benchmark::kMicrosecond);

}  // namespace
