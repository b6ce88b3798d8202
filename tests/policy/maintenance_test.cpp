// Maintenance mode through wha-simulate's events (policy::simulate::maintenance): evacuate,
// then failback of what left, followed through plan and apply.

#include <algorithm>

#include <gtest/gtest.h>

#include <wholesale_ha/model/json.hpp>
#include <wholesale_ha/policy/planner.hpp>
#include <wholesale_ha/policy/simulation.hpp>

namespace {

namespace model = wholesale_ha::model;
namespace policy = wholesale_ha::policy;
namespace simulate = wholesale_ha::policy::simulate;

model::Cluster cluster() {
  auto loaded = model::parse_cluster(R"({
    "version": 1,
    "options": {"resource_defaults": {"stickiness": 100, "allow_migrate": true}},
    "nodes": [{"id": "n1"}, {"id": "n2"}],
    "resources": [
      {"id": "vm1", "backend": "libvirt", "type": "kvm", "params": {"domain": "vm1"}},
      {"id": "vm2", "backend": "libvirt", "type": "kvm", "params": {"domain": "vm2"}, "meta": {"failback": false}},
      {"id": "web", "backend": "ocf", "type": "heartbeat:Dummy", "clone": {}}
    ],
    "status": {"now": 1764050000, "resources": [
      {"resource": "vm1", "node": "n1"}, {"resource": "vm2", "node": "n1"},
      {"resource": "web", "node": "n1"}, {"resource": "web", "node": "n2"}]}
  })");
  EXPECT_TRUE(loaded.ok());
  return std::move(*loaded);
}

std::string where(const model::ClusterState& state, std::string_view resource) {
  std::string out;
  for (const auto& p : state.resources) {
    if (p.resource == resource) out += (out.empty() ? "" : " ") + p.node;
  }
  return out;
}

void converge(model::Cluster& c) {
  for (int i = 0; i < 4; ++i) {
    auto t = policy::plan(c.state, c.config);
    if (t.empty()) return;
    c.state = policy::apply(c.state, t);
  }
  FAIL() << "did not converge";
}

TEST(Maintenance, EvacuatesThenBringsBackOnlyWhatMayFailBack) {
  auto c = cluster();
  ASSERT_TRUE(simulate::maintenance(c, "n1", true));
  ASSERT_EQ(c.state.returns.size(), 1U);  // vm2 has failback: false, the clone never returns
  EXPECT_EQ(c.state.returns[0], (model::ReturningResource{"vm1", "n1"}));
  converge(c);
  EXPECT_EQ(where(c.state, "vm1"), "n2");
  EXPECT_EQ(where(c.state, "vm2"), "n2");
  EXPECT_EQ(where(c.state, "web"), "n2");
  ASSERT_TRUE(simulate::maintenance(c, "n1", false));
  converge(c);
  EXPECT_EQ(where(c.state, "vm1"), "n1");
  EXPECT_EQ(where(c.state, "vm2"), "n2");  // stickiness keeps it
  EXPECT_TRUE(c.state.returns.empty());
  EXPECT_FALSE(c.state.nodes["n1"].evacuate);
}

TEST(Maintenance, UnknownNodeIsAnError) {
  auto c = cluster();
  EXPECT_EQ(simulate::maintenance(c, "n9", true).error().message, "unknown node \"n9\"");
}

}  // namespace
