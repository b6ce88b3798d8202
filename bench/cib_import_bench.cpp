// Pacemaker CIB import at the size of the JSON load benchmark (config_load_bench.cpp): the
// comparison cluster (compare_pacemaker/cluster_files.hpp) with 10,000 resources, with the
// probe history of every resource on every node (what a live cluster's CIB holds) and with
// only the history of where each resource runs.

#include <benchmark/benchmark.h>

#include <wholesale_ha/cib/import.hpp>

#include "cluster_files.hpp"

namespace {

void BM_ImportCib(benchmark::State& state) {
  const wha_bench::CompareShape shape{static_cast<int>(state.range(0)),
                                      static_cast<int>(state.range(1)), state.range(2) != 0};
  const auto xml = wha_bench::make_compare_cib(shape);
  for (auto _ : state) {
    auto result = wholesale_ha::model::import_cib(xml);
    if (!result.ok()) state.SkipWithError("generated CIB did not import");
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations() * state.range(1));
  state.counters["MB"] = static_cast<double>(xml.size()) / 1e6;
}
BENCHMARK(BM_ImportCib)
    ->ArgNames({"nodes", "resources", "probes"})
    ->Args({32, 1000, 1})
    ->Args({100, 10000, 0})
    ->Args({10, 10000, 1})
    ->Unit(benchmark::kMillisecond);

}  // namespace
