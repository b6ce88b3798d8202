// wha-node's replies: outside text that is not UTF-8 cannot make serialising throw.
#include <gtest/gtest.h>

#include <wholesale_ha/utf8.hpp>

#include "replies.hpp"

namespace wha_node {
namespace {

TEST(WhaNodeReplies, AgentOutputInRecentActionsIsMadeValid) {
  Recent recent;
  wholesale_ha::executor::ActionResult r;
  r.action.resource = "web";
  r.action.node = "n1";
  r.result.status = wholesale_ha::agents::Status::error_generic;
  r.result.reason = "exit 1: D\xe9marrage impossible";    // Latin-1 from an OCF agent
  recent.add(r);
  const std::string line = reply_line(nlohmann::json{{"recent", nlohmann::json(recent.actions)}});
  EXPECT_TRUE(wholesale_ha::is_valid_utf8(line));
  EXPECT_NE(line.find("D\xef\xbf\xbdmarrage"), std::string::npos) << line;  // U+FFFD
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
