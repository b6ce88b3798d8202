// The virtuozzo flavour through the prlctl stand-in: prlctl documents no exit codes beyond
// zero and non-zero, so the agent asks `prlctl status` before starting or stopping.

#include <gtest/gtest.h>

#include "fake_vz.hpp"

namespace {

using namespace std::chrono_literals;
namespace agents = wholesale_ha::agents;
namespace model = wholesale_ha::model;
using agents::Status;
using Strings = std::vector<std::string>;

class OpenvzVirtuozzo : public ::testing::Test {
 protected:
  std::unique_ptr<agents::Agent> agent(const std::string& node, model::Params params) {
    return wha_test::make_agent(io, vz.options(agents::OpenvzFlavour::virtuozzo), node, std::move(params));
  }
  agents::Outcome call(const std::function<void(agents::Handler)>& op) { return *wha_test::run_op(io, op); }

  boost::asio::io_context io;
  wha_test::FakeVz vz;
};

TEST_F(OpenvzVirtuozzo, LifecycleWithPrlctl) {
  vz.create("host-a", "101", false);
  auto a = agent("n1", {{"ctid", "101"}});
  auto r = call([&](agents::Handler h) { a->monitor(10s, std::move(h)); });
  EXPECT_EQ(r.status, Status::not_running) << r.reason;
  EXPECT_EQ(r.reason, "CT 101 exist stopped");
  r = call([&](agents::Handler h) { a->start(10s, std::move(h)); });
  EXPECT_EQ(r.status, Status::success) << r.reason;
  r = call([&](agents::Handler h) { a->start(10s, std::move(h)); });
  EXPECT_EQ(r.reason, "CT 101 was already running");
  r = call([&](agents::Handler h) { a->stop(10s, std::move(h)); });
  EXPECT_EQ(r.status, Status::success) << r.reason;
  r = call([&](agents::Handler h) { a->stop(10s, std::move(h)); });
  EXPECT_EQ(r.status, Status::success) << r.reason;
  EXPECT_EQ(vz.calls("host-a"), (Strings{"prlctl status 101", "prlctl status 101", "prlctl start 101",
                                         "prlctl status 101", "prlctl status 101", "prlctl stop 101",
                                         "prlctl status 101"}));
}

TEST_F(OpenvzVirtuozzo, AContainerNotOnThisNode) {
  auto a = agent("n1", {{"ctid", "101"}});
  auto r = call([&](agents::Handler h) { a->monitor(10s, std::move(h)); });
  EXPECT_EQ(r.status, Status::not_running) << r.reason;
  EXPECT_EQ(r.reason, "CT 101 is not on node n1 (deleted)");
  r = call([&](agents::Handler h) { a->start(10s, std::move(h)); });
  EXPECT_EQ(r.status, Status::not_installed) << r.reason;
  r = call([&](agents::Handler h) { a->stop(10s, std::move(h)); });
  EXPECT_EQ(r.status, Status::success) << r.reason;
  EXPECT_EQ(vz.calls("host-a"), (Strings{"prlctl status 101", "prlctl status 101", "prlctl status 101"}));
}

TEST_F(OpenvzVirtuozzo, AHangingStopIsFollowedByKill) {
  vz.create("host-a", "101", true);
  vz.fault("host-a", "101", "stop-hangs");
  auto a = agent("n1", {{"ctid", "101"}, {"stop_timeout", "300ms"}});
  auto r = call([&](agents::Handler h) { a->stop(10s, std::move(h)); });
  EXPECT_EQ(r.status, Status::success) << r.reason;
  EXPECT_EQ(r.reason, "CT 101 stopped by prlctl stop 101 --kill (prlctl stop 101 did not finish in time)");
  EXPECT_EQ(vz.calls("host-a"), (Strings{"prlctl status 101", "prlctl stop 101", "prlctl stop 101 --kill"}));
}

TEST_F(OpenvzVirtuozzo, UnexpectedStatusOutputIsAClearError) {
  vz.create("host-a", "101", true);
  vz.fault("host-a", "101", "status-says", "Unable to connect to Virtuozzo\n");
  auto a = agent("n1", {{"ctid", "101"}});
  auto r = call([&](agents::Handler h) { a->monitor(10s, std::move(h)); });
  EXPECT_EQ(r.status, Status::error_generic);
  EXPECT_EQ(r.reason,
            "prlctl status 101: unexpected output \"Unable to connect to Virtuozzo\\n\" (expected \"CT <id> exist "
            "<state>\")");
  vz.fault("host-a", "101", "status-says", "CT 101 exist migrating\n");
  r = call([&](agents::Handler h) { a->monitor(10s, std::move(h)); });
  EXPECT_EQ(r.reason, "CT 101 is neither running nor stopped: exist migrating");
}

TEST_F(OpenvzVirtuozzo, MigrationWithPrlctl) {
  vz.create("host-a", "101", true);
  auto source = agent("n1", {{"ctid", "101"}});
  auto target = agent("n2", {{"ctid", "101"}});
  auto r = call([&](agents::Handler h) { source->migrate_to("n2", 10s, std::move(h)); });
  EXPECT_EQ(r.status, Status::success) << r.reason;
  r = call([&](agents::Handler h) { target->migrate_from("n1", 10s, std::move(h)); });
  EXPECT_EQ(r.status, Status::success) << r.reason;
  EXPECT_TRUE(vz.running("host-b", "101"));
  EXPECT_EQ(vz.calls("host-a"), (Strings{"prlctl migrate 101 host-b"}));
  EXPECT_EQ(vz.calls("host-b"), (Strings{"prlctl status 101"}));
}

TEST_F(OpenvzVirtuozzo, OfflineMigrationStopsMovesAndStartsAgain) {
  vz.create("host-a", "101", true);
  auto source = agent("n1", {{"ctid", "101"}, {"migrate_online", "false"}});
  auto target = agent("n2", {{"ctid", "101"}, {"migrate_online", "false"}});
  auto r = call([&](agents::Handler h) { source->migrate_to("n2", 10s, std::move(h)); });
  EXPECT_EQ(r.status, Status::success) << r.reason;
  EXPECT_FALSE(vz.running("host-b", "101"));
  r = call([&](agents::Handler h) { target->migrate_from("n1", 10s, std::move(h)); });
  EXPECT_EQ(r.status, Status::success) << r.reason;
  EXPECT_TRUE(vz.running("host-b", "101"));
  EXPECT_EQ(vz.calls("host-a"), (Strings{"prlctl status 101", "prlctl stop 101", "prlctl migrate 101 host-b"}));
  EXPECT_EQ(vz.calls("host-b"), (Strings{"prlctl status 101", "prlctl status 101", "prlctl start 101"}));
}

}  // namespace
