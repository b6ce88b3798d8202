// HA at retail end to end: the controller supervising real programs on an in-process
// two-node cluster — python3's http.server under the process agent, Dummy under OCF.

#include <filesystem>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <wholesale_ha/agents/ocf.hpp>
#include <wholesale_ha/agents/process.hpp>
#include <wholesale_ha/controller.hpp>
#include <wholesale_ha/membership/in_process.hpp>

#include "../support/io_wait.hpp"
#include "../support/real_processes.hpp"

namespace {

using namespace std::chrono_literals;
namespace agents = wholesale_ha::agents;
namespace model = wholesale_ha::model;

class RetailTest : public ::testing::Test {
 protected:
  RetailTest() {
    registry.add("process", agents::make_process_backend());
    registry.add("ocf", agents::make_ocf_backend({.ocf_root = "/usr/lib/ocf",
                                                  .state_dir = state.path(),
                                                  .per_node_state = true}));
    config.nodes = {{"n1", "n1", false, false, {}, {}}, {"n2", "n2", false, false, {}, {}}};
  }

  ~RetailTest() override {
    if (!controller) return;
    // Stop what the test started, then the controller.
    for (const auto& r : config.resources) EXPECT_TRUE(controller->set_target_role(r.id, model::TargetRole::stopped).ok());
    wha_test::run_until(io, [&] { return controller->idle() && controller->state().resources.empty(); });
    bool stopped = false;
    controller->stop([&] { stopped = true; });
    wha_test::run_until(io, [&] { return stopped; });
  }

  void start() {
    membership = std::make_shared<wholesale_ha::membership::InProcessMembership>(
        io.get_executor(), std::vector<std::string>{"n1", "n2"});
    controller = std::make_unique<wholesale_ha::Controller>(
        io.get_executor(), config, membership, registry,
        wholesale_ha::ControllerOptions{.logger = wholesale_ha::Logger{nullptr}, .executor = {},
                                        .fencer = {}, .clock = {}, .retry_delay = 50ms,
                                        .max_retry_delay = 500ms});
    failures_seen = controller->on_resource_failed.subscribe(
        [this](const wholesale_ha::ResourceFailure& f) { failures.push_back(f); });
    controller->start();
    ASSERT_TRUE(wha_test::run_until(io, [&] { return controller->idle(); }));
  }

  std::string node_of(const std::string& resource) const {
    for (const auto& p : controller->state().resources) {
      if (p.resource == resource && p.state == model::ResourceState::started) return p.node;
    }
    return {};
  }

  boost::asio::io_context io;
  wha_test::ScratchDir state;
  agents::Registry registry;
  model::Config config;
  std::shared_ptr<wholesale_ha::membership::InProcessMembership> membership;
  std::unique_ptr<wholesale_ha::Controller> controller;
  std::vector<wholesale_ha::ResourceFailure> failures;
  wholesale_ha::ScopedConnection failures_seen;
};

TEST_F(RetailTest, AKilledWebServerIsRestartedThenMovedAfterTheThreshold) {
  const auto port = wha_test::free_loopback_port();
  const auto pid_file = state.path() / "web.pid";
  model::Resource web;
  web.id = "web";
  web.backend = "process";
  web.params = {{"command", "sh -c 'echo $$ > " + pid_file.string() + "; exec python3 -m http.server " +
                                std::to_string(port) + " --bind 127.0.0.1'"},
                {"check_http", "http://127.0.0.1:" + std::to_string(port) + "/"}};
  web.meta.migration_threshold = 3;
  web.meta.stickiness = 100;
  web.operations.monitor.interval = 200ms;
  config.resources.push_back(web);
  start();
  const std::string first = node_of("web");
  ASSERT_FALSE(first.empty());

  for (int kill = 1; kill <= 3; ++kill) {
    auto pid = wha_test::read_pid(pid_file);
    ASSERT_TRUE(pid);
    ASSERT_EQ(::kill(*pid, SIGKILL), 0);
    ASSERT_TRUE(wha_test::run_until(io, [&] { return failures.size() == static_cast<std::size_t>(kill); }));
    ASSERT_TRUE(wha_test::run_until(io, [&] { return controller->idle() && !node_of("web").empty(); }));
    auto restarted = wha_test::read_pid(pid_file);
    ASSERT_TRUE(restarted);
    EXPECT_NE(*restarted, *pid);
    EXPECT_TRUE(wha_test::alive(*restarted));
    EXPECT_EQ(failures.back().operation, "monitor");
    EXPECT_EQ(failures.back().failcount, kill);
    if (kill < 3) {
      EXPECT_EQ(node_of("web"), first) << "restarted in place before the threshold";
    }
  }
  EXPECT_NE(node_of("web"), first) << "moved after migration_threshold failures";
}

TEST_F(RetailTest, ADummyThatLosesItsStateIsRecovered) {
  model::Resource dummy;
  dummy.id = "dummy";
  dummy.backend = "ocf";
  dummy.type = "heartbeat:Dummy";
  dummy.operations.monitor.interval = 200ms;
  config.resources.push_back(dummy);
  start();
  const std::string node = node_of("dummy");
  ASSERT_FALSE(node.empty());
  const auto state_file = state.path() / node / "Dummy-dummy.state";
  ASSERT_TRUE(std::filesystem::exists(state_file));
  std::filesystem::remove(state_file);  // Dummy's way of dying
  ASSERT_TRUE(wha_test::run_until(io, [&] { return failures.size() == 1; }));
  ASSERT_TRUE(wha_test::run_until(io, [&] { return controller->idle() && std::filesystem::exists(state_file); }));
  EXPECT_EQ(node_of("dummy"), node);
}

}  // namespace
