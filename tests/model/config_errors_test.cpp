// Every way a cluster description can be wrong gets a message that names the exact place
// (JSON pointer) and says what would be right. Each case lists all the errors it expects.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <wholesale_ha/model/json.hpp>
#include <wholesale_ha/utf8.hpp>

namespace {

using wholesale_ha::Diagnostic;
using wholesale_ha::model::parse_cluster;

struct BadInput {
  const char* name;
  const char* json;
  std::vector<std::string> errors;  // "pointer: message", in the order reported
};

// Test names show the case name instead of the struct's bytes.
void PrintTo(const BadInput& input, std::ostream* os) { *os << input.name; }

std::vector<std::string> error_strings(const wholesale_ha::Result<
                                       wholesale_ha::model::Cluster>& result) {
  std::vector<std::string> out;
  for (const auto& d : result.errors()) out.push_back(d.to_string());
  return out;
}

const BadInput kCases[] = {
    {"not_json", R"({"nodes": [})",
     {"(document): invalid JSON: parse error at line 1, column 12: syntax error while parsing "
      "value - unexpected '}'; expected '[', '{', or a literal"}},
    {"root_not_object", R"([])", {"(document): expected an object, got an array"}},
    {"unknown_root_key", R"({"resurces": []})",
     {"/resurces: unknown key (did you mean \"resources\"?)"}},
    {"unknown_key_without_near_match", R"({"options": {"zzz": 1}})",
     {"/options/zzz: unknown key (allowed here: cluster_name, health, placement_strategy, "
      "migration_limit, stonith_enabled, no_quorum_policy, symmetric_cluster, shutdown_policy, "
      "failover_capacity, resource_defaults)"}},
    {"unsupported_version", R"({"version": 2})",
     {"/version: unsupported format version 2: this library reads version 1 (or omit the "
      "key)"}},
    {"nodes_not_array", R"({"nodes": {"id": "n1"}})",
     {"/nodes: expected an array, got an object"}},
    {"node_missing_id", R"({"nodes": [{"name": "a"}]})", {"/nodes/0: missing required key \"id\""}},
    {"node_bad_id", R"({"nodes": [{"id": "n 1"}]})",
     {"/nodes/0/id: invalid id \"n 1\": use one or more letters, digits, '_', '.', ':' or '-'"}},
    {"node_empty_id", R"({"nodes": [{"id": ""}]})",
     {"/nodes/0/id: invalid id \"\": use one or more letters, digits, '_', '.', ':' or '-'"}},
    {"duplicate_node", R"({"nodes": [{"id": "n1"}, {"id": "n1"}]})",
     {"/nodes/1/id: duplicate node id \"n1\" (first defined at /nodes/0/id)"}},
    {"standby_not_bool", R"({"nodes": [{"id": "n1", "standby": "yes"}]})",
     {"/nodes/0/standby: expected boolean (true or false), got \"yes\""}},
    {"negative_capacity", R"({"nodes": [{"id": "n1", "capacity": {"cpu": -4}}]})",
     {"/nodes/0/capacity/cpu: expected integer >= 0, got -4"}},
    {"capacity_not_integer", R"({"nodes": [{"id": "n1", "capacity": {"memory": 1.5}}]})",
     {"/nodes/0/capacity/memory: expected integer >= 0, got 1.5"}},
    {"attribute_is_object", R"({"nodes": [{"id": "n1", "attributes": {"rack": {"x": 1}}}]})",
     {"/nodes/0/attributes/rack: expected string, number or boolean, got an object"}},
    {"stickiness_word",
     R"({"resources": [{"id": "vm1", "backend": "libvirt", "meta": {"stickiness": "high"}}]})",
     {"/resources/0/meta/stickiness: expected integer or \"INFINITY\"/\"-INFINITY\", got "
      "\"high\""}},
    {"resource_missing_backend", R"({"resources": [{"id": "vm1"}]})",
     {"/resources/0: missing required key \"backend\""}},
    {"meta_misspelt",
     R"({"resources": [{"id": "vm1", "backend": "libvirt", "meta": {"stickyness": 5}}]})",
     {"/resources/0/meta/stickyness: unknown key (did you mean \"stickiness\"?)"}},
    {"migration_threshold_negative",
     R"({"resources": [{"id": "a", "backend": "ocf", "meta": {"migration_threshold": -1}}]})",
     {"/resources/0/meta/migration_threshold: expected integer between 0 and 1000000, got -1"}},
    {"failure_timeout_prose",
     R"({"resources": [{"id": "a", "backend": "ocf", "meta": {"failure_timeout": "10 minutes"}}]})",
     {"/resources/0/meta/failure_timeout: expected a duration (seconds as an integer, or a "
      "string like \"500ms\", \"30s\", \"10min\", \"2h\"), got \"10 minutes\""}},
    {"target_role_unknown",
     R"({"resources": [{"id": "a", "backend": "ocf", "meta": {"target_role": "running"}}]})",
     {"/resources/0/meta/target_role: expected one of \"started\", \"stopped\", got "
      "\"running\""}},
    {"params_with_array",
     R"({"resources": [{"id": "a", "backend": "process", "params": {"argv": ["x"]}}]})",
     {"/resources/0/params/argv: expected string, number or boolean, got an array"}},
    {"clone_node_max_zero",
     R"({"resources": [{"id": "a", "backend": "process", "clone": {"node_max": 0}}]})",
     {"/resources/0/clone/node_max: expected integer >= 1, got 0"}},
    {"duplicate_resource",
     R"({"resources": [{"id": "a", "backend": "ocf"}, {"id": "a", "backend": "process"}]})",
     {"/resources/1/id: duplicate resource id \"a\" (first defined at /resources/0/id)"}},
    {"group_shadows_resource",
     R"({"resources": [{"id": "vm1", "backend": "ocf"}],
         "groups": [{"id": "vm1", "resources": ["vm1"]}]})",
     {"/groups/0/id: duplicate resource or group id \"vm1\" (first defined at "
      "/resources/0/id)"}},
    {"group_unknown_member",
     R"({"resources": [{"id": "web", "backend": "ocf"}],
         "groups": [{"id": "g", "resources": ["web", "wbe"]}]})",
     {"/groups/0/resources/1: unknown resource \"wbe\" (did you mean \"web\"?)"}},
    {"group_empty", R"({"groups": [{"id": "g", "resources": []}]})",
     {"/groups/0/resources: a group needs at least one resource"}},
    {"resource_in_two_groups",
     R"({"resources": [{"id": "web", "backend": "ocf"}],
         "groups": [{"id": "g1", "resources": ["web"]}, {"id": "g2", "resources": ["web"]}]})",
     {"/groups/1/resources/0: resource \"web\" is already a member of group \"g1\"; a resource "
      "belongs to at most one group"}},
    {"clone_in_group",
     R"({"resources": [{"id": "c", "backend": "ocf", "clone": {}}],
         "groups": [{"id": "g", "resources": ["c"]}]})",
     {"/groups/0/resources/0: resource \"c\" is a clone; clones cannot be group members"}},
    {"constraint_unknown_type", R"({"constraints": [{"type": "near", "id": "c1"}]})",
     {"/constraints/0/type: expected one of \"location\", \"colocation\", \"order\", "
      "\"depends_on\", got \"near\""}},
    {"constraint_without_type", R"({"constraints": [{"id": "c1"}]})",
     {"/constraints/0: missing required key \"type\""}},
    {"location_node_and_rule",
     R"({"nodes": [{"id": "n1"}], "resources": [{"id": "a", "backend": "ocf"}],
         "constraints": [{"type": "location", "id": "l", "resource": "a", "node": "n1",
                          "rule": {"score": 5, "expressions": [{"attribute": "x", "op": "defined"}]}}]})",
     {"/constraints/0: a location constraint needs exactly one of \"node\" (with \"score\") or "
      "\"rule\""}},
    {"location_unknown_node",
     R"({"nodes": [{"id": "n1"}, {"id": "n2"}], "resources": [{"id": "a", "backend": "ocf"}],
         "constraints": [{"type": "location", "id": "l", "resource": "a", "node": "db-host",
                          "score": 10}]})",
     {"/constraints/0/node: unknown node \"db-host\" (defined: n1, n2)"}},
    {"location_offline_without_a_move",
     R"({"nodes": [{"id": "n1"}], "resources": [{"id": "a", "backend": "ocf"}],
         "constraints": [{"type": "location", "id": "l", "resource": "a", "node": "n1", "score": "-INFINITY",
                          "offline": true}]})",
     {"/constraints/0/offline: an offline move needs a \"node\" and a positive \"score\": it says how the "
      "resource gets to that node"}},
    {"location_unknown_resource_no_nodes",
     R"({"constraints": [{"type": "location", "id": "l", "resource": "a", "node": "n1"}]})",
     {"/constraints/0/resource: unknown resource or group \"a\" (no resources or groups "
      "are defined)",
      "/constraints/0/node: unknown node \"n1\" (no nodes are defined)"}},
    {"colocation_with_itself",
     R"({"resources": [{"id": "a", "backend": "ocf"}],
         "constraints": [{"type": "colocation", "id": "c", "resource": "a", "with": "a"}]})",
     {"/constraints/0/with: \"a\" cannot be colocated with itself"}},
    {"order_missing_then",
     R"({"resources": [{"id": "a", "backend": "ocf"}],
         "constraints": [{"type": "order", "id": "o", "first": "a"}]})",
     {"/constraints/0: missing required key \"then\""}},
    {"order_bad_kind",
     R"({"resources": [{"id": "a", "backend": "ocf"}, {"id": "b", "backend": "ocf"}],
         "constraints": [{"type": "order", "id": "o", "first": "a", "then": "b", "kind": "strict"}]})",
     {"/constraints/0/kind: expected one of \"mandatory\", \"optional\", \"serialize\", got "
      "\"strict\""}},
    {"depends_on_itself",
     R"({"resources": [{"id": "a", "backend": "ocf"}],
         "constraints": [{"type": "depends_on", "id": "d", "resource": "a", "on": "a"}]})",
     {"/constraints/0/on: \"a\" cannot depend on itself"}},
    {"duplicate_constraint_id",
     R"({"resources": [{"id": "a", "backend": "ocf"}, {"id": "b", "backend": "ocf"}],
         "constraints": [{"type": "order", "id": "c", "first": "a", "then": "b"},
                         {"type": "colocation", "id": "c", "resource": "a", "with": "b"}]})",
     {"/constraints/1/id: duplicate constraint id \"c\" (first defined at /constraints/0/id)"}},
    {"rule_bad_operator",
     R"({"resources": [{"id": "a", "backend": "ocf"}],
         "constraints": [{"type": "location", "id": "l", "resource": "a",
                          "rule": {"score": 5, "expressions": [{"attribute": "x", "op": "=="}]}}]})",
     {"/constraints/0/rule/expressions/0/op: expected one of \"eq\", \"ne\", \"lt\", \"lte\", "
      "\"gt\", \"gte\", \"defined\", \"not_defined\", got \"==\""}},
    {"rule_missing_value",
     R"({"resources": [{"id": "a", "backend": "ocf"}],
         "constraints": [{"type": "location", "id": "l", "resource": "a",
                          "rule": {"score": 5, "expressions": [{"attribute": "x", "op": "eq"}]}}]})",
     {"/constraints/0/rule/expressions/0: operator \"eq\" needs a \"value\" to compare with"}},
    {"rule_defined_with_value",
     R"({"resources": [{"id": "a", "backend": "ocf"}],
         "constraints": [{"type": "location", "id": "l", "resource": "a",
                          "rule": {"score": 5, "expressions": [{"attribute": "x", "op": "defined",
                                                                "value": "1"}]}}]})",
     {"/constraints/0/rule/expressions/0/value: operator \"defined\" takes no value; remove "
      "\"value\""}},
    {"rule_without_expressions",
     R"({"resources": [{"id": "a", "backend": "ocf"}],
         "constraints": [{"type": "location", "id": "l", "resource": "a",
                          "rule": {"score": 5, "expressions": []}}]})",
     {"/constraints/0/rule/expressions: a rule needs at least one expression"}},
    {"health_strategy_unknown", R"({"options": {"health": {"strategy": "red-means-go"}}})",
     {"/options/health/strategy: expected one of \"none\", \"migrate-on-red\", \"only-green\", "
      "\"progressive\", \"custom\", got \"red-means-go\""}},
    {"migration_limit_too_low", R"({"options": {"migration_limit": -2}})",
     {"/options/migration_limit: expected integer >= -1, got -2"}},
    {"no_quorum_policy_unknown", R"({"options": {"no_quorum_policy": "suicide"}})",
     {"/options/no_quorum_policy: expected one of \"stop\", \"freeze\", \"ignore\", got "
      "\"suicide\""}},
    {"status_unknown_node",
     R"({"nodes": [{"id": "node1"}], "status": {"nodes": {"node9": {"state": "online"}}}})",
     {"/status/nodes/node9: unknown node \"node9\" (did you mean \"node1\"?)"}},
    {"status_resource_state",
     R"({"nodes": [{"id": "n1"}], "resources": [{"id": "a", "backend": "ocf"}],
         "status": {"resources": [{"resource": "a", "node": "n1", "state": "running"}]}})",
     {"/status/resources/0/state: expected one of \"started\", \"failed\", \"blocked\", got "
      "\"running\""}},
    {"operation_unknown_on_fail",
     R"({"resources": [{"id": "a", "backend": "ocf", "operations": {"monitor": {"on_fail": "panic"}}}]})",
     {"/resources/0/operations/monitor/on_fail: expected one of \"restart\", \"block\", "
      "\"fence\", \"ignore\", got \"panic\""}},
    {"operation_interval_zero",
     R"({"resources": [{"id": "a", "backend": "ocf", "operations": {"monitor": {"interval": 0}}}]})",
     {"/resources/0/operations/monitor/interval: a monitor interval must be greater than 0"}},
    {"interval_on_start",
     R"({"resources": [{"id": "a", "backend": "ocf", "operations": {"start": {"interval": "10s"}}}]})",
     {"/resources/0/operations/start/interval: unknown key (allowed here: timeout, on_fail)"}},
    {"recovery_not_a_list",
     R"({"resources": [{"id": "a", "backend": "ocf", "recovery": {"action": "reset"}}]})",
     {"/resources/0/recovery: expected an array, got an object"}},
    {"recovery_step_problems",
     R"({"resources": [{"id": "a", "backend": "ocf", "recovery": [
         {"action": "reset", "attempts": 0}, {"attempts": 2, "timout": "5s"}, {"action": "reset", "timeout": 0}]}]})",
     {"/resources/0/recovery/0/attempts: expected integer between 1 and 1000, got 0",
      "/resources/0/recovery/1: missing required key \"action\"",
      "/resources/0/recovery/1/timout: unknown key (did you mean \"timeout\"?)",
      "/resources/0/recovery/2/timeout: a timeout must be greater than 0"}},
    {"failcount_as_string",
     R"({"nodes": [{"id": "n1"}], "resources": [{"id": "a", "backend": "ocf"}],
         "status": {"failcounts": [{"resource": "a", "node": "n1", "count": "3"}]}})",
     {"/status/failcounts/0/count: expected integer between 0 and 1000000, got \"3\""}},
    {"pending_unknown_target",
     R"({"nodes": [{"id": "n1"}], "resources": [{"id": "a", "backend": "ocf"}],
         "status": {"pending": [{"resource": "a", "node": "n1", "operation": "migrate",
                                 "target": "elsewhere"}]}})",
     {"/status/pending/0/target: unknown node \"elsewhere\" (defined: n1)"}},
    {"now_negative", R"({"status": {"now": -5}})",
     {"/status/now: expected integer >= 0, got -5"}},
    {"pointer_escapes_slash_in_key", R"({"nodes": [{"id": "n1", "attributes": {"a/b": []}}]})",
     {"/nodes/0/attributes/a~1b: expected string, number or boolean, got an array"}},
    {"failover_capacity_two_modes",
     R"({"nodes": [{"id": "n1"}, {"id": "n2"}, {"id": "n3"}],
         "options": {"failover_capacity": {"hosts": 1, "spare_nodes": ["n3"]}}})",
     {"/options/failover_capacity: admission control takes exactly one of \"percent\", \"hosts\" or "
      "\"spare_nodes\", got 2"}},
    {"failover_capacity_no_mode", R"({"options": {"failover_capacity": {}}})",
     {"/options/failover_capacity: admission control takes exactly one of \"percent\", \"hosts\" or "
      "\"spare_nodes\", got 0"}},
    {"failover_capacity_percent_over_100",
     R"({"options": {"failover_capacity": {"percent": {"memory": 120}}}})",
     {"/options/failover_capacity/percent/memory: a share of the capacity, at most 100, got 120"}},
    {"failover_capacity_hosts_zero", R"({"options": {"failover_capacity": {"hosts": 0}}})",
     {"/options/failover_capacity/hosts: expected integer >= 1, got 0",
      "/options/failover_capacity: admission control takes exactly one of \"percent\", \"hosts\" or "
      "\"spare_nodes\", got 0"}},
    {"failover_capacity_unknown_spare",
     R"({"nodes": [{"id": "n1"}, {"id": "n2"}], "options": {"failover_capacity": {"spare_nodes": ["n9"]}}})",
     {"/options/failover_capacity/spare_nodes/0: unknown node \"n9\" (did you mean \"n1\"?)"}},
    {"failover_capacity_every_node_spare",
     R"({"nodes": [{"id": "n1"}], "options": {"failover_capacity": {"spare_nodes": ["n1"]}}})",
     {"/options/failover_capacity/spare_nodes: every node is a spare: nothing could run in normal operation"}},
    {"failover_capacity_failback_without_spares",
     R"({"options": {"failover_capacity": {"hosts": 1, "failback": true}}})",
     {"/options/failover_capacity/failback: failback applies to spare nodes only: set \"spare_nodes\""}},
    {"many_problems_all_reported",
     R"({"nodes": [{"id": "n1", "standby": 1}, {"id": "n1"}],
         "resources": [{"id": "vm1", "backend": "libvirt", "meta": {"stickiness": "high",
                        "priority": "top"}}, {"backend": "ocf"}],
         "status": {"resources": [{"resource": "vm2", "node": "n1"}]}})",
     {"/nodes/0/standby: expected boolean (true or false), got 1",
      "/resources/0/meta/stickiness: expected integer or \"INFINITY\"/\"-INFINITY\", got "
      "\"high\"",
      "/resources/0/meta/priority: expected integer, got \"top\"",
      "/resources/1: missing required key \"id\"",
      "/nodes/1/id: duplicate node id \"n1\" (first defined at /nodes/0/id)",
      "/status/resources/0/resource: unknown resource \"vm2\" (did you mean \"vm1\"?)"}},
};

class ConfigErrors : public ::testing::TestWithParam<BadInput> {};

TEST_P(ConfigErrors, ReportsEveryProblemWithItsPointer) {
  const auto& input = GetParam();
  auto result = parse_cluster(std::string_view{input.json});
  EXPECT_FALSE(result.ok());
  EXPECT_FALSE(result.ok()) << "a rejected document must not yield a cluster";
  EXPECT_EQ(error_strings(result), input.errors);
}

INSTANTIATE_TEST_SUITE_P(BadInputs, ConfigErrors, ::testing::ValuesIn(kCases),
                         [](const auto& param_info) { return std::string{param_info.param.name}; });

TEST(ConfigErrors, CorpusIsLargeEnough) { EXPECT_GE(std::size(kCases), 30U); }

// A long wrong value is shortened in the message without cutting a character in two (the
// cut left invalid UTF-8, which JSON output of the diagnostics cannot carry).
TEST(ConfigErrors, ALongValueIsShortenedOnACharacterBoundary) {
  std::string type;
  for (int i = 0; i < 40; ++i) type += "\xC3\xA9";  // "é"
  auto result = parse_cluster(
      std::string_view{R"({"resources": [{"id": "a", "backend": "ocf"}], "constraints": [{"type": ")" + type +
                       R"(", "id": "c"}]})"});
  ASSERT_FALSE(result.ok());
  ASSERT_FALSE(result.errors().empty());
  for (const auto& d : result.diagnostics()) EXPECT_TRUE(wholesale_ha::is_valid_utf8(d.message)) << d.message;
}

TEST(ConfigWarnings, UtilizationWithoutPlacementStrategyWarnsButLoads) {
  auto result = parse_cluster(std::string_view{
      R"({"resources": [{"id": "a", "backend": "ocf", "utilization": {"cpu": 1}}]})"});
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.warnings().size(), 1U);
  EXPECT_EQ(result.warnings()[0].to_string(),
            "/resources/0/utilization: utilization is ignored under placement_strategy "
            "\"default\"; set /options/placement_strategy to \"utilization\", \"balanced\" or "
            "\"minimal\"");
}

TEST(ConfigWarnings, FixedHealthColoursWarnsButLoads) {
  auto result = parse_cluster(std::string_view{
      R"({"options": {"health": {"strategy": "migrate-on-red", "yellow": -10}}})"});
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.warnings().size(), 1U);
  EXPECT_EQ(result.warnings()[0].to_string(),
            "/options/health: colour scores are fixed under strategy \"migrate-on-red\" and are "
            "ignored; use \"custom\" or \"progressive\" to set them");
}

TEST(ConfigFiles, UnreadableFileNamesThePath) {
  auto result = wholesale_ha::model::load_cluster_file("/nonexistent/cluster.json");
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.errors().size(), 1U);
  EXPECT_EQ(result.errors()[0].to_string(),
            "(document): cannot read /nonexistent/cluster.json: No such file or directory");
}

}  // namespace
