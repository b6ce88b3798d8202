// The status section as crm_simulate wrote it: quorum, node states, transient attributes,
// failcounts, where resources are active (from the operation history) and the time.

#include <algorithm>
#include <regex>

#include <gtest/gtest.h>

#include <wholesale_ha/cib/import.hpp>
#include <wholesale_ha/model/json.hpp>

#include "cib_test_support.hpp"

namespace wholesale_ha::cib_test {
namespace {

using Severity = wholesale_ha::Diagnostic::Severity;
using Strings = std::vector<std::string>;

/// The newest last-rc-change in a fixture, read independently of the importer.
model::Timestamp newest_change(const std::string& xml) {
  static const std::regex kChange{R"re(last-rc-change="(\d+)")re"};
  model::Timestamp newest = 0;
  for (std::sregex_iterator it{xml.begin(), xml.end(), kChange}, end; it != end; ++it) {
    newest = std::max<model::Timestamp>(newest, std::stoll((*it)[1].str()));
  }
  return newest;
}

model::NodeState state_of(const model::Cluster& cluster, const std::string& node) {
  return cluster.state.nodes.at(node).state;
}

const model::FailureRecord* failcount(const model::Cluster& cluster, std::string_view resource,
                                      std::string_view node) {
  for (const auto& f : cluster.state.failcounts) {
    if (f.resource == resource && f.node == node) return &f;
  }
  return nullptr;
}

TEST(CibStatus, AfterTheFirstTransitionEverythingRunsWherePacemakerPutIt) {
  const auto cluster = import_fixture("basic.xml");
  EXPECT_TRUE(cluster.state.quorate);
  for (const auto* n : {"node1", "node2", "node3"}) {
    EXPECT_EQ(state_of(cluster, n), model::NodeState::online) << n;
  }
  EXPECT_EQ(placements(cluster, "vm1"), (Strings{"node1:started"}));
  EXPECT_EQ(placements(cluster, "app-ip"), (Strings{"node2:started"}));
  EXPECT_EQ(placements(cluster, "app-daemon"), (Strings{"node2:started"}));
  // The clone's history is recorded under its primitive's name, "ping".
  EXPECT_EQ(placements(cluster, "ping-clone"), (Strings{"node1:started", "node2:started"}));
  EXPECT_TRUE(placements(cluster, "web").empty());  // probes found it stopped (rc 7)
  EXPECT_TRUE(cluster.state.failcounts.empty());
  EXPECT_TRUE(cluster.state.pending.empty());
}

TEST(CibStatus, NowIsTheNewestResultUnlessTheCibOrTheCallerSaysOtherwise) {
  const auto xml = fixture_text("basic.xml");
  EXPECT_EQ(import_clean(xml).state.now, newest_change(xml));
  EXPECT_EQ(import_clean(xml, {.now = 1'700'000'000}).state.now, 1'700'000'000);
  // lost-node.xml carries execution-date="1764050000".
  EXPECT_EQ(import_fixture("lost-node.xml").state.now, 1'764'050'000);
  EXPECT_EQ(import_clean(fixture_text("lost-node.xml"), {.now = 5}).state.now, 5);
}

TEST(CibStatus, QuorumComesFromHaveQuorum) {
  auto xml = replaced(fixture_text("basic.xml"), R"(have-quorum="1")", R"(have-quorum="0")");
  EXPECT_FALSE(import_clean(xml).state.quorate);
  // Pacemaker reads a missing have-quorum as "no quorum".
  xml = replaced(fixture_text("basic.xml"), R"( have-quorum="1")", "");
  EXPECT_FALSE(import_clean(xml).state.quorate);
}

TEST(CibStatus, FailedMonitorThenFailedStart) {
  const auto xml = fixture_text("failures.xml");
  const auto cluster = import_clean(xml);
  // vm1's monitor failed on node1 and the recovery start failed too: failed there.
  EXPECT_EQ(placements(cluster, "vm1"), (Strings{"node1:failed"}));
  const auto* vm1 = failcount(cluster, "vm1", "node1");
  ASSERT_NE(vm1, nullptr);
  EXPECT_EQ(vm1->count, 2);  // fail-count-vm1#monitor_10000 + fail-count-vm1#start_0
  EXPECT_EQ(vm1->last_failure, newest_change(xml));
  // app-daemon's probe on node1 failed (rc 1): Pacemaker stopped it there; it runs on node2.
  EXPECT_EQ(placements(cluster, "app-daemon"), (Strings{"node2:started"}));
  const auto* daemon = failcount(cluster, "app-daemon", "node1");
  ASSERT_NE(daemon, nullptr);
  EXPECT_EQ(daemon->count, 1);
  EXPECT_EQ(cluster.state.failcounts.size(), 2u);
}

TEST(CibStatus, FailuresOlderThanTheFailureTimeoutHaveExpired) {
  // rsc_defaults failure-timeout=10min. Pacemaker ignores an expired failed operation and
  // takes the state from the rest of the history (crm_simulate -R on failures.xml then shows
  // vm1 Started on node1); the failcount stays, and the policy expires it by the same rule.
  const auto xml = fixture_text("failures.xml");
  const auto failed_at = newest_change(xml);
  auto cluster = import_clean(xml, {.now = failed_at + 600});
  EXPECT_EQ(placements(cluster, "vm1"), (Strings{"node1:started"}));
  EXPECT_EQ(failcount(cluster, "vm1", "node1")->count, 2);
  cluster = import_clean(xml, {.now = failed_at + 599});
  EXPECT_EQ(placements(cluster, "vm1"), (Strings{"node1:failed"}));
}

TEST(CibStatus, ANewerResultReadAfterTheFailureStillExpiresIt) {
  // Without a given time, now is the newest result anywhere: here one on node3, whose
  // node_state comes after node1's failed history in the document.
  const auto xml = fixture_text("failures.xml");
  const auto failed_at = std::to_string(newest_change(xml));
  const auto later = std::to_string(newest_change(xml) + 600);
  const auto edited = in_node_state(xml, "node3", [&](const std::string& node_state) {
    return replaced(node_state, "last-rc-change=\"" + failed_at, "last-rc-change=\"" + later);
  });
  const auto cluster = import_clean(edited);
  EXPECT_EQ(std::to_string(cluster.state.now), later);
  EXPECT_EQ(placements(cluster, "vm1"), (Strings{"node1:started"}));
}

TEST(CibStatus, FailcountSpellings) {
  auto xml = replaced(fixture_text("failures.xml"), R"(name="fail-count-vm1#start_0" value="1")",
                      R"(name="fail-count-vm1#start_0" value="INFINITY")");
  xml = replaced(xml, R"(name="fail-count-app-daemon#monitor_0" value="1")",
                 R"(name="fail-count-app-daemon" value="4")");  // pre-2.0 spelling
  const auto cluster = import_clean(xml);
  EXPECT_EQ(failcount(cluster, "vm1", "node1")->count, model::kInfinity);
  EXPECT_EQ(failcount(cluster, "app-daemon", "node1")->count, 4);
}

TEST(CibStatus, LiveMigrationEndsOnTheTarget) {
  const auto cluster = import_fixture("migration.xml");
  // migrate_to on node1, migrate_from on node2, then stop on node1.
  EXPECT_EQ(placements(cluster, "vm1"), (Strings{"node2:started"}));
  EXPECT_NE(constraint<model::LocationConstraint>(cluster, "cli-prefer-vm1"), nullptr);
}

TEST(CibStatus, MigrationWithoutTheSourceStopIsActiveOnTheTarget) {
  auto xml = without_operation(fixture_text("migration.xml"), R"(operation_key="vm1_stop_0")");
  EXPECT_EQ(placements(import_clean(xml), "vm1"), (Strings{"node2:started"}));
}

TEST(CibStatus, MigrationThatNeverReachedTheTargetIsStillOnTheSource) {
  auto xml = without_operation(fixture_text("migration.xml"), R"(operation_key="vm1_stop_0")");
  xml = without_operation(xml, R"(operation_key="vm1_migrate_from_0")");
  xml = in_node_state(xml, "node2", [](std::string state) {
    return without_operation(std::move(state), R"(id="vm1_monitor_10000")");
  });
  EXPECT_EQ(placements(import_clean(xml), "vm1"), (Strings{"node1:started"}));
}

TEST(CibStatus, FailedMigrateFromFailsOnTheTargetAndKeepsTheSource) {
  auto xml = without_operation(fixture_text("migration.xml"), R"(operation_key="vm1_stop_0")");
  xml = edited_operation(xml, R"(operation_key="vm1_migrate_from_0")", R"(rc-code="0")",
                         R"(rc-code="1")");
  xml = in_node_state(xml, "node2", [](std::string state) {
    return without_operation(std::move(state), R"(id="vm1_monitor_10000")");
  });
  EXPECT_EQ(placements(import_clean(xml), "vm1"), (Strings{"node1:started", "node2:failed"}));
}

TEST(CibStatus, OperationOutcomes) {
  const auto basic = fixture_text("basic.xml");
  const std::string_view vm1_monitor = R"(id="vm1_monitor_10000")";
  // A recurring monitor that finds the resource stopped is a failure...
  auto xml = edited_operation(basic, vm1_monitor, R"(rc-code="0")", R"(rc-code="7")");
  EXPECT_EQ(placements(import_clean(xml), "vm1"), (Strings{"node1:failed"}));
  // ...unless it expected "not running" (transition-key's third field).
  xml = edited_operation(xml, vm1_monitor, "transition-key=\"3:-1:0:", "transition-key=\"3:-1:7:");
  EXPECT_TRUE(placements(import_clean(xml), "vm1").empty());
  // An operation that timed out (op-status 2) is a failure whatever its rc.
  xml = edited_operation(basic, vm1_monitor, R"(op-status="0")", R"(op-status="2")");
  EXPECT_EQ(placements(import_clean(xml), "vm1"), (Strings{"node1:failed"}));
  // A cancelled one says nothing.
  xml = edited_operation(basic, vm1_monitor, R"(op-status="0")", R"(op-status="1")");
  EXPECT_EQ(placements(import_clean(xml), "vm1"), (Strings{"node1:started"}));
  // A probe that finds it running (rc 0 where 7 was expected) means it is active there.
  xml = edited_operation(basic, R"(operation_key="web_monitor_0")", R"(rc-code="7")",
                         R"(rc-code="0")");
  EXPECT_EQ(placements(import_clean(xml), "web"), (Strings{"node1:started"}));
}

TEST(CibStatus, PendingOperations) {
  auto xml = edited_operation(fixture_text("basic.xml"), R"(operation_key="vm1_start_0")",
                              R"(op-status="0")", R"(op-status="-1")");
  const auto cluster = import_clean(xml);
  ASSERT_EQ(cluster.state.pending.size(), 1u);
  EXPECT_EQ(cluster.state.pending[0].resource, "vm1");
  EXPECT_EQ(cluster.state.pending[0].node, "node1");
  EXPECT_EQ(cluster.state.pending[0].operation, "start");
}

TEST(CibStatus, LostAndCleanlyStoppedNodes) {
  const auto cluster = import_fixture("lost-node.xml");
  EXPECT_EQ(state_of(cluster, "node1"), model::NodeState::online);
  // crm_simulate --node-fail: in_ccm="false" crmd="online" join="member" expected="member".
  EXPECT_EQ(state_of(cluster, "node2"), model::NodeState::unclean);
  // crm_simulate --node-down: in_ccm="false" crmd="offline" join="down" expected="down".
  EXPECT_EQ(state_of(cluster, "node3"), model::NodeState::offline);
  // What ran on the lost node may still run there until it is fenced.
  EXPECT_EQ(placements(cluster, "app-ip"), (Strings{"node2:started"}));
  EXPECT_EQ(placements(cluster, "ping-clone"), (Strings{"node1:started", "node2:started"}));
}

TEST(CibStatus, MembersWhoseControllerIsGoneOrNotJoined) {
  const std::string node3 =
      R"(uname="node3" in_ccm="true" crmd="online" join="member" expected="member")";
  // In the membership but its controller died: Pacemaker fences it.
  auto xml =
      replaced(fixture_text("basic.xml"), node3,
               R"(uname="node3" in_ccm="true" crmd="offline" join="member" expected="member")");
  EXPECT_EQ(state_of(import_clean(xml), "node3"), model::NodeState::unclean);
  // Up but still joining: not online yet, nothing to fence.
  xml = replaced(fixture_text("basic.xml"), node3,
                 R"(uname="node3" in_ccm="true" crmd="online" join="pending" expected="member")");
  auto result = model::import_cib(xml);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(state_of(*result, "node3"), model::NodeState::offline);
  EXPECT_TRUE(has_diagnostic(result, Severity::warning, "/cib/status/node_state[@uname='node3']",
                             "node \"node3\" is in the membership but has not joined"))
      << all_diagnostics(result);
}

TEST(CibStatus, NodeStatesWrittenAsTimestamps) {
  // Pacemaker 2.1.7 writes in_ccm and crmd as the time the node joined (0 = not).
  auto xml =
      replaced_all(fixture_text("lost-node.xml"), R"(in_ccm="true")", R"(in_ccm="1764049000")");
  xml = replaced_all(xml, R"(crmd="online")", R"(crmd="1764049000")");
  xml = replaced_all(xml, R"(in_ccm="false")", R"(in_ccm="0")");
  xml = replaced_all(xml, R"(crmd="offline")", R"(crmd="0")");
  const auto cluster = import_clean(xml);
  EXPECT_EQ(state_of(cluster, "node1"), model::NodeState::online);
  EXPECT_EQ(state_of(cluster, "node2"), model::NodeState::unclean);
  EXPECT_EQ(state_of(cluster, "node3"), model::NodeState::offline);
}

TEST(CibStatus, TransientAttributes) {
  const auto cluster = import_fixture("lost-node.xml");
  EXPECT_EQ(cluster.state.nodes.at("node1").attributes,
            (model::Attributes{{"#health-disk", "yellow"}}));
}

TEST(CibStatus, TransientStandbyOverridesTheConfiguredValue) {
  auto xml = replaced(fixture_text("lost-node.xml"), R"(name="#health-disk" value="yellow"/>)",
                      R"(name="#health-disk" value="yellow"/>
          <nvpair id="status-1-standby" name="standby" value="on"/>
          <nvpair id="status-1-attrd" name="#attrd-protocol" value="5"/>)");
  const auto cluster = import_clean(xml);
  EXPECT_TRUE(node(cluster, "node1").standby);
  EXPECT_FALSE(cluster.state.nodes.at("node1").attributes.contains("standby"));
  EXPECT_FALSE(cluster.state.nodes.at("node1").attributes.contains("#attrd-protocol"));
}

TEST(CibStatus, NodesWithoutNodeStateWereNeverSeen) {
  auto xml = replaced(fixture_text("basic.xml"), R"(<node_state id="3" uname="node3")",
                      R"(<node_state id="9" uname="node9")");
  auto result = model::import_cib(xml);
  ASSERT_TRUE(result.ok()) << all_diagnostics(result);
  EXPECT_TRUE(has_diagnostic(result, Severity::warning, "/cib/status/node_state[@uname='node9']",
                             "status of node \"node9\", which is not configured, is ignored"));
  EXPECT_TRUE(has_diagnostic(result, Severity::warning, "/cib/status",
                             "node \"node3\" has no node_state (never seen): imported as offline"));
  EXPECT_EQ(state_of(*result, "node3"), model::NodeState::offline);

  // With fencing enabled Pacemaker fences nodes it has never seen (startup-fencing).
  xml = replaced(xml, R"(name="stonith-enabled" value="false")",
                 R"(name="stonith-enabled" value="true")");
  result = model::import_cib(xml);
  ASSERT_TRUE(result.ok()) << all_diagnostics(result);
  EXPECT_EQ(state_of(*result, "node3"), model::NodeState::unclean);
}

TEST(CibStatus, AConfigurationWithoutStatusImportsAsAllOnline) {
  const auto text = fixture_text("basic.xml");
  auto status = text.find("<status>");
  auto end = text.find("</status>") + std::string_view{"</status>"}.size();
  const auto xml = text.substr(0, status) + "<status/>" + text.substr(end);
  auto result = model::import_cib(xml);
  ASSERT_TRUE(result.ok()) << all_diagnostics(result);
  EXPECT_TRUE(has_diagnostic(result, Severity::warning, "", "the CIB has no status"));
  EXPECT_TRUE(result->state.quorate);
  EXPECT_TRUE(result->state.nodes.empty());
  EXPECT_TRUE(result->state.resources.empty());
}

TEST(CibStatus, NodeShuttingDownIsReported) {
  auto xml = replaced(fixture_text("lost-node.xml"), R"(name="#health-disk" value="yellow"/>)",
                      R"(name="#health-disk" value="yellow"/>
          <nvpair id="status-1-shutdown" name="shutdown" value="1764049999"/>)");
  auto result = model::import_cib(xml);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(has_diagnostic(result, Severity::warning,
                             "/cib/status/node_state[@uname='node1']/transient_attributes/"
                             "instance_attributes/nvpair[@name='shutdown']",
                             "node \"node1\" is shutting down"))
      << all_diagnostics(result);
}

class CibRoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(CibRoundTrip, ImportedClusterIsValidAndSurvivesJson) {
  auto imported = model::import_cib_file(fixture_path(GetParam()));
  ASSERT_TRUE(imported.ok()) << all_diagnostics(imported);
  const auto text = model::to_json_string(*imported);
  auto again = model::parse_cluster(text);
  ASSERT_TRUE(again.ok()) << all_diagnostics(again) << text;
  EXPECT_TRUE(again.diagnostics().empty()) << all_diagnostics(again);
  EXPECT_EQ(*again, *imported);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, CibRoundTrip,
                         ::testing::Values("basic.xml", "failures.xml", "migration.xml",
                                           "lost-node.xml", "unsupported.xml"));

}  // namespace
}  // namespace wholesale_ha::cib_test
