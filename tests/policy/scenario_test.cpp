// Runs every tests/scenarios/*.json: plan the cluster, compare with the expected actions,
// ordering, changes, reasons and notices, then check determinism, acyclicity and stability.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <wholesale_ha/model/json.hpp>
#include <wholesale_ha/policy/planner.hpp>
#include <wholesale_ha/policy/survivability.hpp>

#include "transition_checks.hpp"

namespace {

namespace fs = std::filesystem;
namespace policy = wholesale_ha::policy;
using nlohmann::json;

fs::path scenario_dir() { return fs::path{WHA_SOURCE_DIR} / "tests" / "scenarios"; }

std::vector<std::string> scenario_files() {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator{scenario_dir()}) {
    if (entry.path().extension() == ".json") out.push_back(entry.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// "survive": {"k": 1, "stranded": {"n1": {"vm1": "capacity"}, "n1+n2": {...}}}: exactly these
/// failure cases strand exactly these resources, with these reason codes.
void check_survivability(const wholesale_ha::model::Cluster& cluster, const json& survive) {
  const auto s = policy::survivability(cluster.state, cluster.config, survive.at("k").get<int>());
  std::map<std::string, std::map<std::string, std::string>> actual;
  for (const auto& c : s.failing) {
    std::string key;
    for (const auto& n : c.nodes) key += (key.empty() ? "" : "+") + n;
    for (const auto& r : c.stranded) actual[key][r.resource] = std::string{policy::to_string(r.reason.code)};
  }
  using Stranded = std::map<std::string, std::map<std::string, std::string>>;
  const auto expected = survive.value("stranded", json::object()).get<Stranded>();
  EXPECT_EQ(actual, expected) << s.verdict();
  EXPECT_EQ(s.tolerated(), expected.empty());
}

class Scenario : public ::testing::TestWithParam<std::string> {};

TEST_P(Scenario, PlansAsSpecified) {
  std::ifstream in{scenario_dir() / GetParam()};
  const json doc = json::parse(in);
  ASSERT_TRUE(doc.contains("cluster") && doc.contains("expect")) << "malformed scenario";
  auto loaded = wholesale_ha::model::parse_cluster_document(doc["cluster"]);
  ASSERT_TRUE(loaded.ok()) << loaded.diagnostics().front().to_string();
  const auto& cluster = *loaded;
  const json& expect = doc["expect"];
  SCOPED_TRACE(doc.value("description", ""));

  const auto t = policy::plan(cluster.state, cluster.config);
  const auto actual = wha_test::action_set(t);
  const auto expected = expect["actions"].get<std::set<std::string>>();
  EXPECT_EQ(actual, expected) << wha_test::dump(t);

  // value() returns a copy: keep each one alive for its loop.
  const json order = expect.value("order", json::array());
  const json changes = expect.value("changes", json::object());
  const json reasons = expect.value("reasons", json::object());
  const json notices = expect.value("notices", json::object());
  for (const auto& pair : order) {
    const auto before = pair.at(0).get<std::string>();
    const auto after = pair.at(1).get<std::string>();
    EXPECT_TRUE(wha_test::precedes(t, before, after))
        << "expected " << before << " before " << after << "\n" << wha_test::dump(t);
  }
  for (const auto& [resource, kind] : changes.items()) {
    EXPECT_EQ(wha_test::change_kind(t, resource), kind.get<std::string>())
        << "change of " << resource << "\n" << wha_test::dump(t);
  }
  for (const auto& [action, code] : reasons.items()) {
    EXPECT_EQ(wha_test::reason_code(t, action), code.get<std::string>())
        << "reason of " << action << "\n" << wha_test::dump(t);
  }
  for (const auto& [resource, code] : notices.items()) {
    EXPECT_TRUE(wha_test::has_notice(t, resource, code.get<std::string>()))
        << "notice " << code << " for " << resource << "\n" << wha_test::dump(t);
  }

  EXPECT_EQ(policy::plan(cluster.state, cluster.config), t) << "planning is not deterministic";
  EXPECT_TRUE(wha_test::acyclic(t)) << wha_test::dump(t);
  const int rounds = doc.value("converges_in", 1);
  auto state = cluster.state;
  auto next = t;
  for (int i = 0; i < rounds && !next.empty(); ++i) {
    state = policy::apply(state, next);
    next = policy::plan(state, cluster.config);
  }
  EXPECT_TRUE(next.empty()) << "not stable after " << rounds << " round(s):\n" << wha_test::dump(next);
  if (expect.contains("survive")) check_survivability(cluster, expect["survive"]);
}

INSTANTIATE_TEST_SUITE_P(Corpus, Scenario, ::testing::ValuesIn(scenario_files()),
                         [](const auto& param_info) {
                           std::string name = param_info.param.substr(0, param_info.param.size() - 5);
                           std::replace_if(name.begin(), name.end(),
                                           [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)); },
                                           '_');
                           return name;
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Scenario);

TEST(ScenarioCorpus, CoversTheRulesWithAtLeastSixtyScenarios) {
  EXPECT_GE(scenario_files().size(), 60U);
}

}  // namespace
