// Fencing levels tried in order: the first level whose devices all succeed fences the node;
// when none does, the reason carries every level's failure.

#include <thread>

#include <gtest/gtest.h>

#include <wholesale_ha/fencing/command.hpp>
#include <wholesale_ha/fencing/topology.hpp>

#include "fence_test_support.hpp"

namespace {

using namespace std::chrono_literals;
namespace agents = wholesale_ha::agents;
namespace fencing = wholesale_ha::fencing;
using wholesale_ha::LogLevel;
using wha_test::contains;

class FencingTopologyTest : public ::testing::Test {
 protected:
  /// A device answering `result` at once, and counting its calls in `calls[name]`.
  fencing::FencingDevice answering(const std::string& name, agents::Outcome result) {
    auto f = std::make_shared<fencing::CallbackFencer>(
        [this, name, result](const std::string&, std::chrono::milliseconds, agents::Handler done) {
          ++calls[name];
          done(result);
        });
    return {name, f, {}};
  }

  agents::Outcome fence(fencing::TopologyFencer& f, const std::string& node, std::chrono::milliseconds timeout = 30s) {
    return wha_test::wait_for(io, [&](agents::Handler h) { f.fence(node, timeout, std::move(h)); });
  }

  wholesale_ha::Result<std::shared_ptr<fencing::TopologyFencer>> create(fencing::FencingTopology t,
                                                                        std::chrono::milliseconds grace = 2s) {
    return fencing::TopologyFencer::create(io.get_executor(), std::move(t), logger, grace);
  }
  fencing::TopologyFencer& topology(fencing::FencingTopology t, std::chrono::milliseconds grace = 2s) {
    made.push_back(create(std::move(t), grace).value());
    return *made.back();
  }
  std::vector<std::shared_ptr<fencing::TopologyFencer>> made;

  boost::asio::io_context io;
  std::map<std::string, int> calls;
  std::shared_ptr<wha_test::RecordingSink> sink = std::make_shared<wha_test::RecordingSink>();
  wholesale_ha::Logger logger{sink, LogLevel::debug};
};

TEST_F(FencingTopologyTest, TheFirstLevelThatSucceedsFencesTheNode) {
  const agents::Outcome broken{agents::Status::error_generic, "ipmi: connection refused"};
  auto& f = topology({{"n1",
                      {{{answering("ipmi-n1", broken)}},
                       {{answering("pdu-a", {agents::Status::success, "outlet 3 off"}),
                         answering("pdu-b", {agents::Status::success, "outlet 4 off"})}},
                       {{answering("never", {})}}}}});
  auto r = fence(f, "n1");
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(r.reason, "node n1 fenced by level 2 [pdu-a, pdu-b]: pdu-a: outlet 3 off; pdu-b: outlet 4 off (after "
                      "earlier levels failed: level 1 [ipmi-n1]: device ipmi-n1 failed: ipmi: connection refused)");
  EXPECT_EQ(calls, (std::map<std::string, int>{{"ipmi-n1", 1}, {"pdu-a", 1}, {"pdu-b", 1}}));
  EXPECT_TRUE(sink->logged(LogLevel::warn, "fencing node n1: level 1 [ipmi-n1]: device ipmi-n1 failed"));
}

TEST_F(FencingTopologyTest, ALevelFailsWhenAnyOfItsDevicesFails) {
  auto& f = topology({{"n1",
                      {{{answering("pdu-a", {}), answering("pdu-b", {agents::Status::error_generic, "outlet stuck"}),
                         answering("pdu-c", {})}},
                       {{answering("ipmi-n1", {agents::Status::timed_out, "no answer from BMC"})}}}}});
  auto r = fence(f, "n1");
  EXPECT_EQ(r.status, agents::Status::timed_out) << "the last failure's status";
  EXPECT_EQ(r.reason, "fencing node n1 failed at every level (2 tried): level 1 [pdu-a, pdu-b, pdu-c]: device pdu-b "
                      "failed: outlet stuck; level 2 [ipmi-n1]: device ipmi-n1 failed: no answer from BMC");
  EXPECT_EQ(calls.count("pdu-c"), 0U) << "the rest of a failed level is skipped";
  EXPECT_TRUE(sink->logged(LogLevel::error, r.reason));
}

TEST_F(FencingTopologyTest, ADeviceThatNeverAnswersGivesWayToTheNextLevel) {
  auto silent = std::make_shared<fencing::CallbackFencer>(
      [](const std::string&, std::chrono::milliseconds, agents::Handler) { /* never calls back */ });
  auto& f = topology({{"n1", {{{{"silent", silent, 100ms}}}, {{answering("pdu", {})}}}}}, 100ms);
  auto r = fence(f, "n1");
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_TRUE(contains(r.reason, "level 1 [silent]: device silent failed: did not answer within 100ms")) << r.reason;
}

TEST_F(FencingTopologyTest, AnswersFromOtherThreadsAreHandledOnTheExecutor) {
  std::vector<std::thread> threads;
  auto elsewhere = std::make_shared<fencing::CallbackFencer>(
      [&threads](const std::string& node, std::chrono::milliseconds, agents::Handler done) {
        threads.emplace_back([node, done] { done({agents::Status::success, node + " is off"}); });
      });
  auto& f = topology({{"n1", {{{{"remote", elsewhere, {}}}}}}});
  const auto loop = std::this_thread::get_id();
  std::optional<std::thread::id> answered_on;
  std::optional<agents::Outcome> result;
  f.fence("n1", 30s, [&](agents::Outcome r) {
    answered_on = std::this_thread::get_id();
    result = std::move(r);
  });
  ASSERT_TRUE(wha_test::run_until(io, [&] { return result.has_value(); }));
  for (auto& t : threads) t.join();
  EXPECT_TRUE(result->ok());
  EXPECT_EQ(answered_on, loop);
}

TEST_F(FencingTopologyTest, RealCommandsAsLevels) {
  fencing::FencingDevice failing{"fail-cmd", fencing::CommandFencer::create(
      io.get_executor(), fencing::CommandFencerOptions{.id = "fail-cmd", .program = "/bin/sh",
                                                        .args = {"-c", "echo no route to $1 >&2; exit 1", "x", "{node}"}},
      logger).value()};
  fencing::FencingDevice working{"ok-cmd", fencing::CommandFencer::create(
      io.get_executor(), fencing::CommandFencerOptions{.id = "ok-cmd", .program = "/bin/true"}, logger).value()};
  auto& f = topology({{"n1", {{{failing}}, {{working}}}}, {"n2", {{{failing}}}}});
  auto ok = fence(f, "n1");
  ASSERT_TRUE(ok.ok()) << ok.reason;
  EXPECT_TRUE(contains(ok.reason, "node n1 fenced by level 2 [ok-cmd]")) << ok.reason;
  auto failed = fence(f, "n2");
  EXPECT_FALSE(failed.ok());
  EXPECT_TRUE(contains(failed.reason, "fencing node n2 failed at every level (1 tried): level 1 [fail-cmd]: device "
                                      "fail-cmd failed: fencing node n2 with command fencer \"fail-cmd\""))
      << failed.reason;
  EXPECT_TRUE(contains(failed.reason, "the command exited with status 1: no route to n2")) << failed.reason;
}

TEST_F(FencingTopologyTest, NodesWithoutLevelsAndInvalidTopologies) {
  auto& f = topology({{"n1", {{{answering("pdu", {})}}}}});
  auto r = fence(f, "n7");
  EXPECT_EQ(r.status, agents::Status::not_configured);
  EXPECT_EQ(r.reason, "fencing node n7 failed: the fencing topology has no level for it (it has levels for n1)");
  auto refused = [&](fencing::FencingTopology t) {
    auto created = create(std::move(t));
    return created ? std::string{"accepted"} : created.error().pointer + ": " + created.error().message;
  };
  EXPECT_EQ(refused({{"n1", {}}}), "/n1: fencing topology: node n1 has no level");
  EXPECT_EQ(refused({{"n1", {{}}}}), "/n1/0: fencing topology: level 1 of node n1 has no device");
  EXPECT_EQ(refused({{"n1", {{{{"", nullptr, {}}}}}}}),
            "/n1/0: fencing topology: level 1 of node n1 has a device without a name or fencer");
}

}  // namespace
