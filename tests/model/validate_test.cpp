// validate() holds a cluster built in code to the rules of a cluster document: every case is
// also written as JSON and parsed back, and the document must be rejected at the same places.

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <wholesale_ha/model/json.hpp>
#include <wholesale_ha/model/validate.hpp>

#include "every_field_cluster.hpp"

namespace {

namespace model = wholesale_ha::model;
using std::chrono::milliseconds;

struct BadCluster {
  const char* name;
  std::function<void(model::Cluster&)> spoil;
  std::vector<std::string> errors;  // "pointer: message", in the order reported
};

void PrintTo(const BadCluster& c, std::ostream* os) { *os << c.name; }

std::vector<std::string> strings(const std::vector<wholesale_ha::Diagnostic>& diagnostics,
                                 wholesale_ha::Diagnostic::Severity severity) {
  std::vector<std::string> out;
  for (const auto& d : diagnostics) {
    if (d.severity == severity) out.push_back(d.to_string());
  }
  return out;
}

std::vector<std::string> error_pointers(const std::vector<wholesale_ha::Diagnostic>& diagnostics) {
  std::vector<std::string> out;
  for (const auto& d : diagnostics) {
    if (d.severity == wholesale_ha::Diagnostic::Severity::error) out.push_back(d.pointer);
  }
  std::sort(out.begin(), out.end());
  return out;
}

model::Resource& r1(model::Cluster& c) { return c.config.resources[0]; }

const BadCluster kCases[] = {
    {"node_bad_id", [](auto& c) { c.config.nodes.push_back({.id = "n 3"}); },
     {"/nodes/2/id: invalid id \"n 3\": use one or more letters, digits, '_', '.', ':' or '-'"}},
    {"node_empty_id", [](auto& c) { c.config.nodes.push_back({}); },
     {"/nodes/2/id: invalid id \"\": use one or more letters, digits, '_', '.', ':' or '-'"}},
    {"duplicate_node", [](auto& c) { c.config.nodes.push_back({.id = "n1"}); },
     {"/nodes/2/id: duplicate node id \"n1\" (first defined at /nodes/0/id)"}},
    {"negative_capacity", [](auto& c) { c.config.nodes[0].capacity["cpu"] = -4; },
     {"/nodes/0/capacity/cpu: expected integer >= 0, got -4"}},
    {"backend_bad_id", [](auto& c) { r1(c).backend = "o c f"; },
     {"/resources/0/backend: invalid id \"o c f\": use one or more letters, digits, '_', '.', "
      "':' or '-'"}},
    {"migration_threshold_too_big", [](auto& c) { r1(c).meta.migration_threshold = 2'000'000; },
     {"/resources/0/meta/migration_threshold: expected integer between 0 and 1000000, got "
      "2000000"}},
    {"negative_default_failure_timeout",
     [](auto& c) { c.config.options.resource_defaults.failure_timeout = milliseconds{-1500}; },
     {"/options/resource_defaults/failure_timeout: a duration cannot be negative, got -1500ms"}},
    {"migration_limit_below_minus_one", [](auto& c) { c.config.options.migration_limit = -2; },
     {"/options/migration_limit: expected integer >= -1, got -2"}},
    {"negative_utilization", [](auto& c) { r1(c).utilization["cpu"] = -1; },
     {"/resources/0/utilization/cpu: expected integer >= 0, got -1"}},
    {"clone_node_max_zero", [](auto& c) { c.config.resources[1].clone->node_max = 0; },
     {"/resources/1/clone/node_max: expected integer >= 1, got 0"}},
    {"clone_max_negative", [](auto& c) { c.config.resources[1].clone->max = -1; },
     {"/resources/1/clone/max: expected integer >= 0, got -1"}},
    {"zero_monitor_interval", [](auto& c) { r1(c).operations.monitor.interval = milliseconds{0}; },
     {"/resources/0/operations/monitor/interval: a monitor interval must be greater than 0"}},
    {"negative_monitor_interval",
     [](auto& c) { r1(c).operations.monitor.interval = milliseconds{-5000}; },
     {"/resources/0/operations/monitor/interval: a duration cannot be negative, got -5000ms"}},
    {"zero_stop_timeout", [](auto& c) { r1(c).operations.stop.timeout = milliseconds{0}; },
     {"/resources/0/operations/stop/timeout: a timeout must be greater than 0"}},
    {"interval_on_start", [](auto& c) { r1(c).operations.start.interval = milliseconds{1000}; },
     {"/resources/0/operations/start/interval: only the monitor operation repeats; remove the "
      "interval"}},
    {"group_member_bad_id", [](auto& c) { c.config.groups[0].resources.push_back("r 2"); },
     {"/groups/0/resources/1: invalid id \"r 2\": use one or more letters, digits, '_', '.', ':' "
      "or '-'"}},
    {"group_unknown_member", [](auto& c) { c.config.groups[0].resources.push_back("r2"); },
     {"/groups/0/resources/1: unknown resource \"r2\" (did you mean \"r1\"?)"}},
    {"empty_rule",
     [](auto& c) {
       std::get<model::LocationConstraint>(c.config.constraints[0]).rule->expressions.clear();
     },
     {"/constraints/0/rule/expressions: a rule needs at least one expression"}},
    {"unary_operator_with_value",
     [](auto& c) {
       std::get<model::LocationConstraint>(c.config.constraints[0]).rule->expressions[1].value =
           "red";
     },
     {"/constraints/0/rule/expressions/1/value: operator \"not_defined\" takes no value; remove "
      "\"value\""}},
    {"comparison_without_value",
     [](auto& c) {
       std::get<model::LocationConstraint>(c.config.constraints[0])
           .rule->expressions[0]
           .value.reset();
     },
     {"/constraints/0/rule/expressions/0: operator \"eq\" needs a \"value\" to compare with"}},
    {"location_without_node_or_rule",
     [](auto& c) { std::get<model::LocationConstraint>(c.config.constraints[0]).rule.reset(); },
     {"/constraints/0: a location constraint needs exactly one of \"node\" (with \"score\") or "
      "\"rule\""}},
    {"order_with_itself",
     [](auto& c) { std::get<model::OrderConstraint>(c.config.constraints[3]).then = "c1"; },
     {"/constraints/3/then: \"c1\" cannot be ordered after itself"}},
    {"colocation_bad_id",
     [](auto& c) { std::get<model::ColocationConstraint>(c.config.constraints[2]).with = "g/1"; },
     {"/constraints/2/with: invalid id \"g/1\": use one or more letters, digits, '_', '.', ':' "
      "or '-'"}},
    {"placement_on_unknown_node", [](auto& c) { c.state.resources[0].node = "n3"; },
     {"/status/resources/0/node: unknown node \"n3\" (did you mean \"n1\"?)"}},
    {"status_of_a_node_with_an_invalid_id", [](auto& c) { c.state.nodes["n 9"] = {}; },
     {"/status/nodes/n 9: unknown node \"n 9\" (defined: n1, n2)"}},
    {"negative_now", [](auto& c) { c.state.now = -1; },
     {"/status/now: expected integer >= 0, got -1"}},
    {"failcount_too_big", [](auto& c) { c.state.failcounts[0].count = 1'000'001; },
     {"/status/failcounts/0/count: expected integer between 0 and 1000000, got 1000001"}},
    {"pending_bad_operation", [](auto& c) { c.state.pending[0].operation = "mi grate"; },
     {"/status/pending/0/operation: invalid id \"mi grate\": use one or more letters, digits, "
      "'_', '.', ':' or '-'"}},
    {"pending_negative_since", [](auto& c) { c.state.pending[0].since = -3; },
     {"/status/pending/0/since: expected integer >= 0, got -3"}},
    {"invalid_utf8_id", [](auto& c) { c.config.nodes.push_back({.id = "n\xff"}); },
     {"/nodes/2/id: invalid id \"n\xEF\xBF\xBD\": use one or more letters, digits, '_', '.', ':' "
      "or '-'"}},
};

class ValidateBadCluster : public ::testing::TestWithParam<BadCluster> {};

TEST_P(ValidateBadCluster, ReportsEveryErrorWhereTheDocumentWouldHaveIt) {
  auto cluster = wha_test::every_field_cluster();
  GetParam().spoil(cluster);
  const auto found = model::validate(cluster).diagnostics();
  EXPECT_EQ(strings(found, wholesale_ha::Diagnostic::Severity::error), GetParam().errors);

  // The same cluster as a document is rejected, and at every place validate() names.
  const auto parsed = model::parse_cluster_document(model::to_json(cluster));
  EXPECT_FALSE(parsed.ok());
  const auto document_places = error_pointers(parsed.diagnostics());
  for (const auto& place : error_pointers(found)) {
    EXPECT_TRUE(std::binary_search(document_places.begin(), document_places.end(), place))
        << place << " is not among the document's errors";
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, ValidateBadCluster, ::testing::ValuesIn(kCases),
                         [](const auto& test) { return std::string{test.param.name}; });

TEST(Validate, AValidClusterHasNoDiagnostics) {
  EXPECT_TRUE(model::validate(wha_test::every_field_cluster()).diagnostics().empty());
  EXPECT_TRUE(model::validate(model::Cluster{}).diagnostics().empty());
}

TEST(Validate, WarnsAsTheDocumentDoes) {
  auto cluster = wha_test::every_field_cluster();
  cluster.config.options.placement_strategy = model::PlacementStrategy::default_;
  cluster.config.options.health.strategy = model::HealthStrategy::migrate_on_red;
  const auto found = model::validate(cluster).diagnostics();
  const auto parsed = model::parse_cluster_document(model::to_json(cluster));
  EXPECT_TRUE(strings(found, wholesale_ha::Diagnostic::Severity::error).empty());
  EXPECT_EQ(strings(found, wholesale_ha::Diagnostic::Severity::warning),
            strings(parsed.diagnostics(), wholesale_ha::Diagnostic::Severity::warning));
  // Health colour scores and utilization, then failover_capacity, under the default strategy.
  EXPECT_EQ(strings(found, wholesale_ha::Diagnostic::Severity::warning).size(), 3U);
}

}  // namespace
