// The recovery ladder through the whole controller (agents, executor, core) with callback
// resources: repairs in place step by step, then stop + start, then the ladder again; a
// ladder naming a repair its backend cannot do is refused at load.

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

class LadderTest : public ::testing::Test {
 protected:
  LadderTest() {
    auto callbacks = std::make_shared<agents::CallbackBackend>();
    agents::CallbackType app;
    app.start = agents::sync([this](const agents::CallbackCall&) {
      ++starts;
      running = true;
      broken = false;
      return agents::Outcome{};
    });
    app.stop = agents::sync([this](const agents::CallbackCall&) {
      running = false;
      return agents::Outcome{};
    });
    app.monitor = agents::sync([this](const agents::CallbackCall&) {
      if (!running) return agents::Outcome{agents::Status::not_running, "stopped"};
      return broken ? agents::Outcome{agents::Status::error_generic, "the application died"} : agents::Outcome{};
    });
    app.repairs["restart_application"] = agents::sync([this](const agents::CallbackCall&) {
      if (!restart_works) return agents::Outcome{agents::Status::error_generic, "the restart script failed"};
      broken = false;
      return agents::Outcome{agents::Status::success, "restarted inside"};
    });
    app.repairs["reset"] = agents::sync([this](const agents::CallbackCall&) {
      broken = false;
      return agents::Outcome{agents::Status::success, "reset"};
    });
    callbacks->add_type("app", std::move(app));
    registry.add("callback", callbacks);
    config.nodes = {{"n1", "n1", false, false, {}, {}}};
    model::Resource r;
    r.id = "vm";
    r.backend = "callback";
    r.type = "app";
    r.operations.monitor.interval = 50ms;
    r.recovery = {{"restart_application", 1, std::nullopt}, {"reset", 1, std::nullopt}};
    config.resources.push_back(r);
  }

  ~LadderTest() override {
    if (!controller) return;
    EXPECT_TRUE(controller->set_target_role("vm", model::TargetRole::stopped).ok());
    wha_test::run_until(io, [&] { return controller->idle() && !running; });
    bool stopped = false;
    controller->stop([&] { stopped = true; });
    wha_test::run_until(io, [&] { return stopped; });
  }

  void start() {
    membership = std::make_shared<wholesale_ha::membership::InProcessMembership>(io.get_executor(),
                                                                                 std::vector<std::string>{"n1"});
    controller = std::make_unique<wholesale_ha::Controller>(io.get_executor(), config, membership, registry,
                                                            wholesale_ha::ControllerOptions{.logger = wholesale_ha::Logger{nullptr}});
    repaired = controller->on_resource_repaired.subscribe(
        [this](const wholesale_ha::ResourceRepair& r) { repairs.push_back(r); });
    failed = controller->on_resource_failed.subscribe(
        [this](const wholesale_ha::ResourceFailure& f) { failures.push_back(f); });
    controller->start();
    ASSERT_TRUE(wha_test::run_until(io, [&] { return controller->idle() && running; }));
  }

  /// Breaks the application and runs until the controller has dealt with it.
  void break_and_settle(std::size_t events) {
    broken = true;
    ASSERT_TRUE(wha_test::run_until(io, [&] { return repairs.size() + failures.size() >= events; }));
    ASSERT_TRUE(wha_test::run_until(io, [&] { return controller->idle() && running && !broken; }));
  }

  boost::asio::io_context io;
  agents::Registry registry;
  model::Config config;
  std::shared_ptr<wholesale_ha::membership::InProcessMembership> membership;
  std::unique_ptr<wholesale_ha::Controller> controller;
  std::vector<wholesale_ha::ResourceRepair> repairs;
  std::vector<wholesale_ha::ResourceFailure> failures;
  wholesale_ha::ScopedConnection repaired, failed;
  bool running = false;
  bool broken = false;
  bool restart_works = true;
  int starts = 0;
};

TEST_F(LadderTest, RepairsStepByStepThenRestartsThenTheLadderAgain) {
  start();
  break_and_settle(1);
  ASSERT_EQ(repairs.size(), 1U);
  EXPECT_EQ(repairs[0].action, "restart_application");
  EXPECT_EQ(repairs[0].attempt, 1);
  EXPECT_EQ(repairs[0].detected.reason, "the application died");
  EXPECT_TRUE(repairs[0].result.ok());

  break_and_settle(2);
  EXPECT_EQ(repairs.at(1).action, "reset");
  EXPECT_EQ(starts, 1) << "repaired in place twice";
  EXPECT_TRUE(failures.empty());

  break_and_settle(3);  // the ladder is spent: a failure, then stop + start
  ASSERT_EQ(failures.size(), 1U);
  EXPECT_EQ(failures[0].failcount, 1);
  EXPECT_EQ(starts, 2);

  break_and_settle(4);  // a fresh instance climbs the ladder from the bottom again
  EXPECT_EQ(repairs.back().action, "restart_application");
  EXPECT_EQ(starts, 2);
}

TEST_F(LadderTest, AFailedRepairHandsOverToTheNextStepAtOnce) {
  restart_works = false;
  start();
  break_and_settle(2);
  ASSERT_EQ(repairs.size(), 2U);
  EXPECT_FALSE(repairs[0].result.ok());
  EXPECT_EQ(repairs[0].result.reason, "the restart script failed");
  EXPECT_EQ(repairs[1].action, "reset");
  EXPECT_TRUE(repairs[1].result.ok());
  EXPECT_TRUE(failures.empty());
}

TEST_F(LadderTest, ALadderNamingARepairTheBackendCannotDoIsRefused) {
  config.resources[0].recovery.push_back({"reinstall", 1, std::nullopt});
  const auto checked = registry.validate(config.resources);
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.errors().front().code, wholesale_ha::Errc::unsupported);
  EXPECT_EQ(checked.errors().front().pointer, "/resources/0/recovery/2/action");
  EXPECT_NE(checked.errors().front().message.find("can: reset, restart_application"), std::string::npos)
      << checked.errors().front().message;

  config.resources[0].recovery.pop_back();
  start();
  auto bad = config;
  bad.resources[0].recovery.push_back({"reinstall", 1, std::nullopt});
  EXPECT_FALSE(controller->reload(bad).ok());
  EXPECT_EQ(controller->config().resources[0].recovery.size(), 2U) << "the running configuration is untouched";
}

}  // namespace
