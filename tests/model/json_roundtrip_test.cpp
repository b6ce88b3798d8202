// Writing a cluster and reading it back gives the same cluster, for the shipped examples and
// for a cluster that sets every field.

#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <wholesale_ha/model/json.hpp>

#include "every_field_cluster.hpp"

namespace {

namespace model = wholesale_ha::model;

model::Cluster load_ok(const std::filesystem::path& path) {
  auto result = model::load_cluster_file(path);
  EXPECT_TRUE(result.ok()) << path << ": " << (result.diagnostics().empty() ? "" : result.diagnostics()[0].to_string());
  return result.value_or(model::Cluster{});
}

class ExampleRoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(ExampleRoundTrip, WriteThenReadIsIdentity) {
  auto original = load_ok(std::filesystem::path{WHA_SOURCE_DIR} / "examples/clusters" / GetParam());
  auto text = model::to_json_string(original);
  auto again = model::parse_cluster(std::string_view{text});
  ASSERT_TRUE(again.ok()) << text;
  EXPECT_EQ(*again, original);
  // And the written form is a fixed point.
  EXPECT_EQ(model::to_json_string(*again), text);
}

INSTANTIATE_TEST_SUITE_P(Examples, ExampleRoundTrip,
                         ::testing::Values("two-hosts-vms.json", "retail-web.json",
                                           "mixed-datacenter.json"));

TEST(JsonRoundTrip, EveryFieldSurvives) {
  const auto original = wha_test::every_field_cluster();
  auto text = model::to_json_string(original);
  auto again = model::parse_cluster(std::string_view{text});
  ASSERT_TRUE(again.ok()) << (again.diagnostics().empty() ? text : again.diagnostics()[0].to_string());
  EXPECT_EQ(*again, original);
}

// Admission control modes are exclusive, so every_field_cluster() can carry one only.
TEST(JsonRoundTrip, EveryFailoverCapacityModeSurvives) {
  auto original = wha_test::every_field_cluster();
  original.config.nodes.push_back({"n3", "n3", false, false, {}, {}});
  model::FailoverCapacity hosts;
  hosts.hosts = 2;
  model::FailoverCapacity spares;
  spares.spare_nodes = {"n3"};
  spares.failback = true;
  for (const auto& mode : {hosts, spares}) {
    original.config.options.failover_capacity = mode;
    auto text = model::to_json_string(original);
    auto again = model::parse_cluster(std::string_view{text});
    ASSERT_TRUE(again.ok()) << (again.diagnostics().empty() ? text : again.diagnostics()[0].to_string());
    EXPECT_EQ(again->config.options.failover_capacity, mode);
  }
}

TEST(JsonRoundTrip, EmptyDocumentIsAnEmptyCluster) {
  auto result = model::parse_cluster(std::string_view{"{}"});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, model::Cluster{});
}

TEST(JsonRoundTrip, ScalarParamsKeepTheirJsonSpelling) {
  auto result = model::parse_cluster(std::string_view{
      R"({"resources": [{"id": "a", "backend": "x", "params": {"n": 30, "b": false, "s": "v"}}]})"});
  ASSERT_TRUE(result.ok());
  const auto& params = result->config.resources[0].params;
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
  const auto& r = result->config.resources;
  EXPECT_EQ(r[0].meta.stickiness, model::kInfinity);
  EXPECT_EQ(r[1].meta.stickiness, model::kMinusInfinity);
  EXPECT_EQ(r[2].meta.stickiness, model::kInfinity);
}

TEST(JsonRoundTrip, NodeNameDefaultsToId) {
  auto result = model::parse_cluster(std::string_view{R"({"nodes": [{"id": "n1"}]})"});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->config.nodes[0].name, "n1");
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
