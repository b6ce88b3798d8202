// Loading, writing and validating large cluster descriptions: parse + validate is on the path
// of every wha-simulate run, validate() alone on every live config reload and CIB import.

#include <string>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <wholesale_ha/model/json.hpp>
#include <wholesale_ha/model/validate.hpp>

namespace {

std::string make_cluster_json(int nodes, int resources) {
  std::string out = R"({"version":1,"options":{"health":{"strategy":"migrate-on-red"},)"
                    R"("resource_defaults":{"allow_migrate":true,"stickiness":100}},"nodes":[)";
  for (int n = 0; n < nodes; ++n) {
    out += fmt::format(R"({}{{"id":"node{}","capacity":{{"cpu":64,"memory":524288}}}})",
                       n ? "," : "", n);
  }
  out += R"(],"resources":[)";
  for (int r = 0; r < resources; ++r) {
    out += fmt::format(
        R"({}{{"id":"vm{}","backend":"libvirt","type":"kvm","params":{{"domain":"vm{}"}},)"
        R"("utilization":{{"cpu":1,"memory":1024}}}})",
        r ? "," : "", r, r);
  }
  out += R"(],"status":{"now":1764050000,"resources":[)";
  for (int r = 0; r < resources; ++r) {
    out += fmt::format(R"({}{{"resource":"vm{}","node":"node{}"}})", r ? "," : "", r, r % nodes);
  }
  out += "]}}";
  return out;
}

void BM_ParseCluster(benchmark::State& state) {
  const auto text = make_cluster_json(static_cast<int>(state.range(0)),
                                      static_cast<int>(state.range(1)));
  for (auto _ : state) {
    auto result = wholesale_ha::model::parse_cluster(text);
    if (!result.ok()) state.SkipWithError("generated cluster did not load");
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations() * state.range(1));
  state.counters["bytes"] = static_cast<double>(text.size());
}
BENCHMARK(BM_ParseCluster)->Args({32, 1000})->Args({100, 10000})->Unit(benchmark::kMillisecond);

void BM_WriteCluster(benchmark::State& state) {
  auto cluster = wholesale_ha::model::parse_cluster(
                      make_cluster_json(static_cast<int>(state.range(0)),
                                        static_cast<int>(state.range(1))))
                      .value();
  for (auto _ : state) {
    benchmark::DoNotOptimize(wholesale_ha::model::to_json_string(cluster, -1));
  }
}
BENCHMARK(BM_WriteCluster)->Args({100, 10000})->Unit(benchmark::kMillisecond);

// validate() on a cluster built in code: what the controller's live reload and the CIB import
// pay instead of writing the cluster as JSON and parsing it back.
void BM_ValidateCluster(benchmark::State& state) {
  const auto cluster = wholesale_ha::model::parse_cluster(
                            make_cluster_json(static_cast<int>(state.range(0)),
                                              static_cast<int>(state.range(1))))
                            .value();
  for (auto _ : state) {
    auto diagnostics = wholesale_ha::model::validate(cluster);  // one warning: utilization
    if (diagnostics.diagnostics().size() != 1) state.SkipWithError("generated cluster did not validate");
    benchmark::DoNotOptimize(diagnostics);
  }
  state.SetItemsProcessed(state.iterations() * state.range(1));
}
BENCHMARK(BM_ValidateCluster)->Args({100, 10000})->Unit(benchmark::kMillisecond);

}  // namespace
