// wha-node's replies: outside text that is not UTF-8 cannot make serialising throw.
#include <gtest/gtest.h>

#include <wholesale_ha/utf8.hpp>

#include "replies.hpp"

namespace wha_node {
namespace {

TEST(WhaNodeReplies, AgentOutputInRecentActionsIsMadeValid) {
  Activity activity;
  wholesale_ha::executor::ActionResult r;
  r.action.resource = "web";
  r.action.node = "n1";
  r.result.status = wholesale_ha::agents::Status::error_generic;
  r.result.reason = "exit 1: D\xe9marrage impossible";    // Latin-1 from an OCF agent
  activity.finished(r);
  const std::string line = reply_line(nlohmann::json{{"recent", activity.recent()}});
  EXPECT_TRUE(wholesale_ha::is_valid_utf8(line));
  EXPECT_NE(line.find("D\xef\xbf\xbdmarrage"), std::string::npos) << line;  // U+FFFD
}

TEST(WhaNodeReplies, InFlightActionsCarryTheirStartAndMigrationProgress) {
  double now = 100;
  Activity activity{[&] { return now; }};
  wholesale_ha::policy::Action migrate;
  migrate.kind = wholesale_ha::policy::ActionKind::migrate;
  migrate.resource = "vm1";
  migrate.node = "n1";
  migrate.target = "n2";
  activity.started(migrate);
  activity.migration_progress("vm1", 40, 600, 1000);
  const auto running = activity.in_flight();
  ASSERT_EQ(running.size(), 1U);
  EXPECT_EQ(running[0]["since"], 100);
  EXPECT_EQ(running[0]["target"], "n2");
  EXPECT_EQ(running[0]["progress"]["remaining_bytes"], 600);
  now = 130;
  wholesale_ha::executor::ActionResult done;
  done.action = migrate;
  activity.finished(done);
  EXPECT_TRUE(activity.in_flight().empty());
  EXPECT_EQ(activity.recent().back()["time"], 130);
}

TEST(WhaNodeReplies, FencingIsKeptWithItsTimeAndOutcome) {
  double now = 5;
  Activity activity{[&] { return now; }};
  wholesale_ha::executor::ActionResult fence;
  fence.action.kind = wholesale_ha::policy::ActionKind::fence;
  fence.action.node = "n3";
  fence.result.status = wholesale_ha::agents::Status::timed_out;
  fence.result.reason = "no answer from the PDU";
  activity.finished(fence);
  for (int i = 0; i < 30; ++i) activity.finished(wholesale_ha::executor::ActionResult{});  // recent actions roll on
  const auto fencing = activity.fencing();
  ASSERT_EQ(fencing.size(), 1U);
  EXPECT_EQ(fencing[0]["node"], "n3");
  EXPECT_EQ(fencing[0]["ok"], false);
  EXPECT_EQ(fencing[0]["time"], 5);
  EXPECT_EQ(activity.recent().size(), Activity::kRecent);
}

TEST(WhaNodeReplies, LastLineOfDefenceReplacesBadBytes) {
  const std::string line = reply_line(nlohmann::json{{"x", "\xff\xfe ok"}});
  EXPECT_TRUE(wholesale_ha::is_valid_utf8(line));
  EXPECT_EQ(line.back(), '\n');
}

TEST(WhaNodeReplies, ErrorReplyCarriesBothForms) {
  const auto reply = error_reply("bad \xff");
  EXPECT_EQ(reply["ok"], false);
  EXPECT_EQ(reply["error"], "bad \xef\xbf\xbd");
  EXPECT_EQ(reply["errors"], nlohmann::json::array({"bad \xef\xbf\xbd"}));
}

}  // namespace
}  // namespace wha_node
