// The controller closing the loop on an in-process two- or three-node cluster, with callback
// agents whose "services" the test can crash: probe → plan → execute → monitor → recover.

#include <map>
#include <set>
#include <string>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <wholesale_ha/agents/callback.hpp>
#include <wholesale_ha/controller.hpp>
#include <wholesale_ha/membership/in_process.hpp>

#include "../support/io_wait.hpp"

namespace {

using namespace std::chrono_literals;
namespace agents = wholesale_ha::agents;
namespace model = wholesale_ha::model;
namespace policy = wholesale_ha::policy;
using wholesale_ha::Controller;

/// Where each fake service runs, as the callbacks see it.
struct Services {
  std::set<std::pair<std::string, std::string>> running;
  std::set<std::pair<std::string, std::string>> broken;  ///< starts fail there
  std::map<std::pair<std::string, std::string>, int> attempts;  ///< starts tried, per instance
  int starts = 0;
  int migrations = 0;

  agents::CallbackType type(bool migratable) {
    agents::CallbackType t;
    t.start = agents::sync([this](const agents::CallbackCall& c) {
      ++attempts[{c.resource.id, c.node}];
      if (broken.contains({c.resource.id, c.node})) return agents::Outcome{agents::Status::error_generic, "broken"};
      running.insert({c.resource.id, c.node});
      ++starts;
      return agents::Outcome{};
    });
    t.stop = agents::sync([this](const agents::CallbackCall& c) {
      running.erase({c.resource.id, c.node});
      return agents::Outcome{};
    });
    t.monitor = agents::sync([this](const agents::CallbackCall& c) {
      return running.contains({c.resource.id, c.node})
                 ? agents::Outcome{}
                 : agents::Outcome{agents::Status::not_running, "not running"};
    });
    if (migratable) {
      t.migrate_to = agents::sync([this](const agents::CallbackCall& c) {
        running.erase({c.resource.id, c.node});
        ++migrations;
        return agents::Outcome{};
      });
      t.migrate_from = agents::sync([this](const agents::CallbackCall& c) {
        running.insert({c.resource.id, c.node});
        return agents::Outcome{};
      });
    }
    return t;
  }

  [[nodiscard]] std::vector<std::string> where(const std::string& resource) const {
    std::vector<std::string> out;
    for (const auto& [r, n] : running) {
      if (r == resource) out.push_back(n);
    }
    return out;
  }
};

model::Resource resource(std::string id, std::string type, bool migratable = false) {
  model::Resource r;
  r.id = std::move(id);
  r.backend = "callback";
  r.type = std::move(type);
  r.meta.allow_migrate = migratable;
  r.meta.stickiness = 100;
  r.meta.migration_threshold = 3;
  r.operations.monitor.interval = 50ms;
  return r;
}

class ControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto backend = std::make_shared<agents::CallbackBackend>();
    backend->add_type("service", services.type(false));
    backend->add_type("vm", services.type(true));
    registry.add("callback", backend);
    for (const char* n : {"n1", "n2", "n3"}) config.nodes.push_back({n, n, false, false, {}, {}});
    config.options.health.strategy = model::HealthStrategy::migrate_on_red;
    config.resources.push_back(resource("web", "service"));
    config.resources.push_back(resource("vm1", "vm", true));
  }

  void start() {
    membership = std::make_shared<wholesale_ha::membership::InProcessMembership>(
        io.get_executor(), std::vector<std::string>{"n1", "n2", "n3"});
    controller = std::make_unique<Controller>(io.get_executor(), config, membership, registry,
                                              wholesale_ha::ControllerOptions{
                                                  .logger = wholesale_ha::Logger{nullptr},
                                                  .executor = {},
                                                  .fencer = {},
                                                  .clock = {},
                                                  .retry_delay = 20ms,
                                                  .max_retry_delay = 200ms});
    subscription = controller->on_resource_failed.subscribe(
        [this](const wholesale_ha::ResourceFailure& f) { failures.push_back(f); });
    controller->start();
    ASSERT_TRUE(converged());
  }

  bool converged() {
    return wha_test::run_until(io, [&] { return controller->idle(); });
  }

  /// Waits until the controller has noticed something and settled again.
  bool settle_after(const std::function<bool()>& noticed) {
    return wha_test::run_until(io, noticed) && converged();
  }

  boost::asio::io_context io;
  Services services;
  agents::Registry registry;
  model::Config config;
  std::shared_ptr<wholesale_ha::membership::InProcessMembership> membership;
  std::unique_ptr<Controller> controller;
  std::vector<wholesale_ha::ResourceFailure> failures;
  wholesale_ha::ScopedConnection subscription;
};

TEST_F(ControllerTest, StartsEveryResourceOnceAndSpreadsThem) {
  start();
  EXPECT_EQ(services.where("web").size(), 1U);
  EXPECT_EQ(services.where("vm1").size(), 1U);
  EXPECT_NE(services.where("web"), services.where("vm1")) << "ties go to the least loaded node";
}

TEST_F(ControllerTest, AdoptsWhatAlreadyRunsInsteadOfStartingItAgain) {
  services.running.insert({"web", "n2"});
  start();
  EXPECT_EQ(services.where("web"), (std::vector<std::string>{"n2"}));
}

TEST_F(ControllerTest, ACrashIsDetectedByTheMonitorAndRestartedInPlace) {
  start();
  const auto node = services.where("web").at(0);
  const int starts = services.starts;
  services.running.erase({"web", node});  // the service dies
  ASSERT_TRUE(settle_after([&] { return services.starts > starts; }));
  EXPECT_EQ(services.where("web"), (std::vector<std::string>{node}));
  ASSERT_EQ(failures.size(), 1U);
  EXPECT_EQ(failures[0].operation, "monitor");
  EXPECT_EQ(failures[0].failcount, 1);
}

TEST_F(ControllerTest, AnUnmanagedResourceIsMonitoredButNeverRecovered) {
  start();
  const auto node = services.where("web").at(0);
  auto next = config;
  next.resources[0].meta.managed = false;
  ASSERT_TRUE(controller->reload(next).diagnostics().empty());
  ASSERT_TRUE(converged());
  const int starts = services.starts;
  services.running.erase({"web", node});  // the service dies
  ASSERT_TRUE(wha_test::run_until(io, [&] { return !failures.empty(); }));
  ASSERT_TRUE(converged());
  EXPECT_EQ(services.starts, starts);  // not restarted
  EXPECT_TRUE(services.where("web").empty());
  EXPECT_EQ(failures[0].failcount, 0);
  EXPECT_TRUE(controller->state().failcounts.empty());
}

TEST_F(ControllerTest, AFailedStartIsRetriedInPlaceMaxRestartTimesThenMoves) {
  config.resources[0].meta.max_restart = 2;
  start();
  const auto node = services.where("web").at(0);
  services.broken.insert({"web", node});
  const auto key = std::pair<std::string, std::string>{"web", node};
  const int before = services.attempts[key];
  services.running.erase({"web", node});  // it dies, and cannot start there again
  ASSERT_TRUE(settle_after([&] { return !services.where("web").empty(); }));
  EXPECT_NE(services.where("web").at(0), node);
  EXPECT_EQ(services.attempts[key] - before, 2);  // max_restart tries, then it moved
}

TEST_F(ControllerTest, RepeatedFailuresMoveItAfterMigrationThreshold) {
  start();
  const auto first = services.where("web").at(0);
  for (int i = 0; i < 3; ++i) {
    const auto failed = failures.size();
    services.running.erase({"web", services.where("web").at(0)});
    ASSERT_TRUE(settle_after([&] { return failures.size() > failed; }));
  }
  EXPECT_EQ(failures.back().failcount, 3);
  ASSERT_EQ(services.where("web").size(), 1U);
  EXPECT_NE(services.where("web").at(0), first) << "banned after 3 failures";
}

TEST_F(ControllerTest, RedHealthLiveMigratesAwayBeforeAnythingFails) {
  start();
  const auto node = services.where("vm1").at(0);
  EXPECT_TRUE(controller->set_attribute(node, "#health-disk", "red").ok());
  ASSERT_TRUE(settle_after([&] { return services.migrations == 1; }));
  ASSERT_EQ(services.where("vm1").size(), 1U);
  EXPECT_NE(services.where("vm1").at(0), node);
  EXPECT_TRUE(failures.empty());
}

TEST_F(ControllerTest, ALostNodeIsFencedThenItsResourcesStartElsewhere) {
  start();
  const auto node = services.where("web").at(0);
  std::vector<std::string> actions;
  wholesale_ha::ScopedConnection c = controller->on_action_finished.subscribe(
      [&](const wholesale_ha::executor::ActionResult& r) { actions.push_back(policy::describe(r.action)); });
  membership->set_state(node, model::NodeState::unclean);
  ASSERT_TRUE(settle_after([&] { return !actions.empty(); }));
  ASSERT_FALSE(actions.empty());
  EXPECT_EQ(actions.front(), "fence " + node);
  ASSERT_EQ(services.where("web").size(), 1U);
  EXPECT_NE(services.where("web").at(0), node);
  EXPECT_EQ(controller->state().nodes.at(node).state, model::NodeState::offline);
}

TEST_F(ControllerTest, AnInvalidReloadIsRejectedWholeAndChangesNothing) {
  start();
  model::Config bad = controller->config();
  bad.resources.push_back(resource("db", "no-such-type"));
  bad.resources.push_back(resource("web", "service"));  // duplicate id
  auto problems = controller->reload(bad);
  ASSERT_EQ(problems.diagnostics().size(), 2U);
  EXPECT_EQ(problems.diagnostics()[0].to_string(), "/resources/3/id: duplicate resource id \"web\" (first defined at /resources/0/id)");
  EXPECT_NE(problems.diagnostics()[1].message.find("no callback type \"no-such-type\""), std::string::npos);
  EXPECT_EQ(controller->config().resources.size(), 2U);
  EXPECT_EQ(services.where("db").size(), 0U);
}

TEST_F(ControllerTest, AValidReloadStartsNewAndStopsRemovedResources) {
  start();
  model::Config next = controller->config();
  next.resources.erase(next.resources.begin());  // drop web
  next.resources.push_back(resource("db", "service"));
  ASSERT_TRUE(controller->reload(next).diagnostics().empty());
  ASSERT_TRUE(settle_after([&] { return services.where("db").size() == 1 && services.where("web").empty(); }));
}

TEST_F(ControllerTest, MoveAndStandbyCommands) {
  start();
  ASSERT_TRUE(controller->move("web", "n3").diagnostics().empty());
  ASSERT_TRUE(settle_after([&] { return services.where("web") == std::vector<std::string>{"n3"}; }));
  ASSERT_TRUE(controller->standby("n3", true).diagnostics().empty());
  ASSERT_TRUE(settle_after([&] { return services.where("web") != std::vector<std::string>{"n3"}; }));
  EXPECT_FALSE(controller->move("web", "nowhere").diagnostics().empty());
}

TEST_F(ControllerTest, AnOfflineMoveStopsAndStartsAMigratableResource) {
  start();
  const auto from = services.where("vm1").at(0);
  const std::string to = from == "n1" ? "n2" : "n1";
  const std::string third = from != "n3" && to != "n3" ? "n3" : "n2";
  const int starts = services.starts;
  ASSERT_TRUE(controller->move("vm1", to, /*offline=*/true).diagnostics().empty());
  ASSERT_TRUE(settle_after([&] { return services.where("vm1") == std::vector<std::string>{to}; }));
  EXPECT_EQ(services.migrations, 0);
  EXPECT_EQ(services.starts, starts + 1);
  // An ordinary move of the same VM live-migrates it.
  ASSERT_TRUE(controller->move("vm1", third).diagnostics().empty());
  ASSERT_TRUE(settle_after([&] { return services.where("vm1") == std::vector<std::string>{third}; }));
  EXPECT_EQ(services.migrations, 1);
  EXPECT_TRUE(failures.empty());
}

TEST_F(ControllerTest, ASimulatedNodeShutsDownByPolicyAndIsNotFenced) {
  config.resources[0].meta.shutdown_policy = model::ShutdownPolicy::freeze;  // web waits for its node
  start();
  const auto node = services.where("web").at(0);
  ASSERT_TRUE(controller->move("vm1", node).diagnostics().empty());
  ASSERT_TRUE(settle_after([&] { return services.where("vm1") == std::vector<std::string>{node}; }));
  ASSERT_TRUE(controller->move("vm1", "").diagnostics().empty());
  const int migrations = services.migrations;
  std::vector<std::string> actions;
  wholesale_ha::ScopedConnection c = controller->on_action_finished.subscribe(
      [&](const wholesale_ha::executor::ActionResult& r) { actions.push_back(policy::describe(r.action)); });
  bool emptied = false;
  ASSERT_TRUE(controller->shutdown_node(node, model::ShutdownKind::reboot, [&] { emptied = true; }).diagnostics().empty());
  ASSERT_TRUE(settle_after([&] { return emptied; }));
  EXPECT_TRUE(services.where("web").empty()) << "frozen: stopped, started nowhere else";
  ASSERT_EQ(services.where("vm1").size(), 1U);
  EXPECT_NE(services.where("vm1").at(0), node);
  EXPECT_EQ(services.migrations, migrations + 1) << "the migrate policy live-migrates the VM away";
  membership->set_state(node, model::NodeState::offline);
  ASSERT_TRUE(converged());
  // The node comes back: what was frozen with it starts there again; nothing was fenced.
  membership->set_state(node, model::NodeState::online);
  ASSERT_TRUE(settle_after([&] { return services.where("web") == std::vector<std::string>{node}; }));
  for (const auto& a : actions) EXPECT_NE(a.rfind("fence", 0), 0U) << a;
  EXPECT_TRUE(controller->state().frozen.empty());
  EXPECT_FALSE(controller->shutdown_node("nowhere", model::ShutdownKind::poweroff).diagnostics().empty());
}

TEST_F(ControllerTest, MaintenanceEvacuatesThenEverythingReturns) {
  start();
  const auto web = services.where("web");
  const auto vm = services.where("vm1");
  const auto node = web.at(0);
  ASSERT_TRUE(controller->move("vm1", node).diagnostics().empty());  // both on one node, then maintenance there
  ASSERT_TRUE(settle_after([&] { return services.where("vm1") == web; }));
  ASSERT_TRUE(controller->move("vm1", "").diagnostics().empty());
  ASSERT_TRUE(controller->maintenance(node, true).diagnostics().empty());
  ASSERT_TRUE(settle_after([&] { return services.where("web") != web && services.where("vm1") != web; }));
  EXPECT_EQ(controller->state().returns.size(), 2U);
  EXPECT_TRUE(controller->state().nodes.at(node).evacuate);
  ASSERT_TRUE(controller->maintenance(node, false).diagnostics().empty());
  ASSERT_TRUE(settle_after([&] { return services.where("web") == web && services.where("vm1") == web; }));
  EXPECT_TRUE(controller->state().returns.empty());
  EXPECT_FALSE(controller->maintenance("nowhere", true).diagnostics().empty());
}

TEST_F(ControllerTest, AStoppedResourceStartsAgainWhereItLastRan) {
  start();
  const auto node = services.where("web").at(0);
  ASSERT_TRUE(controller->set_target_role("web", model::TargetRole::stopped).diagnostics().empty());
  ASSERT_TRUE(settle_after([&] { return services.where("web").empty(); }));
  EXPECT_EQ(controller->state().last_node.at("web"), node);
  ASSERT_TRUE(controller->move("vm1", node).diagnostics().empty());  // now the busiest node
  ASSERT_TRUE(settle_after([&] { return services.where("vm1") == std::vector<std::string>{node}; }));
  ASSERT_TRUE(controller->set_target_role("web", model::TargetRole::started).diagnostics().empty());
  ASSERT_TRUE(settle_after([&] { return !services.where("web").empty(); }));
  EXPECT_EQ(services.where("web"), std::vector<std::string>{node});
  EXPECT_FALSE(controller->state().last_node.contains("web"));
}

TEST_F(ControllerTest, SaysWhenTheClusterNoLongerToleratesAHostFailure) {
  start();
  ASSERT_TRUE(controller->failover_capacity());
  EXPECT_TRUE(controller->failover_capacity()->tolerated()) << controller->failover_capacity()->verdict();
  std::vector<policy::Survivability> changes;
  wholesale_ha::ScopedConnection c = controller->on_failover_capacity_changed.subscribe(
      [&](const policy::Survivability& s) { changes.push_back(s); });
  // Every node but web's turns yellow: no recovery target is left for what web's node runs.
  const auto node = services.where("web").at(0);
  std::vector<std::string> others;
  for (const char* n : {"n1", "n2", "n3"}) {
    if (n != node) others.emplace_back(n);
  }
  for (const auto& n : others) EXPECT_TRUE(controller->set_attribute(n, "#health-disk", "yellow").ok());
  ASSERT_TRUE(settle_after([&] { return !changes.empty(); }));
  ASSERT_EQ(changes.size(), 1U);
  EXPECT_FALSE(changes[0].tolerated());
  EXPECT_NE(changes[0].verdict().find("losing " + node + " leaves"), std::string::npos) << changes[0].verdict();
  EXPECT_TRUE(controller->set_attribute(others[0], "#health-disk", "green").ok());
  ASSERT_TRUE(settle_after([&] { return changes.size() == 2; }));
  EXPECT_TRUE(changes[1].tolerated());
}

TEST_F(ControllerTest, ASpareNodeTakesARedNodesResourcesAndFailsBackWhenAsked) {
  config.options.failover_capacity = model::FailoverCapacity{};
  config.options.failover_capacity->spare_nodes = {"n3"};
  start();
  EXPECT_EQ(services.where("web").size(), 1U);
  EXPECT_NE(services.where("web").at(0), "n3");
  EXPECT_NE(services.where("vm1").at(0), "n3");
  std::vector<policy::Survivability> changes;
  wholesale_ha::ScopedConnection c = controller->on_failover_capacity_changed.subscribe(
      [&](const policy::Survivability& s) { changes.push_back(s); });
  const auto red = services.where("vm1").at(0);
  const int migrations = services.migrations;
  EXPECT_TRUE(controller->set_attribute(red, "#health-disk", "red").ok());
  ASSERT_TRUE(settle_after([&] { return services.where("vm1") == std::vector<std::string>{"n3"}; }));
  EXPECT_EQ(services.migrations, migrations + 1);  // live-migrated to the spare, its first choice
  ASSERT_TRUE(settle_after([&] { return !changes.empty(); }));
  ASSERT_FALSE(changes.back().spares_in_use.empty());
  EXPECT_EQ(changes.back().spares_in_use[0].node, "n3");
  EXPECT_EQ(controller->failover_capacity()->spares_in_use, changes.back().spares_in_use);
  // Back to green: without failback, it stays on the spare.
  EXPECT_TRUE(controller->set_attribute(red, "#health-disk", "green").ok());
  EXPECT_TRUE(converged());
  EXPECT_EQ(services.where("vm1"), std::vector<std::string>{"n3"});
  // With failback, it leaves the spare for a regular node.
  config.options.failover_capacity->failback = true;
  ASSERT_TRUE(controller->reload(config).diagnostics().empty());
  ASSERT_TRUE(settle_after([&] { return services.where("vm1") != std::vector<std::string>{"n3"}; }));
  EXPECT_EQ(services.where("vm1").size(), 1U);
  EXPECT_EQ(services.migrations, migrations + 2);
  ASSERT_TRUE(settle_after([&] { return changes.back().spares_in_use.empty(); }));
}

TEST_F(ControllerTest, ClearingFailuresLetsAResourceComeBack) {
  start();
  const auto first = services.where("web").at(0);
  ASSERT_TRUE(controller->clear_failcount("web").diagnostics().empty());
  EXPECT_TRUE(converged());
  EXPECT_EQ(services.where("web").at(0), first);
  EXPECT_FALSE(controller->clear_failcount("nope").diagnostics().empty());
}

}  // namespace
