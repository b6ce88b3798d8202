// wha-simulate's operator and failure events (policy::simulate): a failed operation applies
// its on_fail as the controller would, and a move is Controller::move's constraint.

#include <algorithm>
#include <variant>

#include <gtest/gtest.h>

#include <wholesale_ha/model/json.hpp>
#include <wholesale_ha/policy/planner.hpp>
#include <wholesale_ha/policy/simulation.hpp>

namespace {

namespace model = wholesale_ha::model;
namespace policy = wholesale_ha::policy;
namespace simulate = wholesale_ha::policy::simulate;

model::Cluster cluster(bool stonith) {
  auto loaded = model::parse_cluster(std::string{R"({
    "version": 1,
    "options": {"stonith_enabled": )"} + (stonith ? "true" : "false") + R"(},
    "nodes": [{"id": "n1"}, {"id": "n2"}],
    "resources": [
      {"id": "db", "backend": "ocf", "type": "heartbeat:Dummy"},
      {"id": "web", "backend": "ocf", "type": "heartbeat:Dummy", "operations": {"stop": {"on_fail": "block"}}}
    ],
    "status": {"now": 1764050000, "resources": [{"resource": "db", "node": "n1"}, {"resource": "web", "node": "n1"}]}
  })");
  EXPECT_TRUE(loaded.ok());
  return std::move(*loaded);
}

const model::ResourcePlacement& on(const model::Cluster& c, std::string_view resource, std::string_view node) {
  return *std::find_if(c.state.resources.begin(), c.state.resources.end(),
                       [&](const auto& p) { return p.resource == resource && p.node == node; });
}

TEST(SimulateFailOperation, AFailedStartIsFatalOnThatNode) {
  auto c = cluster(true);
  ASSERT_TRUE(simulate::fail_operation(c, "db@n1:start"));
  EXPECT_EQ(on(c, "db", "n1").state, model::ResourceState::failed);
  EXPECT_EQ(c.state.failcounts.at(0).count, model::kInfinity);
  const auto t = policy::plan(c.state, c.config);
  EXPECT_NE(std::find_if(t.actions.begin(), t.actions.end(),
                         [](const auto& a) { return policy::describe(a) == "start db n2"; }),
            t.actions.end());
}

TEST(SimulateFailOperation, AFailedStopFencesWithStonithElseBlocks) {
  auto fenced = cluster(true);
  ASSERT_TRUE(simulate::fail_operation(fenced, "db@n1:stop"));
  EXPECT_EQ(fenced.state.nodes["n1"].state, model::NodeState::unclean);
  auto blocked = cluster(false);
  ASSERT_TRUE(simulate::fail_operation(blocked, "db@n1:stop"));
  EXPECT_EQ(on(blocked, "db", "n1").state, model::ResourceState::blocked);
  // The resource's own on_fail wins over the default.
  auto own = cluster(true);
  ASSERT_TRUE(simulate::fail_operation(own, "web@n1:stop"));
  EXPECT_EQ(on(own, "web", "n1").state, model::ResourceState::blocked);
  EXPECT_EQ(own.state.nodes["n1"].state, model::NodeState::online);
}

TEST(SimulateFailOperation, BadSpecsAreNamed) {
  auto c = cluster(true);
  EXPECT_EQ(simulate::fail_operation(c, "db@n1").error().message,
            "\"db@n1\": expected RESOURCE@NODE:start|stop|migrate, e.g. vm7@n1:stop");
  EXPECT_EQ(simulate::fail_operation(c, "nope@n1:stop").error().message, "unknown resource \"nope\"");
}

TEST(SimulateMove, AddsAndClearsTheMoveConstraint) {
  auto c = cluster(true);
  ASSERT_TRUE(simulate::move(c, "db", "n2"));
  auto t = policy::plan(c.state, c.config);
  ASSERT_EQ(t.actions.size(), 2U);  // stop db n1, start db n2
  ASSERT_TRUE(simulate::move(c, "db", ""));
  EXPECT_TRUE(c.config.constraints.empty());
  EXPECT_EQ(simulate::move(c, "db", "n9").error().message, "unknown node \"n9\"");
}

TEST(SimulateMove, AnOfflineMoveIsMarkedOnItsConstraint) {
  auto c = cluster(true);
  ASSERT_TRUE(simulate::move(c, "db", "n2", /*offline=*/true));
  ASSERT_EQ(c.config.constraints.size(), 1U);
  EXPECT_TRUE(std::get<model::LocationConstraint>(c.config.constraints[0]).offline);
  ASSERT_TRUE(simulate::move(c, "db", "n2"));  // asked again, live: the mark goes
  EXPECT_FALSE(std::get<model::LocationConstraint>(c.config.constraints[0]).offline);
}

}  // namespace
