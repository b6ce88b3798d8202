// Writing a cluster and reading it back gives the same cluster, for the shipped examples and
// for a cluster that sets every field.

#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <wholesale_ha/model/json.hpp>

namespace {

namespace model = wholesale_ha::model;

model::Cluster load_ok(const std::filesystem::path& path) {
  auto result = model::load_cluster_file(path);
  EXPECT_TRUE(result.ok()) << path << ": " << (result.diagnostics.empty() ? "" : result.diagnostics[0].to_string());
  return result.value.value_or(model::Cluster{});
}

class ExampleRoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(ExampleRoundTrip, WriteThenReadIsIdentity) {
  auto original = load_ok(std::filesystem::path{WHA_SOURCE_DIR} / "examples/clusters" / GetParam());
  auto text = model::to_json_string(original);
  auto again = model::parse_cluster(std::string_view{text});
  ASSERT_TRUE(again.ok()) << text;
  EXPECT_EQ(*again.value, original);
  // And the written form is a fixed point.
  EXPECT_EQ(model::to_json_string(*again.value), text);
}

INSTANTIATE_TEST_SUITE_P(Examples, ExampleRoundTrip,
                         ::testing::Values("two-hosts-vms.json", "retail-web.json",
                                           "mixed-datacenter.json"));

model::Cluster every_field() {
  model::Cluster c;
  auto& o = c.config.options;
  o.cluster_name = "all";
  o.health = {model::HealthStrategy::custom, -300, -20, 5, 0};
  o.placement_strategy = model::PlacementStrategy::minimal;
  o.migration_limit = 3;
  o.stonith_enabled = false;
  o.no_quorum_policy = model::NoQuorumPolicy::ignore;
  o.symmetric_cluster = false;
  o.resource_defaults.stickiness = model::kInfinity;
  o.resource_defaults.failure_timeout = std::chrono::milliseconds{1500};
  c.config.nodes.push_back({"n1", "host-1", true, false, {{"rack", "r1"}}, {{"cpu", 4}}});
  c.config.nodes.push_back({"n2", "n2", false, true, {}, {}});
  model::Resource r;
  r.id = "r1";
  r.backend = "ocf";
  r.type = "heartbeat:Dummy";
  r.params = {{"state", "/tmp/x"}, {"fake", "true"}};
  r.meta = {true, model::kMinusInfinity, 3, std::chrono::minutes{10}, -4,
            model::TargetRole::stopped, true};
  r.utilization = {{"cpu", 2}};
  r.operations.monitor = {std::chrono::seconds{10}, std::chrono::seconds{20}, model::OnFail::block};
  r.operations.stop = {std::nullopt, std::chrono::minutes{2}, model::OnFail::fence};
  c.config.resources.push_back(r);
  model::Resource clone;
  clone.id = "c1";
  clone.backend = "process";
  clone.clone = model::CloneSpec{2, 1};
  c.config.resources.push_back(clone);
  c.config.groups.push_back({"g1", {"r1"}});
  model::Rule rule{100, model::BooleanOperator::or_,
                   {{"rack", model::RuleOperator::eq, "r1"},
                    {"#health-disk", model::RuleOperator::not_defined, std::nullopt}}};
  c.config.constraints.emplace_back(model::LocationConstraint{"l1", "g1", std::nullopt, 0, rule});
  c.config.constraints.emplace_back(model::LocationConstraint{"l2", "c1", "n2", -50, std::nullopt});
  c.config.constraints.emplace_back(model::ColocationConstraint{"co", "c1", "g1", -model::kInfinity});
  c.config.constraints.emplace_back(
      model::OrderConstraint{"o", "c1", "g1", model::OrderKind::serialize, false});
  c.config.constraints.emplace_back(model::DependsOnConstraint{"d", "r1", "c1"});
  c.state.now = 1'764'050'000;
  c.state.quorate = false;
  c.state.nodes["n1"] = {model::NodeState::unclean, {{"#health-disk", "red"}}};
  c.state.resources.push_back({"r1", "n1", model::ResourceState::failed});
  c.state.resources.push_back({"c1", "n2", model::ResourceState::started});
  c.state.resources.push_back({"r1", "n2", model::ResourceState::blocked});
  c.state.failcounts.push_back({"r1", "n1", 2, 1'764'049'000});
  c.state.pending.push_back({"c1", "n2", "migrate", "n1", 1'764'049'999});
  return c;
}

TEST(JsonRoundTrip, EveryFieldSurvives) {
  const auto original = every_field();
  auto text = model::to_json_string(original);
  auto again = model::parse_cluster(std::string_view{text});
  ASSERT_TRUE(again.ok()) << (again.diagnostics.empty() ? text : again.diagnostics[0].to_string());
  EXPECT_EQ(*again.value, original);
}

TEST(JsonRoundTrip, EmptyDocumentIsAnEmptyCluster) {
  auto result = model::parse_cluster(std::string_view{"{}"});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result.value, model::Cluster{});
}

TEST(JsonRoundTrip, ScalarParamsKeepTheirJsonSpelling) {
  auto result = model::parse_cluster(std::string_view{
      R"({"resources": [{"id": "a", "backend": "x", "params": {"n": 30, "b": false, "s": "v"}}]})"});
  ASSERT_TRUE(result.ok());
  const auto& params = result.value->config.resources[0].params;
  EXPECT_EQ(params.at("n"), "30");
  EXPECT_EQ(params.at("b"), "false");
  EXPECT_EQ(params.at("s"), "v");
}

TEST(JsonRoundTrip, ScoresAcceptInfinitySpellingsAndClamp) {
  auto result = model::parse_cluster(std::string_view{
      R"({"resources": [{"id": "a", "backend": "x", "meta": {"stickiness": "+INFINITY"}},
                        {"id": "b", "backend": "x", "meta": {"stickiness": "-infinity"}},
                        {"id": "c", "backend": "x", "meta": {"stickiness": 5000000}}]})"});
  ASSERT_TRUE(result.ok());
  const auto& r = result.value->config.resources;
  EXPECT_EQ(r[0].meta.stickiness, model::kInfinity);
  EXPECT_EQ(r[1].meta.stickiness, model::kMinusInfinity);
  EXPECT_EQ(r[2].meta.stickiness, model::kInfinity);
}

TEST(JsonRoundTrip, NodeNameDefaultsToId) {
  auto result = model::parse_cluster(std::string_view{R"({"nodes": [{"id": "n1"}]})"});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value->config.nodes[0].name, "n1");
}

TEST(EffectiveMeta, ResourceOverDefaultsOverBuiltIns) {
  model::ResourceMeta defaults;
  defaults.stickiness = 100;
  defaults.allow_migrate = true;
  model::ResourceMeta own;
  own.stickiness = 5;
  auto meta = model::effective_meta(own, defaults);
  EXPECT_EQ(meta.stickiness, 5);
  EXPECT_TRUE(meta.allow_migrate);
  EXPECT_EQ(meta.migration_threshold, model::kInfinity);
  EXPECT_EQ(meta.target_role, model::TargetRole::started);
}

}  // namespace
