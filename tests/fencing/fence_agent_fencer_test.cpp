// Fencing through the fence-agents protocol with real processes: our simulated power switch
// (tests/data/fence/fence_wha_test) and Debian's fence_dummy.

#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include <wholesale_ha/fencing/fence_agent.hpp>

#include "fence_test_support.hpp"

namespace {

using namespace std::chrono_literals;
namespace agents = wholesale_ha::agents;
namespace fencing = wholesale_ha::fencing;
using wholesale_ha::LogLevel;
using wha_test::contains;

class FenceAgentTest : public ::testing::Test {
 protected:
  FenceAgentTest() {
    power.set("vm-1", "on");
    power.set("vm-2", "on");
  }

  std::shared_ptr<fencing::FenceAgentFencer> fencer(fencing::FenceAgentDevice device) {
    auto r = fencing::FenceAgentFencer::create(io.get_executor(), std::move(device), logger);
    EXPECT_TRUE(r.ok()) << (r.diagnostics().empty() ? "" : r.diagnostics().front().to_string());
    return r.value_or(nullptr);
  }

  fencing::FenceAgentDevice device(fencing::FenceAction action = fencing::FenceAction::off) {
    return {.id = "pdu",
            .agent = wha_test::test_fence_agent().string(),
            .params = {{"ip", "10.0.0.9"}, {"username", "admin"}, {"password", "s3cret=x"}, {"state_dir", power.dir()}},
            .nodes = {{"n1", "vm-1"}, {"n2", "vm-2"}},
            .action = action};
  }

  agents::Outcome fence(fencing::FenceAgentFencer& f, const std::string& node, std::chrono::milliseconds timeout = 30s) {
    return wha_test::wait_for(io, [&](agents::Handler h) { f.fence(node, timeout, std::move(h)); });
  }

  boost::asio::io_context io;
  wha_test::PowerSwitch power;
  std::shared_ptr<wha_test::RecordingSink> sink = std::make_shared<wha_test::RecordingSink>();
  wholesale_ha::Logger logger{sink, LogLevel::debug};
};

TEST_F(FenceAgentTest, OffIsSentOnStdinAndConfirmedByStatus) {
  auto f = fencer(device());
  ASSERT_TRUE(f);
  auto r = fence(*f, "n1");
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(r.reason, "node n1 fenced by fence device \"pdu\" (fence_wha_test): powered off, and status confirms it "
                      "is OFF");
  EXPECT_EQ(power.power("vm-1"), "off");
  EXPECT_EQ(power.power("vm-2"), "on") << "only the fenced node's plug";
  // Exactly what Pacemaker's fencer sends: nothing on the command line, options on stdin.
  const auto requests = power.requests();
  ASSERT_EQ(requests.size(), 2U);
  const std::string options = " ip=10.0.0.9 password=s3cret=x state_dir=" + power.dir() + " username=admin";
  EXPECT_EQ(requests[0], "argc=0 action=off" + options + " plug=vm-1 nodename=n1");
  EXPECT_EQ(requests[1], "argc=0 action=status" + options + " plug=vm-1 nodename=n1");
  EXPECT_TRUE(sink->logged(LogLevel::info, "fencing node n1 with fence device \"pdu\" (fence_wha_test): action off, "
                                           "plug=vm-1"));
  for (const auto& line : sink->lines()) EXPECT_FALSE(contains(line.message, "s3cret")) << "passwords stay out of logs";
}

TEST_F(FenceAgentTest, AnAgentThatClaimsOffWhileThePlugIsOnFails) {
  auto f = fencer(device());
  ASSERT_TRUE(f);
  power.set_mode("lie");
  auto r = fence(*f, "n2");
  EXPECT_EQ(r.status, agents::Status::error_generic);
  EXPECT_EQ(r.reason, "fencing node n2 with fence device \"pdu\" (fence_wha_test) (action off) failed: the agent "
                      "reported it powered off, but status says it is still ON");
  EXPECT_TRUE(sink->logged(LogLevel::error, r.reason));
}

TEST_F(FenceAgentTest, AFailingDeviceIsReportedWithWhatTheAgentSaid) {
  auto f = fencer(device());
  ASSERT_TRUE(f);
  power.set_mode("fail");
  auto r = fence(*f, "n1");
  EXPECT_EQ(r.status, agents::Status::error_generic);
  EXPECT_EQ(r.reason, "fencing node n1 with fence device \"pdu\" (fence_wha_test) (action off) failed: the agent "
                      "exited with status 1: ERROR: Failed: Unable to connect to device 10.0.0.9");
  EXPECT_TRUE(sink->logged(LogLevel::error, r.reason));
  EXPECT_EQ(power.power("vm-1"), "on");
}

TEST_F(FenceAgentTest, AnUnknownPlugFailsWithTheAgentsWords) {
  auto d = device();
  d.nodes["n3"] = "vm-3";  // the switch has no such outlet
  auto f = fencer(d);
  ASSERT_TRUE(f);
  auto r = fence(*f, "n3");
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(contains(r.reason, "fencing node n3 with fence device \"pdu\""));
  EXPECT_TRUE(contains(r.reason, "Unable to obtain correct plug status or plug is not available")) << r.reason;
}

TEST_F(FenceAgentTest, ANodeTheDeviceDoesNotFenceIsRefused) {
  auto f = fencer(device());
  ASSERT_TRUE(f);
  auto r = fence(*f, "n9");
  EXPECT_EQ(r.status, agents::Status::not_configured);
  EXPECT_EQ(r.reason, "fencing node n9 with fence device \"pdu\" (fence_wha_test) (action off) failed: the device "
                      "does not fence this node (it fences n1, n2)");
  EXPECT_TRUE(power.requests().empty());
}

TEST_F(FenceAgentTest, AHungAgentIsKilledWithItsWholeProcessGroup) {
  auto f = fencer(device());
  ASSERT_TRUE(f);
  power.set_mode("hang");
  auto r = fence(*f, "n1", 1s);
  EXPECT_EQ(r.status, agents::Status::timed_out);
  EXPECT_TRUE(contains(r.reason, "fencing node n1 with fence device \"pdu\" (fence_wha_test) (action off) failed: "
                                 "the agent did not finish within 750ms, so its process group was killed (SIGTERM)"))
      << r.reason;
  std::ifstream pids{power.file("hang.pids")};
  pid_t agent = 0;
  pid_t child = 0;
  ASSERT_TRUE(pids >> agent >> child);
  EXPECT_TRUE(wha_test::run_until(io, [&] { return !wha_test::alive(agent) && !wha_test::alive(child); }))
      << "the agent and the child it started are both gone";
}

TEST_F(FenceAgentTest, RebootIsNotVerifiedAndLeavesThePlugOn) {
  auto f = fencer(device(fencing::FenceAction::reboot));
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->verifies());
  auto r = fence(*f, "n1");
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(r.reason, "node n1 fenced by fence device \"pdu\" (fence_wha_test) (action reboot): Success: Rebooted");
  EXPECT_EQ(power.power("vm-1"), "on");
  ASSERT_EQ(power.requests().size(), 1U);
  EXPECT_TRUE(contains(power.requests()[0], "action=reboot"));
}

TEST_F(FenceAgentTest, WithoutAStatusActionTheExitCodeIsTrusted) {
  auto md = fencing::read_fence_agent_metadata(wha_test::test_fence_agent(), 30s);
  ASSERT_TRUE(md) << md.to_string();
  md->actions.erase("status");
  auto created = fencing::FenceAgentFencer::create(io.get_executor(), device(), *md, logger);
  ASSERT_TRUE(created.ok());
  auto r = fence(**created, "n1");
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(r.reason, "node n1 fenced by fence device \"pdu\" (fence_wha_test) (action off): Success: Powered OFF");
  EXPECT_EQ(power.requests().size(), 1U);
}

TEST_F(FenceAgentTest, MonitorAndPowerStatus) {
  auto f = fencer(device());
  ASSERT_TRUE(f);
  auto monitor = wha_test::wait_for(io, [&](agents::Handler h) { f->monitor(30s, std::move(h)); });
  EXPECT_TRUE(monitor.ok()) << monitor.reason;
  EXPECT_TRUE(contains(power.requests().back(), "action=monitor"));
  EXPECT_FALSE(contains(power.requests().back(), "plug=")) << "monitor checks the device, not a plug";

  auto status = [&](const std::string& node) {
    return wha_test::wait_for(io, [&](agents::Handler h) { f->power_status(node, 30s, std::move(h)); });
  };
  EXPECT_EQ(status("n1").status, agents::Status::success);
  power.set("vm-1", "off");
  auto off = status("n1");
  EXPECT_EQ(off.status, agents::Status::not_running);
  EXPECT_EQ(off.reason, "node n1 is OFF (fence device \"pdu\" (fence_wha_test))");
  EXPECT_EQ(status("n9").status, agents::Status::not_configured);

  power.set_mode("fail");
  auto broken = wha_test::wait_for(io, [&](agents::Handler h) { f->monitor(30s, std::move(h)); });
  EXPECT_EQ(broken.status, agents::Status::error_generic);
  EXPECT_EQ(broken.reason, "fence device \"pdu\" (fence_wha_test) does not answer: monitor exited with status 1: "
                           "ERROR: Failed: Unable to connect to device 10.0.0.9");
  EXPECT_TRUE(contains(status("n1").reason, "status of node n1 with fence device \"pdu\" (fence_wha_test) failed: "
                                            "exited with status 1"));
}

// Debian's fence_dummy: a real fence-agents program (Python, fencing.py) with a status file
// as its "power switch".

class FenceAgentDummyTest : public FenceAgentTest {
 protected:
  void SetUp() override {
    if (::access("/usr/sbin/fence_dummy", X_OK) != 0) GTEST_SKIP() << "fence-agents is not installed";
  }

  std::filesystem::path status_file = power.file("dummy.status");
};

TEST_F(FenceAgentDummyTest, RealAgentPowersOffAndStatusConfirms) {
  std::ofstream{status_file} << "on";  // fence_dummy wants the bare word
  auto f = fencer({.id = "dummy", .agent = "fence_dummy", .params = {{"status_file", status_file.string()}},
                   .nodes = {{"n1", ""}}});
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->verifies());
  auto before = wha_test::wait_for(io, [&](agents::Handler h) { f->power_status("n1", 30s, std::move(h)); });
  EXPECT_EQ(before.status, agents::Status::success) << before.reason;
  auto r = fence(*f, "n1");
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(r.reason, "node n1 fenced by fence device \"dummy\" (fence_dummy): powered off, and status confirms it is OFF");
  std::ifstream in{status_file};
  std::string state;
  in >> state;
  EXPECT_EQ(state, "off");
  auto monitor = wha_test::wait_for(io, [&](agents::Handler h) { f->monitor(30s, std::move(h)); });
  EXPECT_TRUE(monitor.ok()) << monitor.reason;
}

TEST_F(FenceAgentDummyTest, RealAgentFailureCarriesItsMessage) {
  // type=fail: fence_dummy cannot find the machine and says so.
  auto f = fencer({.id = "dummy", .agent = "fence_dummy", .params = {{"type", "fail"}, {"power_timeout", "1"}},
                   .nodes = {{"n1", ""}}});
  ASSERT_TRUE(f);
  auto r = fence(*f, "n1");
  EXPECT_EQ(r.status, agents::Status::error_generic);
  EXPECT_TRUE(contains(r.reason, "fencing node n1 with fence device \"dummy\" (fence_dummy) (action off) failed: the "
                                 "agent exited with status 1: "))
      << r.reason;
  EXPECT_TRUE(contains(r.reason, "Failed:")) << r.reason;
}

}  // namespace
