// Day-2 operations in a simulated three-node cluster of real controller cores: a node's
// daemon stopped for a reboot or a power-off empties it as each resource's shutdown policy
// says, and it is never fenced (docs/policy.md §9); maintenance mode evacuates a node and
// brings everything back (§10).

#include <algorithm>

#include <gtest/gtest.h>

#include <wholesale_ha/model/json.hpp>

#include "sim/scenario.hpp"
#include "sim/world.hpp"

namespace wholesale_ha::sim {
namespace {

using namespace std::chrono_literals;

/// n2 runs svc (conditional), vm-failover (failover) and vm-migrate (the default, migrate).
Scenario leave_n2(std::string_view kind) {
  auto loaded = model::parse_cluster(R"({
    "version": 1,
    "options": {"cluster_name": "shutdown"},
    "nodes": [{"id": "n1"}, {"id": "n2"}, {"id": "n3"}],
    "resources": [
      {"id": "svc", "backend": "service", "type": "daemon",
       "meta": {"stickiness": 100, "shutdown_policy": "conditional"}, "operations": {"monitor": {"interval": "10s"}}},
      {"id": "vm-failover", "backend": "vm", "type": "kvm", "params": {"memory_mib": "1024"},
       "meta": {"allow_migrate": true, "stickiness": 100, "shutdown_policy": "failover"},
       "operations": {"monitor": {"interval": "10s"}}},
      {"id": "vm-migrate", "backend": "vm", "type": "kvm", "params": {"memory_mib": "1024"},
       "meta": {"allow_migrate": true, "stickiness": 100}, "operations": {"monitor": {"interval": "10s"}}}
    ],
    "constraints": [
      {"type": "location", "id": "svc-n2", "resource": "svc", "node": "n2", "score": 50},
      {"type": "location", "id": "vmf-n2", "resource": "vm-failover", "node": "n2", "score": 50},
      {"type": "location", "id": "vmm-n2", "resource": "vm-migrate", "node": "n2", "score": 50}
    ]
  })");
  EXPECT_TRUE(loaded.ok());
  Scenario s;
  s.name = std::string{kind};
  s.seed = 5;
  s.config = loaded->config;
  s.duration = 3min;
  s.settle = 5min;
  Fault leave;
  leave.kind = Fault::Kind::leave;
  leave.at = 60s;
  leave.node = "n2";
  leave.value = std::string{kind};
  s.faults.push_back(leave);
  return s;
}

std::vector<Issued> issued_after(const Outcome& o, Millis since, std::string_view kind, std::string_view resource) {
  std::vector<Issued> out;
  std::copy_if(o.issued.begin(), o.issued.end(), std::back_inserter(out), [&](const Issued& i) {
    return i.at >= since && i.kind == kind && i.resource == resource;
  });
  return out;
}

Outcome run_recorded(const Scenario& s) {
  Options options;
  options.record = true;
  return run(s, options);
}

TEST(SimShutdown, RebootFreezesConditionalAndHonoursEachPolicy) {
  const auto o = run_recorded(leave_n2("reboot"));
  ASSERT_TRUE(o.ok()) << o.violations.front().invariant << ": " << o.violations.front().detail;
  EXPECT_EQ(o.fences, 0U);
  // svc (conditional on a reboot = freeze): stopped on n2, started nowhere else, back on n2.
  ASSERT_EQ(issued_after(o, 60s, "stop", "svc").size(), 1U);
  const auto starts = issued_after(o, 60s, "start", "svc");
  ASSERT_EQ(starts.size(), 1U);
  EXPECT_EQ(starts[0].node, "n2");
  EXPECT_GE(starts[0].at, 90s);  // after n2 came back (30 s after leaving)
  EXPECT_EQ(o.running.at("svc"), std::vector<std::string>{"n2"});
  // vm-failover: never live-migrated off the node going down; stopped and started elsewhere.
  EXPECT_TRUE(issued_after(o, 60s, "migrate_to", "vm-failover").empty());
  const auto failover = issued_after(o, 60s, "start", "vm-failover");
  ASSERT_FALSE(failover.empty());
  EXPECT_NE(failover.front().node, "n2");
  // vm-migrate: live-migrated away.
  const auto migrated = issued_after(o, 60s, "migrate_to", "vm-migrate");
  ASSERT_FALSE(migrated.empty());
  EXPECT_EQ(migrated.front().node, "n2");
}

TEST(SimShutdown, PowerOffFailsConditionalOver) {
  const auto o = run_recorded(leave_n2("poweroff"));
  ASSERT_TRUE(o.ok()) << o.violations.front().invariant << ": " << o.violations.front().detail;
  EXPECT_EQ(o.fences, 0U);
  const auto starts = issued_after(o, 60s, "start", "svc");
  ASSERT_FALSE(starts.empty());
  EXPECT_NE(starts.front().node, "n2");
  EXPECT_LT(starts.front().at, 90s);  // before n2 is back
}

TEST(SimMaintenance, EvacuatesThenEverythingReturnsAcrossAResync) {
  Scenario s = leave_n2("reboot");
  s.faults.clear();
  Fault on;
  on.kind = Fault::Kind::maintenance;
  on.at = 60s;
  on.node = "n2";
  Fault restart;  // a view change: every member reports (probes) what runs while n2 empties
  restart.kind = Fault::Kind::corosync_restart;
  restart.at = 60s + 5ms;
  restart.node = "n3";
  restart.duration = 500ms;
  Fault off = on;
  off.at = 150s;
  off.on = false;
  s.faults = {on, restart, off};
  const auto o = run_recorded(s);
  ASSERT_TRUE(o.ok()) << o.violations.front().invariant << ": " << o.violations.front().detail;
  for (const char* r : {"svc", "vm-failover", "vm-migrate"}) {
    EXPECT_EQ(o.running.at(r), std::vector<std::string>{"n2"}) << r;
  }
  EXPECT_FALSE(issued_after(o, 60s, "migrate_to", "vm-migrate").empty());  // it did leave
}

}  // namespace
}  // namespace wholesale_ha::sim
