// The command hook with real processes: the node's name in the arguments and environment,
// exit status 0 as success, the command's own words on failure, timeouts that kill the group.

#include <fstream>

#include <gtest/gtest.h>

#include <wholesale_ha/fencing/command.hpp>

#include "fence_test_support.hpp"

namespace {

using namespace std::chrono_literals;
namespace agents = wholesale_ha::agents;
namespace fencing = wholesale_ha::fencing;
using wholesale_ha::LogLevel;
using wha_test::contains;

class FencingCommandTest : public ::testing::Test {
 protected:
  agents::Outcome fence(fencing::CommandFencer& f, const std::string& node, std::chrono::milliseconds timeout = 30s) {
    return wha_test::wait_for(io, [&](agents::Handler h) { f.fence(node, timeout, std::move(h)); });
  }

  /// A fencer running `script` with /bin/sh; $1 is the node.
  fencing::CommandFencer& shell(const std::string& script) {
    return make({.id = "hook", .program = "/bin/sh", .args = {"-c", script, "fence", "{node}"}});
  }
  fencing::CommandFencer& make(fencing::CommandFencerOptions options) {
    made.push_back(fencing::CommandFencer::create(io.get_executor(), std::move(options), logger).value());
    return *made.back();
  }
  std::vector<std::shared_ptr<fencing::CommandFencer>> made;

  boost::asio::io_context io;
  wha_test::ScratchDir dir;
  std::shared_ptr<wha_test::RecordingSink> sink = std::make_shared<wha_test::RecordingSink>();
  wholesale_ha::Logger logger{sink, LogLevel::debug};
};

TEST_F(FencingCommandTest, RunsTheCommandWithTheNodeAndSucceedsOnExitZero) {
  const auto out = (dir.path() / "fenced").string();
  auto& f = shell("echo \"$1 $WHA_FENCE_NODE $ZONE\" > " + out + "; echo powered off $1");
  auto& with_env = make({.id = "hook", .program = "/bin/sh",
                         .args = {"-c", "echo \"$1 $WHA_FENCE_NODE $ZONE\" > " + out, "fence", "node={node}"},
                         .env = {{"ZONE", "rack-2"}}});
  auto r = fence(f, "n2");
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_TRUE(contains(r.reason, "node n2 fenced by command fencer \"hook\" (/bin/sh -c")) << r.reason;
  EXPECT_TRUE(contains(r.reason, "fence n2): powered off n2")) << r.reason;
  auto read = [&] {
    std::ifstream in{out};
    std::string line;
    std::getline(in, line);
    return line;
  };
  EXPECT_EQ(read(), "n2 n2 ");
  ASSERT_TRUE(fence(with_env, "n3").ok());
  EXPECT_EQ(read(), "node=n3 n3 rack-2") << "{node} is replaced inside arguments too";
}

TEST_F(FencingCommandTest, AFailureNamesTheNodeTheCommandAndWhatItSaid) {
  auto& f = shell("echo \"switch 10.0.0.5 refused login\" >&2; exit 3");
  auto r = fence(f, "n1");
  EXPECT_EQ(r.status, agents::Status::error_generic);
  EXPECT_TRUE(contains(r.reason, "fencing node n1 with command fencer \"hook\" (/bin/sh -c ")) << r.reason;
  EXPECT_TRUE(contains(r.reason, ") failed: the command exited with status 3: switch 10.0.0.5 refused login"))
      << r.reason;
  EXPECT_TRUE(sink->logged(LogLevel::error, r.reason));
}

TEST_F(FencingCommandTest, ATimeoutKillsTheWholeProcessGroup) {
  const auto pids = dir.path() / "pids";
  auto& f = shell("sleep 300 & echo $$ $! > " + pids.string() + "; wait");
  auto r = fence(f, "n1", 500ms);
  EXPECT_EQ(r.status, agents::Status::timed_out);
  EXPECT_TRUE(contains(r.reason, "the command did not finish within 500ms, so its process group was killed (SIGTERM)"))
      << r.reason;
  std::ifstream in{pids};
  pid_t shell_pid = 0;
  pid_t child = 0;
  ASSERT_TRUE(in >> shell_pid >> child);
  EXPECT_TRUE(wha_test::run_until(io, [&] { return !wha_test::alive(shell_pid) && !wha_test::alive(child); }));
}

TEST_F(FencingCommandTest, AMissingProgramFailsAsNotInstalled) {
  auto& f = make({.id = "hook", .program = "/nonexistent/fence-it"});
  auto r = fence(f, "n1");
  EXPECT_EQ(r.status, agents::Status::not_installed);
  EXPECT_TRUE(contains(r.reason, "fencing node n1 with command fencer \"hook\" (/nonexistent/fence-it n1) failed: "
                                 "the command could not be started: No such file or directory"))
      << r.reason;
  const auto empty = fencing::CommandFencer::create(io.get_executor(), {.id = "empty"});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, wholesale_ha::Errc::missing_field);
  EXPECT_EQ(empty.error().message, "command fencer \"empty\": no program given");
}

}  // namespace
