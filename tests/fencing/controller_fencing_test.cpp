// The controller fencing a lost node through real fence-agent processes: a topology of two
// simulated power switches (tests/data/fence/fence_wha_test). Recovery waits for fencing to
// succeed, and a failed fence leaves the node's resources alone until a retry succeeds.

#include <set>

#include <gtest/gtest.h>

#include <wholesale_ha/agents/callback.hpp>
#include <wholesale_ha/controller.hpp>
#include <wholesale_ha/fencing/fence_agent.hpp>
#include <wholesale_ha/fencing/topology.hpp>
#include <wholesale_ha/membership/in_process.hpp>

#include "fence_test_support.hpp"

namespace {

using namespace std::chrono_literals;
namespace agents = wholesale_ha::agents;
namespace fencing = wholesale_ha::fencing;
namespace model = wholesale_ha::model;
using wha_test::contains;

const std::vector<std::string> kNodes = {"n1", "n2", "n3"};

class FencingControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    agents::CallbackType service;
    service.start = agents::sync([this](const agents::CallbackCall& c) {
      started_on.insert(c.node);
      return agents::Outcome{};
    });
    service.stop = agents::sync([this](const agents::CallbackCall& c) {
      started_on.erase(c.node);
      return agents::Outcome{};
    });
    service.monitor = agents::sync([this](const agents::CallbackCall& c) {
      return started_on.contains(c.node) ? agents::Outcome{} : agents::Outcome{agents::Status::not_running, "stopped"};
    });
    auto backend = std::make_shared<agents::CallbackBackend>();
    backend->add_type("service", service);
    registry.add("callback", backend);
    for (const auto& n : kNodes) {
      config.nodes.push_back({n, n, false, false, {}, {}});
      ipmi.set(n, "on");
      pdu.set(n, "on");
    }
    model::Resource web;
    web.id = "web";
    web.backend = "callback";
    web.type = "service";
    config.resources.push_back(web);
  }

  std::shared_ptr<fencing::Fencer> switch_device(const std::string& id, const wha_test::PowerSwitch& power) {
    std::map<std::string, std::string> plugs;
    for (const auto& n : kNodes) plugs[n] = n;
    auto r = fencing::FenceAgentFencer::create(
        io.get_executor(),
        {.id = id, .agent = wha_test::test_fence_agent().string(),
         .params = {{"ip", id + ".example"}, {"state_dir", power.dir()}}, .nodes = plugs},
        logger);
    EXPECT_TRUE(r.ok());
    return r.value_or(nullptr);
  }

  void start() {
    const auto by_ipmi = switch_device("ipmi", ipmi);
    const auto by_pdu = switch_device("pdu", pdu);
    fencing::FencingTopology topology;
    for (const auto& n : kNodes) topology[n] = {{{{"ipmi", by_ipmi, {}}}}, {{{"pdu", by_pdu, {}}}}};
    membership = std::make_shared<wholesale_ha::membership::InProcessMembership>(io.get_executor(), kNodes);
    controller = std::make_unique<wholesale_ha::Controller>(
        io.get_executor(), config, membership, registry,
        wholesale_ha::ControllerOptions{
            .logger = logger,
            .executor = {},
            .fencer = fencing::TopologyFencer::create(io.get_executor(), topology, logger).value(),
            .clock = {},
            .retry_delay = 20ms,
            .max_retry_delay = 200ms});
    subscription = controller->on_action_finished.subscribe([this](const wholesale_ha::executor::ActionResult& r) {
      if (r.action.kind == wholesale_ha::policy::ActionKind::fence) fences.push_back(r.result);
    });
    controller->start();
    ASSERT_TRUE(wha_test::run_until(io, [&] { return controller->idle() && started_on.size() == 1; }));
  }

  boost::asio::io_context io;
  wha_test::PowerSwitch ipmi;
  wha_test::PowerSwitch pdu;
  wholesale_ha::Logger logger{nullptr};
  agents::Registry registry;
  model::Config config;
  std::set<std::string> started_on;
  std::vector<agents::Outcome> fences;
  std::shared_ptr<wholesale_ha::membership::InProcessMembership> membership;
  std::unique_ptr<wholesale_ha::Controller> controller;
  wholesale_ha::ScopedConnection subscription;
};

TEST_F(FencingControllerTest, ALostNodeIsPoweredOffBeforeItsServiceStartsElsewhere) {
  ipmi.set_mode("fail");  // the BMCs are unreachable: the PDU level must do it
  start();
  const auto lost = *started_on.begin();
  membership->set_state(lost, model::NodeState::unclean);
  ASSERT_TRUE(wha_test::run_until(io, [&] { return started_on.size() == 2 && controller->idle(); }));
  ASSERT_EQ(fences.size(), 1U);
  EXPECT_TRUE(fences[0].ok());
  EXPECT_TRUE(contains(fences[0].reason, "node " + lost + " fenced by level 2 [pdu]")) << fences[0].reason;
  EXPECT_TRUE(contains(fences[0].reason, "level 1 [ipmi]: device ipmi failed")) << fences[0].reason;
  EXPECT_EQ(pdu.power(lost), "off");
  for (const auto& n : kNodes) {
    if (n != lost) {
      EXPECT_EQ(pdu.power(n), "on") << n;
    }
  }
  EXPECT_EQ(controller->state().nodes.at(lost).state, model::NodeState::offline);
}

TEST_F(FencingControllerTest, RecoveryWaitsUntilFencingSucceeds) {
  start();
  ipmi.set_mode("fail");
  pdu.set_mode("fail");
  const auto lost = *started_on.begin();
  membership->set_state(lost, model::NodeState::unclean);
  ASSERT_TRUE(wha_test::run_until(io, [&] { return fences.size() >= 2; }));
  for (const auto& f : fences) {
    EXPECT_FALSE(f.ok());
    EXPECT_TRUE(contains(f.reason, "fencing node " + lost + " failed at every level (2 tried)")) << f.reason;
    EXPECT_TRUE(contains(f.reason, "Unable to connect to device ipmi.example")) << f.reason;
    EXPECT_TRUE(contains(f.reason, "Unable to connect to device pdu.example")) << f.reason;
  }
  EXPECT_EQ(started_on, std::set<std::string>{lost}) << "nothing starts elsewhere while the node may still run it";
  std::filesystem::remove(pdu.file("mode"));  // the PDU comes back
  ASSERT_TRUE(wha_test::run_until(io, [&] { return started_on.size() == 2 && controller->idle(); }));
  EXPECT_TRUE(fences.back().ok()) << fences.back().reason;
  EXPECT_EQ(pdu.power(lost), "off");
}

}  // namespace
