// The configuration section of a CIB Pacemaker wrote (tests/data/cib/basic.xml): every
// mapped field, and the Pacemaker spellings of values.

#include <gtest/gtest.h>

#include <wholesale_ha/cib/import.hpp>
#include <wholesale_ha/model/enum_names.hpp>

#include "cib_test_support.hpp"

namespace wholesale_ha::cib_test {
namespace {

using Severity = wholesale_ha::Diagnostic::Severity;
using namespace std::chrono_literals;

constexpr std::string_view kDefaultsSet = "/cib/configuration/rsc_defaults/meta_attributes";

TEST(CibConfig, ClusterProperties) {
  const auto cluster = import_fixture("basic.xml");
  const auto& options = cluster.config.options;
  EXPECT_EQ(options.cluster_name, "lab");
  EXPECT_FALSE(options.stonith_enabled);
  EXPECT_EQ(options.no_quorum_policy, model::NoQuorumPolicy::freeze);
  EXPECT_TRUE(options.symmetric_cluster);
  EXPECT_EQ(options.placement_strategy, model::PlacementStrategy::balanced);
  EXPECT_EQ(options.migration_limit, 2);
  EXPECT_EQ(options.health.strategy, model::HealthStrategy::custom);
  EXPECT_EQ(options.health.red, model::kMinusInfinity);
  EXPECT_EQ(options.health.yellow, -10);
  EXPECT_EQ(options.health.green, 5);
}

TEST(CibConfig, HealthBaseAndOptOutCluster) {
  auto xml = replaced(fixture_text("basic.xml"), R"(value="custom")", R"(value="progressive")");
  xml = replaced(xml, R"(name="node-health-green" value="5"/>)",
                 R"(name="node-health-green" value="5"/>
        <nvpair id="p-base" name="node-health-base" value="-20"/>)");
  xml = replaced(xml, R"(name="symmetric-cluster" value="true")",
                 R"(name="symmetric-cluster" value="false")");
  const auto cluster = import_clean(xml);
  EXPECT_EQ(cluster.config.options.health.strategy, model::HealthStrategy::progressive);
  EXPECT_EQ(cluster.config.options.health.base, -20);
  EXPECT_FALSE(cluster.config.options.symmetric_cluster);
}

TEST(CibConfig, ShutdownLockIsFreeze) {
  EXPECT_EQ(import_fixture("basic.xml").config.options.shutdown_policy, model::ShutdownPolicy::migrate);
  const auto xml = replaced(fixture_text("basic.xml"), R"(name="symmetric-cluster" value="true"/>)",
                            R"(name="symmetric-cluster" value="true"/>
        <nvpair id="p-lock" name="shutdown-lock" value="true"/>)");
  EXPECT_EQ(import_clean(xml).config.options.shutdown_policy, model::ShutdownPolicy::freeze);
}

TEST(CibConfig, ResourceDefaults) {
  const auto defaults = import_fixture("basic.xml").config.options.resource_defaults;
  EXPECT_EQ(defaults.stickiness, 100);
  EXPECT_EQ(defaults.migration_threshold, 3);
  EXPECT_EQ(defaults.failure_timeout, model::Duration{10min});
  EXPECT_EQ(defaults.allow_unhealthy_nodes, false);
  EXPECT_FALSE(defaults.allow_migrate.has_value());
  EXPECT_FALSE(defaults.priority.has_value());
  EXPECT_FALSE(defaults.target_role.has_value());
}

TEST(CibConfig, MoreResourceDefaults) {
  auto xml = replaced(fixture_text("basic.xml"), R"(name="allow-unhealthy-nodes" value="false"/>)",
                      R"(name="allow-unhealthy-nodes" value="yes"/>
        <nvpair id="d-am" name="allow-migrate" value="on"/>
        <nvpair id="d-prio" name="priority" value="-3"/>
        <nvpair id="d-role" name="target-role" value="stopped"/>)");
  const auto defaults = import_clean(xml).config.options.resource_defaults;
  EXPECT_EQ(defaults.allow_unhealthy_nodes, true);
  EXPECT_EQ(defaults.allow_migrate, true);
  EXPECT_EQ(defaults.priority, -3);
  EXPECT_EQ(defaults.target_role, model::TargetRole::stopped);
}

TEST(CibConfig, LegacyDefaultStickinessPropertyYieldsToRscDefaults) {
  const std::string legacy = R"(name="cluster-name" value="lab"/>
        <nvpair id="p-legacy" name="default-resource-stickiness" value="7"/>)";
  auto xml = replaced(fixture_text("basic.xml"), R"(name="cluster-name" value="lab"/>)", legacy);
  EXPECT_EQ(import_clean(xml).config.options.resource_defaults.stickiness, 100);

  xml = replaced(
      xml,
      R"(<nvpair id="rsc_defaults-options-resource-stickiness" name="resource-stickiness" value="100"/>)",
      "");
  EXPECT_EQ(import_clean(xml).config.options.resource_defaults.stickiness, 7);
}

TEST(CibConfig, BooleanSpellings) {
  for (const auto* spelling : {"false", "no", "off", "0", "N", "FALSE"}) {
    auto xml = replaced(fixture_text("basic.xml"), R"(name="stonith-enabled" value="false")",
                        std::string{R"(name="stonith-enabled" value=")"} + spelling + "\"");
    EXPECT_FALSE(import_clean(xml).config.options.stonith_enabled) << spelling;
  }
  for (const auto* spelling : {"true", "yes", "on", "1", "Y", "True"}) {
    auto xml = replaced(fixture_text("basic.xml"), R"(name="stonith-enabled" value="false")",
                        std::string{R"(name="stonith-enabled" value=")"} + spelling + "\"");
    EXPECT_TRUE(import_clean(xml).config.options.stonith_enabled) << spelling;
  }
}

TEST(CibConfig, DurationSpellings) {
  const std::vector<std::pair<std::string, model::Duration>> cases = {
      {"600", 600s},  {"60s", 60s},     {"10min", 10min},   {"10m", 10min},
      {"1h", 1h},     {"2hr", 2h},      {"500ms", 500ms},   {"1500msec", 1500ms},
      {"30sec", 30s}, {"PT10M", 10min}, {"PT1H30M", 90min}, {"P1DT2H", 26h},
      {"PT45S", 45s}, {"P1W", 24h * 7},
  };
  for (const auto& [spelling, expected] : cases) {
    auto xml =
        replaced(fixture_text("basic.xml"), R"(value="10min")", R"(value=")" + spelling + "\"");
    EXPECT_EQ(import_clean(xml).config.options.resource_defaults.failure_timeout, expected)
        << spelling;
  }
}

TEST(CibConfig, ValuesInTheWrongFormAreErrorsAtTheirNvpair) {
  struct Case {
    std::string from, to, pointer, message;
  };
  const std::vector<Case> cases = {
      {R"(value="10min")", R"(value="P1M")",
       std::string{kDefaultsSet} + "/nvpair[@name='failure-timeout']", "expected a duration"},
      {R"(value="10min")", R"(value="soon")",
       std::string{kDefaultsSet} + "/nvpair[@name='failure-timeout']", "got \"soon\""},
      {R"(name="resource-stickiness" value="100")", R"(name="resource-stickiness" value="high")",
       std::string{kDefaultsSet} + "/nvpair[@name='resource-stickiness']", "expected a score"},
      {R"(name="migration-threshold" value="3")", R"(name="migration-threshold" value="-1")",
       std::string{kDefaultsSet} + "/nvpair[@name='migration-threshold']",
       "expected an integer from 0 to INFINITY"},
      {R"(name="stonith-enabled" value="false")", R"(name="stonith-enabled" value="maybe")",
       "/cib/configuration/crm_config/cluster_property_set/nvpair[@name='stonith-enabled']",
       "expected a boolean"},
      {R"(name="placement-strategy" value="balanced")", R"(name="placement-strategy" value="even")",
       "/cib/configuration/crm_config/cluster_property_set/nvpair[@name='placement-strategy']",
       "expected one of default, utilization, balanced, minimal"},
      {R"(name="target-role" value="Stopped")", R"(name="target-role" value="Paused")",
       "/cib/configuration/resources/primitive[@id='web']/meta_attributes/"
       "nvpair[@name='target-role']",
       "expected Started or Stopped"},
      {R"(name="cpu" value="4")", R"(name="cpu" value="four")",
       "/cib/configuration/nodes/node[@uname='node3']/utilization/nvpair[@name='cpu']",
       "expected an integer"},
  };
  for (const auto& c : cases) {
    auto result = model::import_cib(replaced(fixture_text("basic.xml"), c.from, c.to));
    EXPECT_FALSE(result.ok()) << c.to;
    EXPECT_TRUE(has_diagnostic(result, Severity::error, c.pointer, c.message))
        << c.to << "\n"
        << all_diagnostics(result);
  }
}

TEST(CibConfig, NodesByUname) {
  const auto cluster = import_fixture("basic.xml");
  ASSERT_EQ(cluster.config.nodes.size(), 3u);
  const auto& n1 = node(cluster, "node1");
  EXPECT_EQ(n1.name, "node1");
  EXPECT_EQ(n1.attributes.at("rack"), "r1");
  EXPECT_EQ(n1.capacity.at("cpu"), 8);
  EXPECT_FALSE(n1.standby);
  const auto& n3 = node(cluster, "node3");
  EXPECT_TRUE(n3.standby);  // standby=on
  EXPECT_FALSE(n3.attributes.contains("standby"));
  EXPECT_EQ(n3.capacity.at("cpu"), 4);
}

TEST(CibConfig, NodeMaintenance) {
  auto xml = replaced(fixture_text("basic.xml"), R"(name="standby" value="on")",
                      R"(name="maintenance" value="true")");
  const auto imported = import_clean(xml);  // outlives the references into it
  const auto& n3 = node(imported, "node3");
  EXPECT_TRUE(n3.maintenance);
  EXPECT_FALSE(n3.standby);
}

TEST(CibConfig, Primitives) {
  const auto cluster = import_fixture("basic.xml");
  const auto& vm1 = resource(cluster, "vm1");
  EXPECT_EQ(vm1.backend, "ocf");
  EXPECT_EQ(vm1.type, "heartbeat:Dummy");
  EXPECT_EQ(vm1.params, (model::Params{{"state", "/run/vm1.state"}}));
  EXPECT_EQ(vm1.meta.allow_migrate, true);
  EXPECT_EQ(vm1.meta.priority, 10);
  EXPECT_EQ(vm1.utilization, (model::Utilization{{"cpu", 2}}));
  EXPECT_FALSE(vm1.clone.has_value());
  // Its one <op>: a monitor every 10s; the rest use our defaults.
  model::Operations monitored;
  monitored.monitor.interval = model::Duration{10'000};
  EXPECT_EQ(vm1.operations, monitored);

  const auto& web = resource(cluster, "web");
  EXPECT_EQ(web.backend, "systemd");
  EXPECT_EQ(web.type, "nginx");
  EXPECT_EQ(web.meta.target_role, model::TargetRole::stopped);

  EXPECT_EQ(resource(cluster, "app-daemon").backend, "lsb");
  EXPECT_EQ(resource(cluster, "app-daemon").type, "appd");
}

TEST(CibConfig, GroupMetaAppliesToMembersThatDoNotSetIt) {
  const auto cluster = import_fixture("basic.xml");
  ASSERT_EQ(cluster.config.groups.size(), 1u);
  EXPECT_EQ(cluster.config.groups[0].id, "app");
  EXPECT_EQ(cluster.config.groups[0].resources, (std::vector<std::string>{"app-ip", "app-daemon"}));
  EXPECT_EQ(resource(cluster, "app-ip").meta.stickiness, 200);
  EXPECT_EQ(resource(cluster, "app-ip").meta.migration_threshold, 5);
  EXPECT_EQ(resource(cluster, "app-daemon").meta.stickiness, model::kInfinity);  // its own
  EXPECT_EQ(resource(cluster, "app-daemon").meta.migration_threshold, 5);
}

TEST(CibConfig, CloneOfAPrimitiveIsOneResourceNamedAfterTheClone) {
  const auto cluster = import_fixture("basic.xml");
  EXPECT_EQ(cluster.config.find_resource("ping"), nullptr);
  const auto& ping = resource(cluster, "ping-clone");
  EXPECT_EQ(ping.backend, "ocf");
  EXPECT_EQ(ping.type, "pacemaker:ping");
  EXPECT_EQ(ping.params.at("host_list"), "192.0.2.1");
  ASSERT_TRUE(ping.clone.has_value());
  EXPECT_EQ(ping.clone->max, 2);
  EXPECT_EQ(ping.clone->node_max, 1);
}

TEST(CibConfig, CloneMetaIsInheritedByItsPrimitive) {
  auto xml = replaced(fixture_text("basic.xml"), R"(name="clone-node-max" value="1"/>)",
                      R"(name="clone-node-max" value="2"/>
          <nvpair id="ping-clone-meta-stickiness" name="resource-stickiness" value="1"/>
          <nvpair id="ping-clone-meta-interleave" name="interleave" value="false"/>)");
  const auto imported = import_clean(xml);  // outlives the references into it
  const auto& ping = resource(imported, "ping-clone");
  EXPECT_EQ(ping.clone->node_max, 2);
  EXPECT_EQ(ping.meta.stickiness, 1);
}

TEST(CibConfig, CloneWithoutLimitsUsesTheDefaults) {
  auto xml = replaced(fixture_text("basic.xml"),
                      R"(<nvpair id="ping-clone-meta-max" name="clone-max" value="2"/>)", "");
  const auto imported = import_clean(xml);  // outlives the references into it
  const auto& ping = resource(imported, "ping-clone");
  EXPECT_FALSE(ping.clone->max.has_value());
}

TEST(CibConfig, LocationConstraints) {
  const auto cluster = import_fixture("basic.xml");
  const auto* prefers = constraint<model::LocationConstraint>(cluster, "vm1-prefers-node1");
  ASSERT_NE(prefers, nullptr);
  EXPECT_EQ(prefers->resource, "vm1");
  EXPECT_EQ(prefers->node, "node1");
  EXPECT_EQ(prefers->score, 50);
  EXPECT_FALSE(prefers->rule.has_value());

  const auto* rack = constraint<model::LocationConstraint>(cluster, "app-on-rack2");
  ASSERT_NE(rack, nullptr);
  EXPECT_EQ(rack->resource, "app");  // a group
  ASSERT_TRUE(rack->rule.has_value());
  EXPECT_EQ(rack->rule->score, model::kMinusInfinity);
  EXPECT_EQ(rack->rule->boolean_op, model::BooleanOperator::or_);
  ASSERT_EQ(rack->rule->expressions.size(), 2u);
  EXPECT_EQ(rack->rule->expressions[0],
            (model::RuleExpression{"rack", model::RuleOperator::ne, "r2"}));
  EXPECT_EQ(rack->rule->expressions[1],
            (model::RuleExpression{"cpu-count", model::RuleOperator::lt, "4"}));
}

TEST(CibConfig, EachRuleOfALocationBecomesAConstraintNamedAfterTheRule) {
  const auto cluster = import_fixture("basic.xml");
  EXPECT_EQ(constraint<model::LocationConstraint>(cluster, "vm1-by-rack"), nullptr);
  const auto* r1 = constraint<model::LocationConstraint>(cluster, "vm1-by-rack-r1");
  const auto* r2 = constraint<model::LocationConstraint>(cluster, "vm1-by-rack-r2");
  ASSERT_NE(r1, nullptr);
  ASSERT_NE(r2, nullptr);
  EXPECT_EQ(r1->rule->score, 10);
  EXPECT_EQ(r2->rule->score, 20);
  EXPECT_EQ(r2->rule->boolean_op, model::BooleanOperator::and_);
  EXPECT_EQ(r2->rule->expressions[0],
            (model::RuleExpression{"rack", model::RuleOperator::defined, std::nullopt}));
  EXPECT_EQ(r2->rule->expressions[1],
            (model::RuleExpression{"gpu", model::RuleOperator::not_defined, std::nullopt}));
}

TEST(CibConfig, EveryRuleOperationIsMapped) {
  for (const auto* op : {"eq", "ne", "lt", "lte", "gt", "gte"}) {
    auto xml = replaced(fixture_text("basic.xml"), R"(attribute="rack" operation="ne")",
                        std::string{R"(attribute="rack" operation=")"} + op + "\"");
    const auto imported = import_clean(xml);  // outlives the references into it
    const auto* c = constraint<model::LocationConstraint>(imported, "app-on-rack2");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(model::to_string(c->rule->expressions[0].op), op);
  }
}

TEST(CibConfig, UnameRulesSeeTheBuiltInAttribute) {
  const auto cluster = import_fixture("basic.xml");
  const auto* c = constraint<model::LocationConstraint>(cluster, "web-not-on-node1");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->rule->expressions[0].attribute, "#uname");
  for (const auto& n : cluster.config.nodes)
    EXPECT_EQ(n.attributes.at("#uname"), n.id);
}

TEST(CibConfig, ColocationConstraints) {
  const auto cluster = import_fixture("basic.xml");
  const auto* with_ping = constraint<model::ColocationConstraint>(cluster, "app-with-ping");
  ASSERT_NE(with_ping, nullptr);
  EXPECT_EQ(with_ping->resource, "app");
  EXPECT_EQ(with_ping->with, "ping-clone");
  EXPECT_EQ(with_ping->score, model::kInfinity);
  const auto* apart = constraint<model::ColocationConstraint>(cluster, "vm1-apart-from-app");
  ASSERT_NE(apart, nullptr);
  EXPECT_EQ(apart->score, -500);
}

TEST(CibConfig, ConstraintsNamingACloneInstanceOrItsPrimitiveMeanTheClone) {
  auto xml = replaced(fixture_text("basic.xml"), R"(with-rsc="ping-clone")", R"(with-rsc="ping")");
  EXPECT_EQ(constraint<model::ColocationConstraint>(import_clean(xml), "app-with-ping")->with,
            "ping-clone");
}

TEST(CibConfig, OrderConstraints) {
  const auto cluster = import_fixture("basic.xml");
  const auto* mandatory = constraint<model::OrderConstraint>(cluster, "ping-then-app");
  ASSERT_NE(mandatory, nullptr);
  EXPECT_EQ(mandatory->first, "ping-clone");
  EXPECT_EQ(mandatory->then, "app");
  EXPECT_EQ(mandatory->kind, model::OrderKind::mandatory);
  EXPECT_TRUE(mandatory->symmetrical);
  const auto* optional = constraint<model::OrderConstraint>(cluster, "app-then-vm1");
  ASSERT_NE(optional, nullptr);
  EXPECT_EQ(optional->kind, model::OrderKind::optional);
  EXPECT_FALSE(optional->symmetrical);
  const auto* legacy = constraint<model::OrderConstraint>(cluster, "legacy-score-order");
  ASSERT_NE(legacy, nullptr);
  EXPECT_EQ(legacy->kind, model::OrderKind::optional);  // score="0"
}

TEST(CibConfig, LegacyOrderScoresOtherThanZeroAreMandatory) {
  for (const auto* score : {"INFINITY", "100", "-5"}) {
    auto xml = replaced(fixture_text("basic.xml"), R"(then="web" score="0")",
                        std::string{R"(then="web" score=")"} + score + "\"");
    const auto imported = import_clean(xml);  // outlives the references into it
    const auto* order = constraint<model::OrderConstraint>(imported, "legacy-score-order");
    ASSERT_NE(order, nullptr);
    EXPECT_EQ(order->kind, model::OrderKind::mandatory) << score;
  }
}

TEST(CibConfig, SerializeOrdersAreAsymmetrical) {
  auto xml = replaced(fixture_text("basic.xml"), R"(then="app" kind="Mandatory")",
                      R"(then="app" kind="Serialize" symmetrical="true")");
  const auto imported = import_clean(xml);  // outlives the references into it
  const auto* order = constraint<model::OrderConstraint>(imported, "ping-then-app");
  EXPECT_EQ(order->kind, model::OrderKind::serialize);
  EXPECT_FALSE(order->symmetrical);
}

TEST(CibConfig, StartActionsAndStartedRolesAreTheDefaults) {
  auto xml = replaced(fixture_text("basic.xml"), R"(then="app" kind="Mandatory")",
                      R"(then="app" kind="Mandatory" first-action="start" then-action="start")");
  xml = replaced(xml, R"(with-rsc="ping-clone" score="INFINITY")",
                 R"(with-rsc="ping-clone" score="INFINITY" rsc-role="Started")");
  xml = replaced(xml, R"(node="node1" score="50")", R"(node="node1" score="50" role="Started")");
  const auto cluster = import_clean(xml);
  EXPECT_NE(constraint<model::OrderConstraint>(cluster, "ping-then-app"), nullptr);
  EXPECT_NE(constraint<model::ColocationConstraint>(cluster, "app-with-ping"), nullptr);
  EXPECT_NE(constraint<model::LocationConstraint>(cluster, "vm1-prefers-node1"), nullptr);
}

TEST(CibConfig, NvpairSetsMergeByScoreAndFirstValueWins) {
  auto xml = replaced(fixture_text("basic.xml"), R"(<meta_attributes id="vm1-meta_attributes">)",
                      R"(<meta_attributes id="vm1-low" score="1">
          <nvpair id="vm1-low-prio" name="priority" value="1"/>
          <nvpair id="vm1-low-stick" name="resource-stickiness" value="3"/>
        </meta_attributes>
        <meta_attributes id="vm1-meta_attributes" score="2">)");
  auto result = model::import_cib(xml);
  ASSERT_TRUE(result.ok()) << all_diagnostics(result);
  const auto& vm1 = resource(*result, "vm1");
  EXPECT_EQ(vm1.meta.priority, 10);   // the higher-scored set wins
  EXPECT_EQ(vm1.meta.stickiness, 3);  // only the lower one sets it
  EXPECT_TRUE(has_diagnostic(result, Severity::warning,
                             "/cib/configuration/resources/primitive[@id='vm1']/"
                             "meta_attributes[@id='vm1-low']/nvpair[@name='priority']",
                             "already set to \"10\""));
}

TEST(CibConfig, SetsAndNvpairsByReference) {
  auto xml = replaced(fixture_text("basic.xml"), R"(<meta_attributes id="app-daemon-meta">
            <nvpair id="app-daemon-meta-stickiness" name="resource-stickiness" value="INFINITY"/>
          </meta_attributes>)",
                      R"(<meta_attributes id-ref="vm1-meta_attributes"/>)");
  const auto cluster = import_clean(xml);
  EXPECT_EQ(resource(cluster, "app-daemon").meta.priority, 10);
  EXPECT_EQ(resource(cluster, "app-daemon").meta.allow_migrate, true);
}

TEST(CibConfig, UtilizationWithoutAStrategyIsReportedByTheModelValidation) {
  auto xml = replaced(fixture_text("basic.xml"), R"(value="balanced")", R"(value="default")");
  auto result = model::import_cib(xml);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(has_diagnostic(result, Severity::warning, "", "utilization is ignored"))
      << all_diagnostics(result);
}

}  // namespace

// Issue 24 item 8: timeouts, the monitor's interval and on-fail come from <op> and
// op_defaults; what has no counterpart here is a warning, not silently dropped.
TEST(CibConfig, OperationsAndOpDefaults) {
  auto xml = replaced(fixture_text("basic.xml"), R"(<op id="vm1-monitor-10s" name="monitor" interval="10s"/>)",
                      R"(<op id="vm1-monitor-10s" name="monitor" interval="10s" timeout="20s" on-fail="block"/>
          <op id="vm1-probe" name="monitor" interval="0" timeout="5s"/>
          <op id="vm1-start" name="start" interval="0s" timeout="90s" on-fail="fence"/>
          <op id="vm1-migrate-to" name="migrate_to" interval="0" timeout="120s"/>
          <op id="vm1-migrate-from" name="migrate_from" interval="0" timeout="30s"/>
          <op id="vm1-stop" name="stop" interval="0" on-fail="standby"/>
          <op id="vm1-promote" name="promote" interval="0"/>
          <op id="vm1-meta" name="meta-data" interval="0" timeout="5s"/>)");
  xml = replaced(xml, "</rsc_defaults>", R"(</rsc_defaults>
    <op_defaults>
      <meta_attributes id="op-defaults">
        <nvpair id="od-timeout" name="timeout" value="45s"/>
      </meta_attributes>
    </op_defaults>)");
  const auto imported = model::import_cib(xml);
  ASSERT_TRUE(imported) << all_diagnostics(imported);
  const auto& ops = resource(*imported, "vm1").operations;
  EXPECT_EQ(ops.monitor.interval, model::Duration{10'000});
  EXPECT_EQ(ops.monitor.timeout, model::Duration{20'000});
  EXPECT_EQ(ops.monitor.on_fail, model::OnFail::block);
  EXPECT_EQ(ops.start.timeout, model::Duration{90'000});
  EXPECT_EQ(ops.start.on_fail, model::OnFail::fence);
  EXPECT_EQ(ops.migrate.timeout, model::Duration{120'000});  // the longer of migrate_to/_from
  EXPECT_EQ(ops.stop.timeout, model::Duration{45'000});      // from op_defaults
  EXPECT_FALSE(ops.stop.on_fail);                            // standby: not supported, default
  // Every other primitive's operations start from op_defaults.
  EXPECT_EQ(resource(*imported, "web").operations.start.timeout, model::Duration{45'000});
  auto warned = [&](std::string_view part) {
    const auto warnings = imported.warnings();
    return std::any_of(warnings.begin(), warnings.end(),
                       [&](const auto& d) { return d.message.find(part) != std::string::npos; });
  };
  EXPECT_TRUE(warned("on-fail=\"standby\" is not supported"));
  EXPECT_TRUE(warned("operation \"promote\" is not modeled"));
  for (const auto& d : imported.warnings()) {
    EXPECT_EQ(d.code, wholesale_ha::Errc::unsupported) << d.to_string();
    EXPECT_EQ(d.message.find("meta-data"), std::string::npos) << d.to_string();
  }

  const auto bad = model::import_cib(replaced(xml, R"(on-fail="block")", R"(on-fail="explode")"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, wholesale_ha::Errc::invalid_value);
  EXPECT_NE(bad.error().message.find("got \"explode\""), std::string::npos) << bad.to_string();
}

}  // namespace wholesale_ha::cib_test
