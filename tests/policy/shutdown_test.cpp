// wha-simulate's "what if" events for nodes going down (policy::simulate) and the shutdown
// policies they start (policy::begin_shutdown), followed through plan and apply.

#include <algorithm>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <wholesale_ha/model/json.hpp>
#include <wholesale_ha/policy/planner.hpp>
#include <wholesale_ha/policy/shutdown.hpp>
#include <wholesale_ha/policy/simulation.hpp>

namespace {

namespace model = wholesale_ha::model;
namespace policy = wholesale_ha::policy;
namespace simulate = wholesale_ha::policy::simulate;

model::Cluster two_nodes(std::string_view shutdown_policy) {
  auto loaded = model::parse_cluster(fmt::format(R"({{
    "version": 1,
    "options": {{"shutdown_policy": "{}"}},
    "nodes": [{{"id": "n1"}}, {{"id": "n2"}}],
    "resources": [
      {{"id": "vm1", "backend": "libvirt", "type": "kvm", "params": {{"domain": "vm1"}},
        "meta": {{"allow_migrate": true, "stickiness": 100}}}},
      {{"id": "web", "backend": "ocf", "type": "heartbeat:Dummy", "clone": {{}}}}
    ],
    "status": {{"now": 1764050000, "resources": [
      {{"resource": "vm1", "node": "n1"}}, {{"resource": "web", "node": "n1"}}, {{"resource": "web", "node": "n2"}}]}}
  }})",
                                                 shutdown_policy));
  EXPECT_TRUE(loaded.ok()) << (loaded.diagnostics().empty() ? "" : loaded.diagnostics().front().to_string());
  return std::move(*loaded);
}

std::vector<std::string> nodes_of(const model::ClusterState& state, std::string_view resource) {
  std::vector<std::string> out;
  for (const auto& p : state.resources) {
    if (p.resource == resource) out.push_back(p.node);
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// Plans and applies until nothing is left to do (at most `rounds` times).
void converge(model::Cluster& c, int rounds = 4) {
  for (int i = 0; i < rounds; ++i) {
    auto t = policy::plan(c.state, c.config);
    if (t.empty()) return;
    c.state = policy::apply(c.state, t);
  }
  FAIL() << "did not converge in " << rounds << " rounds";
}

TEST(SimulateNodeOffline, DropsWhatRanThereSoNothingRunsTwice) {
  auto c = two_nodes("migrate");
  ASSERT_TRUE(simulate::node_offline(c, "n1"));
  converge(c);
  EXPECT_EQ(nodes_of(c.state, "vm1"), std::vector<std::string>{"n2"});
  // Back online: the healthy VM stays where it runs, only the clone gets its instance back.
  ASSERT_TRUE(simulate::node_up(c, "n1"));
  const auto t = policy::plan(c.state, c.config);
  ASSERT_EQ(t.actions.size(), 1U);
  EXPECT_EQ(policy::describe(t.actions[0]), "start web n1");
}

TEST(Shutdown, ConditionalRebootFreezesAndPowerOffFailsOver) {
  auto reboot = two_nodes("conditional");
  ASSERT_TRUE(simulate::shutdown(reboot, "n1", model::ShutdownKind::reboot));
  ASSERT_EQ(reboot.state.frozen.size(), 1U);  // the clone instance is never frozen
  EXPECT_EQ(reboot.state.frozen[0], (model::FrozenResource{"vm1", "n1"}));

  auto poweroff = two_nodes("conditional");
  ASSERT_TRUE(simulate::shutdown(poweroff, "n1", model::ShutdownKind::poweroff));
  EXPECT_TRUE(poweroff.state.frozen.empty());
  converge(poweroff);
  EXPECT_EQ(nodes_of(poweroff.state, "vm1"), std::vector<std::string>{"n2"});
  EXPECT_EQ(nodes_of(poweroff.state, "web"), std::vector<std::string>{"n2"});
}

TEST(Shutdown, FrozenVmWaitsForItsNodeAndComesBackWithIt) {
  auto c = two_nodes("freeze");
  ASSERT_TRUE(simulate::shutdown(c, "n1", model::ShutdownKind::poweroff));
  converge(c);
  EXPECT_TRUE(nodes_of(c.state, "vm1").empty());  // stopped, not started on n2
  ASSERT_TRUE(simulate::node_offline(c, "n1"));
  converge(c);
  EXPECT_TRUE(nodes_of(c.state, "vm1").empty());
  ASSERT_TRUE(simulate::node_up(c, "n1"));
  converge(c);
  EXPECT_EQ(nodes_of(c.state, "vm1"), std::vector<std::string>{"n1"});
  EXPECT_TRUE(c.state.frozen.empty());
  EXPECT_FALSE(c.state.nodes["n1"].shutdown);
}

TEST(Shutdown, PerResourcePolicyOverridesTheDefaults) {
  auto c = two_nodes("migrate");
  c.config.options.resource_defaults.shutdown_policy = model::ShutdownPolicy::failover;
  const auto& vm = *c.config.find_resource("vm1");
  EXPECT_EQ(policy::shutdown_policy(vm, c.config.options, model::ShutdownKind::poweroff),
            model::ShutdownPolicy::failover);
  c.config.resources[0].meta.shutdown_policy = model::ShutdownPolicy::conditional;
  EXPECT_EQ(policy::shutdown_policy(c.config.resources[0], c.config.options, model::ShutdownKind::reboot),
            model::ShutdownPolicy::freeze);
}

TEST(Shutdown, RejectsUnknownAndDownNodes) {
  auto c = two_nodes("migrate");
  EXPECT_EQ(simulate::shutdown(c, "n9", model::ShutdownKind::reboot).error().message, "unknown node \"n9\"");
  ASSERT_TRUE(simulate::node_offline(c, "n2"));
  const auto refused = simulate::shutdown(c, "n2", model::ShutdownKind::reboot);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, wholesale_ha::Errc::conflict);
  EXPECT_NE(refused.error().message.find("not online"), std::string::npos) << refused.to_string();
}

TEST(Shutdown, StatusRoundTripsThroughJson) {
  auto c = two_nodes("freeze");
  ASSERT_TRUE(simulate::shutdown(c, "n1", model::ShutdownKind::reboot));
  auto back = model::parse_cluster(model::to_json_string(c));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->state, c.state);
  EXPECT_EQ(back->config, c.config);
}

}  // namespace
