// The recovery ladder on virtual time, in a three-node cluster: repairs in place step by
// step within their attempts, then stop + start; a fresh instance gets the whole ladder again;
// a failed repair hands over to the next step at once.

#include <gtest/gtest.h>

#include "sim/scenario.hpp"
#include "sim/world.hpp"

namespace wholesale_ha::sim {
namespace {

using namespace std::chrono_literals;

/// One VM (driven by the coordinator) and one service (monitored on its own node), both with
/// the ladder restart_application ×2, reset ×1.
Scenario ladder_scenario() {
  Scenario s;
  s.name = "recovery ladder";
  s.config = generated_config(3, 0, 1);
  for (const char* id : {"vm1", "svc1"}) {
    model::Resource r;
    r.id = id;
    r.backend = id[0] == 'v' ? "vm" : "service";
    r.type = id[0] == 'v' ? "kvm" : "daemon";
    r.meta.allow_migrate = id[0] == 'v';
    r.meta.stickiness = 100;
    r.meta.migration_threshold = 3;
    r.operations.monitor.interval = 10s;
    r.recovery = {{"restart_application", 2, std::nullopt}, {"reset", 1, std::nullopt}};
    s.config.resources.push_back(std::move(r));
  }
  s.duration = 10min;
  s.settle = 5min;
  return s;
}

Fault crash(const std::string& resource, Millis at) {
  Fault f;
  f.kind = Fault::Kind::crash_resource;
  f.resource = resource;
  f.at = at;
  return f;
}

/// "repair:restart_application", "stop", "start", ... for one resource, after the first start.
std::vector<std::string> steps_of(const Outcome& outcome, const std::string& resource) {
  std::vector<std::string> out;
  bool started = false;
  for (const auto& op : outcome.issued) {
    if (op.resource != resource) continue;
    if (!started) {
      started = op.kind == "start";
      continue;
    }
    out.push_back(op.kind == "repair" ? "repair:" + op.action : op.kind);
  }
  return out;
}

TEST(RecoveryLadder, StepsThenRestartThenTheLadderAgain) {
  for (const char* resource : {"vm1", "svc1"}) {
    SCOPED_TRACE(resource);
    Scenario s = ladder_scenario();
    for (int i = 1; i <= 5; ++i) s.faults.push_back(crash(resource, Millis{i * 60'000}));
    const auto outcome = run(s, Options{.record = true});
    ASSERT_TRUE(outcome.ok()) << outcome.violations.front().invariant << ": " << outcome.violations.front().detail;
    EXPECT_EQ(steps_of(outcome, resource),
              (std::vector<std::string>{"repair:restart_application", "repair:restart_application", "repair:reset",
                                        "stop", "start", "repair:restart_application"}));
    EXPECT_EQ(outcome.running.at(resource).size(), 1U);
  }
}

TEST(RecoveryLadder, AFailedRepairHandsOverToTheNextStepAtOnce) {
  Scenario s = ladder_scenario();
  Fault fail;
  fail.kind = Fault::Kind::fail_next;
  fail.resource = "vm1";
  fail.op = "repair";
  fail.at = 30s;
  s.faults.push_back(fail);
  s.faults.push_back(crash("vm1", 60s));
  const auto outcome = run(s, Options{.record = true});
  ASSERT_TRUE(outcome.ok()) << outcome.violations.front().invariant << ": " << outcome.violations.front().detail;
  EXPECT_EQ(steps_of(outcome, "vm1"), (std::vector<std::string>{"repair:restart_application", "repair:reset"}));
}

TEST(RecoveryLadder, RandomClustersWithLaddersKeepEveryInvariant) {
  // random_scenario gives a fifth of the resources a ladder and injects failing and hanging
  // repairs; these seeds are the smoke test, sim.random_seeds the thousand.
  Shape shape;
  shape.duration = 10min;
  shape.settle = 5min;
  int repairs = 0;
  for (std::uint64_t seed = 1; seed <= 15; ++seed) {
    const auto outcome = run(random_scenario(seed, shape), Options{.record = true});
    ASSERT_TRUE(outcome.ok()) << "seed " << seed << ": " << outcome.violations.front().invariant << ": "
                              << outcome.violations.front().detail;
    repairs += static_cast<int>(std::count_if(outcome.issued.begin(), outcome.issued.end(),
                                              [](const Issued& op) { return op.kind == "repair"; }));
  }
  EXPECT_GT(repairs, 0) << "the seeds exercise the ladder";
}

}  // namespace
}  // namespace wholesale_ha::sim
