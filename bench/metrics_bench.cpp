// The cost of a metrics scrape: Metrics::render on a converged in-process cluster of 32 nodes
// and N VMs (callback agents that answer at once), both text formats. A scrape runs on the
// controller's strand, so this is time the controller is not deciding.

#include <set>

#include <benchmark/benchmark.h>
#include <boost/asio/io_context.hpp>

#include <wholesale_ha/agents/callback.hpp>
#include <wholesale_ha/controller.hpp>
#include <wholesale_ha/membership/in_process.hpp>
#include <wholesale_ha/metrics.hpp>

#include "cluster_generator.hpp"

namespace {

namespace agents = wholesale_ha::agents;

void BM_MetricsRender(benchmark::State& state) {
  const auto format = state.range(1) == 0 ? wholesale_ha::MetricsFormat::prometheus
                                          : wholesale_ha::MetricsFormat::openmetrics;
  auto cluster = wha_bench::make_cluster({.nodes = 32, .resources = static_cast<int>(state.range(0))});
  std::set<std::pair<std::string, std::string>> running;
  for (const auto& p : cluster.state.resources) running.insert({p.resource, p.node});
  agents::CallbackType vm;
  vm.start = agents::sync([&](const agents::CallbackCall& c) {
    running.insert({c.resource.id, c.node});
    return agents::Outcome{};
  });
  vm.stop = agents::sync([&](const agents::CallbackCall& c) {
    running.erase({c.resource.id, c.node});
    return agents::Outcome{};
  });
  vm.monitor = agents::sync([&](const agents::CallbackCall& c) {
    return running.contains({c.resource.id, c.node}) ? agents::Outcome{}
                                                     : agents::Outcome{agents::Status::not_running, "stopped"};
  });
  auto backend = std::make_shared<agents::CallbackBackend>();
  agents::Registry registry;
  std::vector<std::string> nodes;
  for (const auto& n : cluster.config.nodes) nodes.push_back(n.id);
  for (auto& r : cluster.config.resources) {
    r.backend = "callback";
    r.type = "vm";
    r.operations.monitor.interval = std::chrono::hours{1};  // quiet while measuring
  }
  backend->add_type("vm", vm);
  registry.add("callback", backend);
  boost::asio::io_context io;
  auto membership = std::make_shared<wholesale_ha::membership::InProcessMembership>(io.get_executor(), nodes);
  wholesale_ha::Controller controller{io.get_executor(), cluster.config, membership, registry,
                                      {.logger = wholesale_ha::Logger{nullptr}}};
  wholesale_ha::Metrics metrics{controller};
  controller.start();
  while (!controller.idle()) io.run_one();
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto text = metrics.render(format, "n0");
    bytes = text.size();
    benchmark::DoNotOptimize(text);
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_MetricsRender)->Args({1000, 0})->Args({1000, 1})->Args({10000, 0})->Unit(benchmark::kMillisecond);

}  // namespace
