// The failure what-if (docs/policy.md §11): the verdict people read, what is counted, and the
// cases tried. Scenarios in tests/scenarios/survive-*.json cover the planner's rules in it.

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <wholesale_ha/model/json.hpp>
#include <wholesale_ha/policy/format.hpp>
#include <wholesale_ha/policy/survivability.hpp>

namespace {

namespace model = wholesale_ha::model;
namespace policy = wholesale_ha::policy;

/// Three hosts of 8 GiB; vm-big (8 GiB) on n3, two small VMs, a stopped one, an unmanaged one.
model::Cluster cluster() {
  auto loaded = model::parse_cluster(R"({
    "version": 1,
    "options": {"placement_strategy": "utilization"},
    "nodes": [{"id": "n1", "capacity": {"memory": 8192}}, {"id": "n2", "capacity": {"memory": 8192}},
              {"id": "n3", "capacity": {"memory": 8192}}],
    "resources": [
      {"id": "vm-a", "backend": "libvirt", "type": "kvm", "params": {"domain": "a"}, "utilization": {"memory": 4096}},
      {"id": "vm-b", "backend": "libvirt", "type": "kvm", "params": {"domain": "b"}, "utilization": {"memory": 2048}},
      {"id": "vm-big", "backend": "libvirt", "type": "kvm", "params": {"domain": "big"}, "utilization": {"memory": 8192}},
      {"id": "vm-off", "backend": "libvirt", "type": "kvm", "params": {"domain": "off"}, "meta": {"target_role": "stopped"}},
      {"id": "vm-own", "backend": "libvirt", "type": "kvm", "params": {"domain": "own"}, "meta": {"managed": false}}
    ],
    "status": {"now": 1764050000, "resources": [
      {"resource": "vm-a", "node": "n1"}, {"resource": "vm-b", "node": "n2"}, {"resource": "vm-big", "node": "n3"},
      {"resource": "vm-own", "node": "n1"}]}
  })");
  EXPECT_TRUE(loaded.ok()) << (loaded.diagnostics().empty() ? "" : loaded.diagnostics().front().to_string());
  return std::move(*loaded);
}

TEST(Survivability, TheVerdictNamesTheFirstFailureAndWhy) {
  const auto c = cluster();
  const auto s = policy::survivability(c.state, c.config, 1);
  EXPECT_EQ(s.cases_checked, 3U);
  // Losing n2: vm-b, placed before vm-big (docs/policy.md §8), takes the room vm-big has on
  // n3. Losing n3: vm-big fits nowhere.
  ASSERT_EQ(s.failing.size(), 2U);
  EXPECT_EQ(s.failing[0].nodes, std::vector<std::string>{"n2"});
  EXPECT_EQ(s.failing[1].nodes, std::vector<std::string>{"n3"});
  for (const auto& f : s.failing) {
    ASSERT_EQ(f.stranded.size(), 1U);
    EXPECT_EQ(f.stranded[0].resource, "vm-big");
    EXPECT_EQ(f.stranded[0].reason.code, policy::ReasonCode::capacity);
  }
  EXPECT_EQ(s.verdict(),
            "tolerates 1 host failure: no — losing n2 leaves vm-big stopped (no node can run vm-big: n1 lacks "
            "capacity (memory 4096 of 8192 used, needs 8192); n2 is offline; n3 lacks capacity (memory 2048 of "
            "8192 used, needs 8192)); 2 of 3 cases strand something");
  EXPECT_NE(policy::format_survivability(s).find("  losing n3:\n    ! vm-big capacity: no node can run vm-big"),
            std::string::npos);
  EXPECT_EQ(policy::to_json(s)["failing"][1]["stranded"][0]["reason"]["code"], "capacity");
}

TEST(Survivability, APriorityKeepsWhatMustNotBeDisturbed) {
  auto c = cluster();
  c.config.resources[2].meta.priority = 1;  // vm-big is placed first: the small VMs repack around it
  const auto s = policy::survivability(c.state, c.config, 1);
  EXPECT_TRUE(s.tolerated()) << s.verdict();
}

TEST(Survivability, ToleratedSaysHowManyCasesWereTried) {
  auto c = cluster();
  c.config.resources.erase(c.config.resources.begin() + 2);  // no vm-big
  std::erase_if(c.state.resources, [](const auto& p) { return p.resource == "vm-big"; });
  const auto s = policy::survivability(c.state, c.config, 1);
  EXPECT_TRUE(s.tolerated());
  EXPECT_EQ(s.verdict(), "tolerates 1 host failure: yes (3 cases checked)");
  const auto pairs = policy::survivability(c.state, c.config, 2);
  EXPECT_EQ(pairs.cases_checked, 3U);  // n1+n2, n1+n3, n2+n3
  EXPECT_TRUE(pairs.tolerated()) << pairs.verdict();
}

TEST(Survivability, UnmanagedAndStoppedResourcesAreNotCounted) {
  const auto c = cluster();
  for (const auto& f : policy::survivability(c.state, c.config, 2).failing) {
    for (const auto& r : f.stranded) {
      EXPECT_NE(r.resource, "vm-own");
      EXPECT_NE(r.resource, "vm-off");
    }
  }
}

TEST(Survivability, LosingEveryNodeIsOneCase) {
  const auto c = cluster();
  const auto s = policy::survivability(c.state, c.config, 5);
  EXPECT_EQ(s.cases_checked, 1U);
  ASSERT_EQ(s.failing.size(), 1U);
  EXPECT_EQ(s.failing[0].nodes, (std::vector<std::string>{"n1", "n2", "n3"}));
  EXPECT_EQ(s.failing[0].stranded.size(), 3U);
  EXPECT_EQ(policy::survivability(c.state, c.config, 0).cases_checked, 0U);
}

TEST(Survivability, OnlyOnlineNodesAreLost) {
  auto c = cluster();
  c.state.nodes["n2"].state = model::NodeState::offline;
  std::erase_if(c.state.resources, [](const auto& p) { return p.node == "n2"; });
  const auto s = policy::survivability(c.state, c.config, 1);
  EXPECT_EQ(s.cases_checked, 2U);  // n1, n3: the state the plan leads to has vm-b on one of them
}

TEST(Survivability, AnEmptySpareNodeCanBeLost) {
  auto c = cluster();
  c.config.nodes.push_back({"spare", "spare", false, false, {}, {{"memory", 8192}}});
  const auto s = policy::survivability(c.state, c.config, 1);
  EXPECT_EQ(s.cases_checked, 4U);
  EXPECT_TRUE(s.tolerated()) << s.verdict();  // vm-big's loss now has somewhere to go
}

TEST(Survivability, ASpareInUseIsNamedInTheVerdictAndJson) {
  auto c = cluster();
  c.config.nodes.push_back({"spare", "spare", false, false, {}, {{"memory", 8192}}});
  c.config.options.failover_capacity = model::FailoverCapacity{};
  c.config.options.failover_capacity->spare_nodes = {"spare"};
  EXPECT_TRUE(policy::survivability(c.state, c.config, 1).spares_in_use.empty());
  // n3 was lost: vm-big went to the spare, and the reserve is spent.
  c.state.nodes["n3"].state = model::NodeState::offline;
  std::erase_if(c.state.resources, [](const auto& p) { return p.node == "n3"; });
  c.state.resources.push_back({"vm-big", "spare", model::ResourceState::started});
  const auto s = policy::survivability(c.state, c.config, 1);
  ASSERT_EQ(s.spares_in_use.size(), 1U);
  EXPECT_EQ(s.spares_in_use[0], (policy::SpareInUse{"spare", {"vm-big"}}));
  EXPECT_FALSE(s.tolerated());
  EXPECT_TRUE(s.verdict().ends_with("; spare spare in use (vm-big)")) << s.verdict();
  EXPECT_EQ(policy::to_json(s)["spares_in_use"][0]["resources"][0], "vm-big");
}

}  // namespace
