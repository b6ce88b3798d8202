// The simulator's speed: virtual time per wall second for a large cluster, and random seeds per
// second as the default test run uses them.

#include <benchmark/benchmark.h>

#include "sim/scenario.hpp"
#include "sim/world.hpp"

namespace {

namespace sim = wholesale_ha::sim;

/// 32 nodes × 1,000 VMs and services, one virtual hour with 20 faults, ten minutes to settle.
void BM_SimulateHour32x1000(benchmark::State& state) {
  sim::Shape shape;
  shape.min_nodes = shape.max_nodes = 32;
  shape.min_resources = shape.max_resources = 1000;
  shape.min_faults = shape.max_faults = 20;
  shape.duration = std::chrono::minutes{60};
  const auto scenario = sim::random_scenario(42, shape);
  std::uint64_t events = 0;
  bool ok = true;
  for (auto _ : state) {
    const auto outcome = sim::run(scenario);
    events = outcome.events;
    ok = outcome.ok();
  }
  state.counters["events"] = static_cast<double>(events);
  state.counters["invariants_held"] = ok ? 1 : 0;
}
BENCHMARK(BM_SimulateHour32x1000)->Unit(benchmark::kMillisecond)->Iterations(1);

/// What sim.random_seeds runs: 3-7 nodes, 5-50 resources, 20 virtual minutes + 10 to settle.
void BM_RandomSeeds(benchmark::State& state) {
  std::uint64_t seed = 1;
  for (auto _ : state) {
    auto outcome = sim::run(sim::random_scenario(seed++, sim::Shape{}));
    benchmark::DoNotOptimize(outcome);
  }
  state.counters["seeds_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RandomSeeds)->Unit(benchmark::kMillisecond)->Iterations(50);

}  // namespace
