// The openvz backend under the controller: a two-node in-process cluster whose nodes are the
// stand-ins' two hosts. A red node's container is live-migrated away with vzmigrate.

#include <gtest/gtest.h>

#include <wholesale_ha/controller.hpp>
#include <wholesale_ha/membership/in_process.hpp>

#include "fake_vz.hpp"

namespace {

using namespace std::chrono_literals;
namespace agents = wholesale_ha::agents;
namespace model = wholesale_ha::model;

TEST(OpenvzController, ARedNodesContainerIsLiveMigratedAway) {
  boost::asio::io_context io;
  wha_test::FakeVz vz;
  vz.create("host-a", "101", true);

  agents::Registry registry;
  registry.add("openvz", agents::make_openvz_backend(vz.options()));
  model::Config config;
  config.nodes = {{"n1", "n1", false, false, {}, {}}, {"n2", "n2", false, false, {}, {}}};
  config.options.health.strategy = model::HealthStrategy::migrate_on_red;
  model::Resource ct;
  ct.id = "ct101";
  ct.backend = "openvz";
  ct.params = {{"ctid", "101"}};
  ct.meta.allow_migrate = true;
  ct.operations.monitor.interval = 200ms;
  config.resources.push_back(ct);

  auto membership = std::make_shared<wholesale_ha::membership::InProcessMembership>(
      io.get_executor(), std::vector<std::string>{"n1", "n2"});
  wholesale_ha::Controller controller{io.get_executor(), config, membership, registry,
                                      {.logger = wholesale_ha::Logger{nullptr}}};
  std::vector<wholesale_ha::executor::ActionResult> results;
  wholesale_ha::ScopedConnection c =
      controller.on_action_finished.subscribe([&](const auto& r) { results.push_back(r); });
  controller.start();
  // The probe finds it running on n1 and adopts it there: nothing is started.
  ASSERT_TRUE(wha_test::run_until(io, [&] { return controller.idle(); }));
  ASSERT_EQ(controller.state().resources.size(), 1U);
  EXPECT_EQ(controller.state().resources[0].node, "n1");
  for (const auto& r : results) ADD_FAILURE() << wholesale_ha::policy::describe(r.action) << ": " << r.result.reason;

  EXPECT_TRUE(controller.set_attribute("n1", "#health-disk", "red").ok());
  ASSERT_TRUE(wha_test::run_until(io, [&] {
    return controller.idle() && !controller.state().resources.empty() && controller.state().resources[0].node == "n2";
  }));
  ASSERT_EQ(results.size(), 1U);
  EXPECT_EQ(wholesale_ha::policy::describe(results[0].action), "migrate ct101 n1->n2");
  EXPECT_TRUE(results[0].result.ok()) << results[0].result.reason;
  EXPECT_FALSE(results[0].fallback);
  EXPECT_FALSE(vz.exists("host-a", "101"));
  EXPECT_TRUE(vz.running("host-b", "101"));
  const auto source_calls = vz.calls("host-a");
  EXPECT_NE(std::find(source_calls.begin(), source_calls.end(), "vzmigrate --online host-b 101"), source_calls.end());

  EXPECT_TRUE(controller.set_target_role("ct101", model::TargetRole::stopped).ok());
  ASSERT_TRUE(wha_test::run_until(io, [&] { return controller.idle() && controller.state().resources.empty(); }));
  EXPECT_FALSE(vz.running("host-b", "101"));
}

}  // namespace
