// The controllers' messages: typed, range-checked, names checked against the configuration,
// text made valid UTF-8; never a guess, never an exception.

#include <gtest/gtest.h>

#include <wholesale_ha/utf8.hpp>

#include "controller/protocol.hpp"
#include "sim/scenario.hpp"

namespace wholesale_ha::protocol {
namespace {

using nlohmann::json;

model::Config config() { return sim::generated_config(3, 4, 1); }

std::string some_resource() { return config().resources.front().id; }

TEST(Protocol, EveryMessageRoundTrips) {
  const auto r = some_resource();
  const Message messages[] = {
      Placement{r, "n1", model::ResourceState::started, "n2"},
      Placement{r, "n2", std::nullopt, std::nullopt},
      Failure{r, "n1", 3, 1'800'000'000},
      FailuresCleared{r, std::nullopt},
      Attribute{"n2", "#health-disk", "red"},
      FenceRequest{"n3"},
      Fenced{"n3"},
      MonitorFailed{r, "n1", {agents::Status::not_running, "gone", std::chrono::milliseconds{5}}},
      OpRequest{7, "n2", {executor::Operation::Kind::migrate_to, r, "n2", "n3", std::chrono::milliseconds{1000}}},
      OpRequest{8, "n2", {executor::Operation::Kind::repair, r, "n2", "", std::chrono::milliseconds{1000}, "reset"}},
      OpResult{7, "n1", {agents::Status::timed_out, "slow", std::chrono::milliseconds{9}}},
      SyncRequest{4},
      SyncBusy{4, "n2"},
      NodeReport{4, "n1", "n2", {{r, "n2", model::ResourceState::failed}}, {{r, "n3", model::ResourceState::started}}, {"n3"}, {{"#health-disk", "green"}}, {{r, "n3", 2, 5}},
                 {{"n2", model::ShutdownKind::reboot}}, {{r, "n2"}}, {"n3"}, {{r, "n3"}}, {{r, "n1"}}, std::vector<std::string>{"n1", "n2"}},
      Leaving{"n2", model::ShutdownKind::reboot},
      Left{"n2"},
      Maintenance{"n3", false},
  };
  for (const auto& m : messages) {
    const auto body = encode_body(m);
    auto decoded = decode(type_name(m), body, config());
    ASSERT_TRUE(decoded.message) << type_name(m) << ": " << decoded.error;
    EXPECT_EQ(encode_body(*decoded.message), body) << type_name(m);
  }
}

TEST(Protocol, WhereAResourceLastRanIsCheckedButAReloadMayHaveRemovedIt) {
  NodeReport report;
  report.round = 1;
  report.coordinator = "n1";
  report.node = "n2";
  json body = encode_body(Message{report});
  // Sent before a reload that removed "gone" came round: the entry is dropped, not the report.
  body["last_ran"] = json::array({{{"resource", "gone"}, {"node", "n1"}}, {{"resource", some_resource()}, {"node", "n3"}}});
  const auto decoded = decode("node_report", body, config());
  ASSERT_TRUE(decoded.message) << decoded.error;
  const auto& last_ran = std::get<NodeReport>(*decoded.message).last_ran;
  ASSERT_EQ(last_ran.size(), 1U);
  EXPECT_EQ(last_ran[0].node, "n3");
  body["last_ran"] = json::array({{{"resource", 7}, {"node", "n1"}}});
  const auto bad = decode("node_report", body, config());
  EXPECT_FALSE(bad.message);
  EXPECT_NE(bad.error.find("last_ran: "), std::string::npos) << bad.error;
}

TEST(Protocol, HostileFieldsAreRejectedWithTheFieldNamed) {
  const auto r = some_resource();
  struct Case {
    const char* type;
    json body;
    const char* says;
  };
  const Case cases[] = {
      {"failure", {{"resource", r}, {"node", "n1"}, {"count", -5}, {"last_failure", 1}}, "\"count\" is outside"},
      {"failure", {{"resource", r}, {"node", "n1"}, {"count", 1e20}, {"last_failure", 1}}, "\"count\" must be an integer"},
      {"failure", {{"resource", r}, {"node", "n1"}, {"count", "2"}, {"last_failure", 1}}, "\"count\" must be an integer"},
      {"failure", {{"resource", r}, {"node", "n9"}, {"count", 1}, {"last_failure", 1}}, "unknown node \"n9\""},
      {"failure", {{"resource", "nope"}, {"node", "n1"}, {"count", 1}, {"last_failure", 1}}, "unknown resource"},
      {"op_request", {{"id", 1}, {"to", "n1"}, {"kind", "reboot"}, {"resource", r}, {"node", "n1"}, {"peer", ""}, {"timeout_ms", 10}}, "not an operation"},
      {"leaving", {{"node", "n2"}, {"kind", "halt"}}, "\"kind\" must be \"poweroff\" or \"reboot\""},
      {"op_request", {{"id", 1}, {"to", "n1"}, {"kind", "repair"}, {"resource", r}, {"node", "n1"}, {"peer", ""}, {"timeout_ms", 10}}, "\"action\" is missing"},
      {"op_request", {{"id", 1}, {"to", "n1"}, {"kind", "repair"}, {"resource", r}, {"node", "n1"}, {"peer", ""}, {"timeout_ms", 10}, {"action", ""}}, "needs an \"action\""},
      {"maintenance", {{"node", "n2"}, {"on", "yes"}}, "\"on\" must be true or false"},
      {"maintenance", {{"node", "n9"}, {"on", true}}, "unknown node \"n9\""},
      {"op_request", {{"id", -1}, {"to", "n1"}, {"kind", "start"}, {"resource", r}, {"node", "n1"}, {"peer", ""}, {"timeout_ms", 10}}, "non-negative integer"},
      {"op_request", {{"id", 1}, {"to", "n1"}, {"kind", "start"}, {"resource", r}, {"node", "n1"}, {"peer", ""}, {"timeout_ms", 1e300}}, "\"timeout_ms\" must be an integer"},
      {"op_request", {{"id", 1}, {"to", "n1"}, {"kind", "start"}, {"resource", r}, {"node", "n2"}, {"peer", ""}, {"timeout_ms", 10}}, "addressed to"},
      {"op_result", {{"id", 1}, {"to", "n1"}, {"status", 4242}, {"reason", ""}}, "\"status\""},
      {"placement", {{"resource", r}, {"node", "n1"}, {"state", "sleeping"}}, "not a resource state"},
      {"placement", {{"resource", r}, {"node", 5}, {"state", "started"}}, "\"node\" must be a string"},
      {"attribute", {{"node", "n1"}, {"name", std::string(300, 'a')}, {"value", "x"}}, "bytes long"},
      {"sync_request", {{"round", "2"}}, "\"round\" must be a non-negative integer"},
      {"node_report", {{"round", 1}, {"coordinator", "n1"}, {"node", "n1"}, {"placements", json::array()}, {"elsewhere", json::array()}, {"probed", "n1"}}, "\"probed\" must be an array"},
      {"node_report", {{"round", 1}, {"coordinator", "n1"}, {"node", "n1"}, {"placements", json::array()}, {"elsewhere", json::array()}, {"probed", {"n9"}}}, "unknown node \"n9\""},
      {"start", {{"resource", r}}, "unknown message kind \"start\""},
      {"placement", json::array({1, 2}), "not an object"},
      {"placement", 42, "not an object"},
  };
  for (const auto& c : cases) {
    auto decoded = decode(c.type, c.body, config());
    EXPECT_FALSE(decoded.message) << c.type << " " << c.body.dump();
    EXPECT_NE(decoded.error.find(c.says), std::string::npos) << decoded.error;
  }
}

TEST(Protocol, ALatin1ReasonArrivesAsValidUtf8) {
  json body = {{"id", 1}, {"to", "n1"}, {"status", 1}, {"reason", "x"}};
  body["reason"] = json::string_t("D\xE9marrage");  // nlohmann stores bytes as given
  auto decoded = decode("op_result", body, config());
  ASSERT_TRUE(decoded.message) << decoded.error;
  const auto& reason = std::get<OpResult>(*decoded.message).result.reason;
  EXPECT_TRUE(is_valid_utf8(reason));
  EXPECT_EQ(reason, "D\xEF\xBF\xBDmarrage");
}

TEST(Protocol, TheEndOfARemovedResourceMayStillBeNamed) {
  auto decoded = decode("placement", {{"resource", "removed"}, {"node", "n1"}, {"state", nullptr}}, config());
  EXPECT_TRUE(decoded.message) << decoded.error;
}

}  // namespace
}  // namespace wholesale_ha::protocol
