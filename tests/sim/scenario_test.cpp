// Scenarios: random ones are reproducible from their seed, files round-trip, bad files are
// refused with the place named.

#include <gtest/gtest.h>

#include "sim/scenario.hpp"
#include "sim/world.hpp"

namespace wholesale_ha::sim {
namespace {

TEST(Scenario, TheSameSeedGivesTheSameRun) {
  Shape shape;
  shape.duration = std::chrono::minutes{5};
  shape.settle = std::chrono::minutes{5};
  const auto a = random_scenario(7, shape);
  const auto b = random_scenario(7, shape);
  EXPECT_EQ(to_json(a), to_json(b));
  const auto first = run(a);
  const auto second = run(b);
  EXPECT_EQ(first.events, second.events);
  EXPECT_EQ(first.operations, second.operations);
  EXPECT_EQ(first.messages, second.messages);
}

TEST(Scenario, FilesRoundTrip) {
  const auto s = random_scenario(11, Shape{});
  auto loaded = parse_scenario(to_json(s));
  ASSERT_TRUE(loaded.scenario) << loaded.error;
  EXPECT_EQ(to_json(*loaded.scenario), to_json(s));
}

TEST(Scenario, BadFilesNameThePlace) {
  auto unknown = parse_scenario({{"generate", {{"nodes", 2}}}, {"faults", {{{"kind", "meteor"}}}}});
  EXPECT_EQ(unknown.error, "faults/0: unknown kind \"meteor\"");
  auto node = parse_scenario({{"generate", {{"nodes", 2}}}, {"faults", {{{"kind", "crash_host"}, {"node", "n7"}}}}});
  EXPECT_EQ(node.error, "faults/0: unknown node \"n7\"");
  EXPECT_FALSE(parse_scenario({{"faults", nlohmann::json::array()}}).scenario);
}

TEST(Scenario, AViolationIsReportedNotHidden) {
  // A start that never answers outlives the run: the coordinator is still busy at the end.
  Scenario s;
  s.config = generated_config(1, 1, 3);
  s.duration = std::chrono::seconds{10};
  s.settle = std::chrono::seconds{5};
  Fault hang;
  hang.kind = Fault::Kind::hang_next;
  hang.resource = s.config.resources[0].id;
  hang.op = "start";
  s.faults.push_back(hang);
  const auto outcome = run(s);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.violations.front().invariant, "converges");
  EXPECT_NE(outcome.violations.front().detail.find("still busy"), std::string::npos);
}

}  // namespace
}  // namespace wholesale_ha::sim
