// The openvz agent's start, stop and monitor through the vzctl stand-in: the exact command
// lines, the documented exit codes, timeouts, and output it cannot make sense of.

#include <gtest/gtest.h>

#include "fake_vz.hpp"

namespace {

using namespace std::chrono_literals;
namespace agents = wholesale_ha::agents;
namespace model = wholesale_ha::model;
using agents::Status;
using Strings = std::vector<std::string>;

class OpenvzAgent : public ::testing::Test {
 protected:
  std::unique_ptr<agents::Agent> agent(model::Params params, const std::string& node = "n1",
                                       std::optional<agents::OpenvzOptions> options = std::nullopt) {
    return wha_test::make_agent(io, options.value_or(vz.options()), node, std::move(params));
  }

  agents::Outcome start(agents::Agent& a, std::chrono::milliseconds t = 10s) {
    return *wha_test::run_op(io, [&](agents::Handler h) { a.start(t, std::move(h)); });
  }
  agents::Outcome stop(agents::Agent& a, std::chrono::milliseconds t = 10s) {
    return *wha_test::run_op(io, [&](agents::Handler h) { a.stop(t, std::move(h)); });
  }
  agents::Outcome monitor(agents::Agent& a, std::chrono::milliseconds t = 10s) {
    return *wha_test::run_op(io, [&](agents::Handler h) { a.monitor(t, std::move(h)); });
  }

  boost::asio::io_context io;
  wha_test::FakeVz vz;
};

TEST_F(OpenvzAgent, StartStopMonitorRunTheDocumentedCommandLines) {
  vz.create("host-a", "101", false);
  auto a = agent({{"ctid", "101"}});
  EXPECT_TRUE(a->capabilities().live_migratable);

  auto r = monitor(*a);
  EXPECT_EQ(r.status, Status::not_running) << r.reason;
  EXPECT_EQ(r.reason, "CT 101 exist unmounted down");
  r = start(*a);
  EXPECT_EQ(r.status, Status::success) << r.reason;
  EXPECT_TRUE(vz.running("host-a", "101"));
  r = monitor(*a);
  EXPECT_EQ(r.status, Status::success) << r.reason;
  EXPECT_EQ(r.reason, "CT 101 exist mounted running");
  r = start(*a);  // exit 32, "Container is already running"
  EXPECT_EQ(r.status, Status::success) << r.reason;
  EXPECT_EQ(r.reason, "CT 101 was already running");
  r = stop(*a);
  EXPECT_EQ(r.status, Status::success) << r.reason;
  EXPECT_FALSE(vz.running("host-a", "101"));
  r = stop(*a);  // exit 0, "Unable to stop: container is not running"
  EXPECT_EQ(r.status, Status::success) << r.reason;

  EXPECT_EQ(vz.calls("host-a"), (Strings{"vzctl status 101", "vzctl start 101", "vzctl status 101",
                                         "vzctl start 101", "vzctl stop 101", "vzctl stop 101"}));
}

TEST_F(OpenvzAgent, AContainerGivenByNameIsPassedToVzctlAsIs) {
  vz.create("host-a", "101", false, "web");
  auto a = agent({{"ctid", "web"}});
  EXPECT_EQ(start(*a).status, Status::success);
  auto r = monitor(*a);
  EXPECT_EQ(r.status, Status::success) << r.reason;
  EXPECT_EQ(vz.calls("host-a"), (Strings{"vzctl start web", "vzctl status web"}));
}

TEST_F(OpenvzAgent, AContainerThatIsNotOnThisNode) {
  auto by_id = agent({{"ctid", "101"}});
  auto r = monitor(*by_id);  // "CTID 101 deleted unmounted down"
  EXPECT_EQ(r.status, Status::not_running) << r.reason;
  EXPECT_EQ(r.reason, "CT 101 is not on node n1 (deleted unmounted down)");
  r = start(*by_id);  // exit 14
  EXPECT_EQ(r.status, Status::not_installed) << r.reason;
  EXPECT_EQ(r.reason,
            "vzctl start 101: exit 14 (container configuration file not found): Container config file does not exist");
  r = stop(*by_id);
  EXPECT_EQ(r.status, Status::success) << r.reason;
  EXPECT_NE(r.reason.find("is not running on node n1"), std::string::npos) << r.reason;

  auto by_name = agent({{"ctid", "web"}});
  r = monitor(*by_name);  // exit 21, "Bad CT ID web"
  EXPECT_EQ(r.status, Status::not_running) << r.reason;
  r = start(*by_name);
  EXPECT_EQ(r.status, Status::not_installed) << r.reason;
  EXPECT_EQ(r.reason, "vzctl start web: exit 21 (invalid value for command line parameter): Bad CT ID web");
  EXPECT_EQ(stop(*by_name).status, Status::success);
}

TEST_F(OpenvzAgent, AStopThatHangsIsFollowedByAFastStop) {
  vz.create("host-a", "101", true);
  vz.fault("host-a", "101", "stop-hangs");
  auto a = agent({{"ctid", "101"}, {"stop_timeout", "300ms"}});
  auto r = stop(*a);
  EXPECT_EQ(r.status, Status::success) << r.reason;
  EXPECT_EQ(r.reason, "CT 101 stopped by vzctl stop 101 --fast (vzctl stop 101 did not finish in time)");
  EXPECT_FALSE(vz.running("host-a", "101"));
  EXPECT_EQ(vz.calls("host-a"), (Strings{"vzctl stop 101", "vzctl stop 101 --fast"}));
}

TEST_F(OpenvzAgent, AStopThatFailsIsFollowedByAFastStop) {
  vz.create("host-a", "101", true);
  vz.fault("host-a", "101", "stop-fails");
  auto a = agent({{"ctid", "101"}});
  auto r = stop(*a);
  EXPECT_EQ(r.status, Status::success) << r.reason;
  EXPECT_EQ(r.reason,
            "CT 101 stopped by vzctl stop 101 --fast (vzctl stop 101: exit 33 (unable to stop container): Unable to "
            "stop container: operation timed out)");
  EXPECT_EQ(vz.calls("host-a"), (Strings{"vzctl stop 101", "vzctl stop 101 --fast"}));
}

TEST_F(OpenvzAgent, AFailedStartReportsWhatTheManualSaysTheCodeMeans) {
  vz.create("host-a", "101", false);
  vz.fault("host-a", "101", "start-fails");
  auto a = agent({{"ctid", "101"}});
  auto r = start(*a);
  EXPECT_EQ(r.status, Status::error_generic) << r.reason;
  EXPECT_EQ(r.reason,
            "vzctl start 101: exit 79 (container action script returned an error): Container action script returned "
            "an error");
}

TEST_F(OpenvzAgent, AMissingToolIsNotInstalled) {
  auto options = vz.options();
  options.vzctl = (vz.root() / "no-such-vzctl").string();
  auto a = agent({{"ctid", "101"}}, "n1", options);
  auto r = monitor(*a);
  EXPECT_EQ(r.status, Status::not_installed) << r.reason;
  EXPECT_EQ(r.reason.rfind("vzctl status 101: cannot run vzctl (" + options.vzctl + "): ", 0), 0U) << r.reason;
  EXPECT_EQ(start(*a).status, Status::not_installed);
  EXPECT_EQ(stop(*a).status, Status::not_installed);
}

TEST_F(OpenvzAgent, AToolThatDoesNotAnswerIsStoppedAtTheTimeout) {
  vz.create("host-a", "101", true);
  vz.fault("host-a", "101", "status-hangs");
  auto a = agent({{"ctid", "101"}});
  auto r = monitor(*a, 300ms);
  EXPECT_EQ(r.status, Status::timed_out) << r.reason;
  EXPECT_EQ(r.reason, "vzctl status 101: did not finish in time and was stopped");
}

TEST_F(OpenvzAgent, StatusLinesOfOtherVzctlVersionsAndGarbage) {
  vz.create("host-a", "101", true);
  auto a = agent({{"ctid", "101"}});
  auto says = [&](const std::string& line) {
    vz.fault("host-a", "101", "status-says", line);
    return monitor(*a);
  };
  EXPECT_EQ(says("VEID 101 exist mounted running\n").status, Status::success);  // vzctl 3.0
  EXPECT_EQ(says("CTID 101 exist unmounted down suspended\n").status, Status::not_running);
  auto r = says("VEID 101 exist mounted paused\n");  // Virtuozzo 7's vzctl: frozen
  EXPECT_EQ(r.status, Status::error_generic);
  EXPECT_EQ(r.reason, "CT 101 is neither running nor stopped: exist mounted paused");
  r = says("CTID 102 exist mounted running\n");
  EXPECT_EQ(r.status, Status::error_generic);
  EXPECT_EQ(r.reason,
            "vzctl status 101: unexpected output \"CTID 102 exist mounted running\\n\" (expected \"CTID <id> "
            "exist|deleted mounted|unmounted running|down\")");
  r = says("Segmentation fault\nCTID 101 exist mounted running\n");
  EXPECT_EQ(r.status, Status::error_generic);
  EXPECT_NE(r.reason.find("unexpected output \"Segmentation fault\\nCTID 101"), std::string::npos) << r.reason;
  EXPECT_EQ(says("").status, Status::error_generic);
}

}  // namespace
