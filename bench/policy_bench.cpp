// Planning time of the policy engine (docs/policy.md) on synthetic clusters.
// Targets (issue 7): 32 x 1,000 under 1 ms, 100 x 10,000 under 50 ms, roughly linear.

#include <benchmark/benchmark.h>

#include <wholesale_ha/policy/planner.hpp>
#include <wholesale_ha/policy/survivability.hpp>

#include "cluster_generator.hpp"

namespace {

using wha_bench::ClusterShape;

enum class Event { nothing, red, dies };

void run(benchmark::State& state, ClusterShape shape, Event event) {
  shape.nodes = static_cast<int>(state.range(0));
  shape.resources = static_cast<int>(state.range(1));
  auto cluster = wha_bench::make_cluster(shape);
  if (event == Event::red) wha_bench::turn_red(cluster, 2);
  if (event == Event::dies) wha_bench::lose_node(cluster, 2);
  std::size_t actions = 0;
  for (auto _ : state) {
    auto t = wholesale_ha::policy::plan(cluster.state, cluster.config);
    actions = t.actions.size();
    benchmark::DoNotOptimize(t);
  }
  state.counters["actions"] = static_cast<double>(actions);
  state.SetComplexityN(state.range(0) * state.range(1));
}

void BM_Plan_OneNodeRed(benchmark::State& s) { run(s, {}, Event::red); }
void BM_Plan_NothingChanged(benchmark::State& s) { run(s, {}, Event::nothing); }
void BM_Plan_OneNodeDies(benchmark::State& s) { run(s, {}, Event::dies); }
void BM_Plan_Red_Utilization(benchmark::State& s) { run(s, {.utilization = true}, Event::red); }
void BM_Plan_Red_Constraints(benchmark::State& s) { run(s, {.constraints = true}, Event::red); }

#define WHA_GRID(bm)                                                                       \
  BENCHMARK(bm)->Args({32, 1000})->Args({32, 10000})->Args({100, 10000})->Args({100, 20000}) \
      ->Unit(benchmark::kMillisecond)->Complexity(benchmark::oN)

WHA_GRID(BM_Plan_OneNodeRed);
WHA_GRID(BM_Plan_NothingChanged);
WHA_GRID(BM_Plan_OneNodeDies);
WHA_GRID(BM_Plan_Red_Utilization);
WHA_GRID(BM_Plan_Red_Constraints);

/// The failure what-if (docs/policy.md §11): every node (k = 1) or pair of nodes (k = 2) lost.
/// Targets (issue 28): k = 1 of 32 x 1,000 under 10 ms, of 100 x 10,000 under 1 s; k = 2 of
/// 32 x 1,000 under 1 s. With utilization (balanced), so capacity is what is checked.
void BM_Survive(benchmark::State& state) {
  ClusterShape shape{.utilization = true};
  shape.nodes = static_cast<int>(state.range(0));
  shape.resources = static_cast<int>(state.range(1));
  const auto cluster = wha_bench::make_cluster(shape);
  const int k = static_cast<int>(state.range(2));
  std::size_t cases = 0;
  for (auto _ : state) {
    auto s = wholesale_ha::policy::survivability(cluster.state, cluster.config, k);
    cases = s.cases_checked;
    benchmark::DoNotOptimize(s);
  }
  state.counters["cases"] = static_cast<double>(cases);
}
BENCHMARK(BM_Survive)->Args({32, 1000, 1})->Args({100, 10000, 1})->Args({32, 1000, 2})->Unit(benchmark::kMillisecond);

}  // namespace
