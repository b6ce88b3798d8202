// Health evaluation at scale: 1,000 nodes' #health-* attributes turned into placement scores
// by the policy engine, and the prediction rules run over 1,000 nodes' probe samples.

#include <array>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include <wholesale_ha/health/rules.hpp>
#include <wholesale_ha/policy/planner.hpp>

#include "cluster_generator.hpp"

namespace {

namespace health = wholesale_ha::health;
namespace model = wholesale_ha::model;

/// 1,000 nodes with eight #health-* attributes each (mostly green, some yellow, numeric
/// scores, one node red) under the given strategy; state.range(0) resources.
void health_scores(benchmark::State& state, model::HealthStrategy strategy) {
  auto cluster = wha_bench::make_cluster({.nodes = 1000, .resources = static_cast<int>(state.range(0))});
  cluster.config.options.health.strategy = strategy;
  constexpr std::array<const char*, 8> kAttributes = {"#health-disk", "#health-memory", "#health-cpu",
                                                      "#health-nic",  "#health-psu",    "#health-fan",
                                                      "#health-temp", "#health-smart"};
  for (std::size_t n = 0; n < cluster.config.nodes.size(); ++n) {
    auto& attributes = cluster.state.nodes[cluster.config.nodes[n].id].attributes;
    for (std::size_t a = 0; a < kAttributes.size(); ++a) {
      const auto k = n * kAttributes.size() + a;
      attributes[kAttributes[a]] = k % 97 == 0 ? "yellow" : k % 13 == 0 ? "-10" : "green";
    }
  }
  wha_bench::turn_red(cluster, 2);
  std::size_t actions = 0;
  for (auto _ : state) {
    auto t = wholesale_ha::policy::plan(cluster.state, cluster.config);
    actions = t.actions.size();
    benchmark::DoNotOptimize(t);
  }
  state.counters["actions"] = static_cast<double>(actions);
}
void BM_HealthScores_1000Nodes_MigrateOnRed(benchmark::State& s) {
  health_scores(s, model::HealthStrategy::migrate_on_red);
}
void BM_HealthScores_1000Nodes_Progressive(benchmark::State& s) {
  health_scores(s, model::HealthStrategy::progressive);
}
BENCHMARK(BM_HealthScores_1000Nodes_MigrateOnRed)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HealthScores_1000Nodes_Progressive)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

/// The rules a node's health monitor runs, over 1,000 nodes' last hour of samples (12 disks
/// with three SMART counters, a temperature), one evaluation per node.
void BM_HealthRules_1000Nodes(benchmark::State& state) {
  std::vector<health::Rule> rules;
  rules.push_back({.metric = "reallocated_sectors", .subject = {}, .trend = health::Trend::increase,
                   .window = model::Duration{3600}, .direction = health::Direction::above,
                   .yellow = 1, .red = 10, .hysteresis = 0, .sticky = true});
  rules.push_back({.metric = "pending_sectors", .subject = {}, .trend = health::Trend::none,
                   .window = model::Duration{0}, .direction = health::Direction::above,
                   .yellow = 1, .red = 5, .hysteresis = 0, .sticky = false});
  rules.push_back({.metric = "temperature", .subject = {}, .trend = health::Trend::slope,
                   .window = model::Duration{1800}, .direction = health::Direction::above,
                   .yellow = 5, .red = 15, .hysteresis = 1, .sticky = false});
  std::vector<std::vector<health::Sample>> nodes(1000);
  for (std::size_t n = 0; n < nodes.size(); ++n) {
    for (int minute = 0; minute < 60; minute += 5) {  // 12 samples in the last hour
      health::Sample s;
      s.time = 1'764'050'000 - 3600 + minute * 60;
      for (int disk = 0; disk < 12; ++disk) {
        const auto subject = "sd" + std::string(1, static_cast<char>('a' + disk));
        const auto grow = static_cast<double>((n + static_cast<std::size_t>(disk)) % 50 == 0 ? minute : 0);
        s.measurements.push_back({subject, "", "reallocated_sectors", grow, "", ""});
        s.measurements.push_back({subject, "", "pending_sectors", 0, "", ""});
        s.measurements.push_back({subject, "", "temperature", 35 + minute / 10.0, "°C", ""});
      }
      nodes[n].push_back(std::move(s));
    }
  }
  std::size_t findings = 0;
  for (auto _ : state) {
    findings = 0;
    for (const auto& history : nodes) {
      const auto e = health::evaluate(rules, history, 1'764'050'000);
      findings += e.findings.size();
      benchmark::DoNotOptimize(e);
    }
  }
  state.counters["findings"] = static_cast<double>(findings);
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_HealthRules_1000Nodes)->Unit(benchmark::kMillisecond);

}  // namespace
