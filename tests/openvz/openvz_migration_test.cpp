// Moving a container between two "nodes" (two stand-in state directories): vzmigrate on the
// source, a confirming status on the target; and vzctl chkpnt/restore through shared storage.

#include <gtest/gtest.h>

#include "fake_vz.hpp"

namespace {

using namespace std::chrono_literals;
namespace agents = wholesale_ha::agents;
namespace model = wholesale_ha::model;
using agents::Status;
using Strings = std::vector<std::string>;

class OpenvzMigration : public ::testing::Test {
 protected:
  std::unique_ptr<agents::Agent> agent(const std::string& node, model::Params params) {
    return wha_test::make_agent(io, vz.options(), node, std::move(params));
  }
  agents::Outcome migrate_to(agents::Agent& a, const std::string& target) {
    return *wha_test::run_op(io, [&](agents::Handler h) { a.migrate_to(target, 10s, std::move(h)); });
  }
  agents::Outcome migrate_from(agents::Agent& a, const std::string& source) {
    return *wha_test::run_op(io, [&](agents::Handler h) { a.migrate_from(source, 10s, std::move(h)); });
  }
  agents::Outcome monitor(agents::Agent& a) {
    return *wha_test::run_op(io, [&](agents::Handler h) { a.monitor(10s, std::move(h)); });
  }

  boost::asio::io_context io;
  wha_test::FakeVz vz;
};

TEST_F(OpenvzMigration, LiveMigrationMovesTheContainerToTheOtherNode) {
  vz.create("host-a", "101", true);
  auto source = agent("n1", {{"ctid", "101"}});
  auto target = agent("n2", {{"ctid", "101"}});

  auto r = migrate_to(*source, "n2");
  EXPECT_EQ(r.status, Status::success) << r.reason;
  EXPECT_EQ(r.reason, "CT 101 live-migrated to n2 (host-b)");
  r = migrate_from(*target, "n1");
  EXPECT_EQ(r.status, Status::success) << r.reason;
  EXPECT_EQ(r.reason, "CT 101 runs on n2 after migration from n1");

  EXPECT_FALSE(vz.exists("host-a", "101"));
  EXPECT_TRUE(vz.running("host-b", "101"));
  EXPECT_EQ(monitor(*source).status, Status::not_running);
  EXPECT_EQ(monitor(*target).status, Status::success);
  EXPECT_EQ(vz.calls("host-a"), (Strings{"vzmigrate --online host-b 101", "vzctl status 101"}));
  EXPECT_EQ(vz.calls("host-b"), (Strings{"vzctl status 101", "vzctl status 101"}));
}

TEST_F(OpenvzMigration, OfflineMigrationAndATargetAddressParameter) {
  vz.create("host-a", "101", true, "web");
  std::filesystem::create_directories(vz.host("10.0.0.2"));
  const model::Params params{{"ctid", "web"}, {"migrate_online", "false"}, {"target_address.n2", "10.0.0.2"}};
  auto source = agent("n1", params);
  auto r = migrate_to(*source, "n2");
  EXPECT_EQ(r.status, Status::success) << r.reason;
  EXPECT_EQ(r.reason, "CT web stopped, moved to n2 (10.0.0.2) and started again");
  EXPECT_EQ(vz.calls("host-a"), (Strings{"vzmigrate 10.0.0.2 web"}));
  EXPECT_TRUE(vz.running("10.0.0.2", "101"));
}

TEST_F(OpenvzMigration, AFailedMigrationLeavesTheContainerRunningOnTheSource) {
  vz.create("host-a", "101", true);
  vz.fault("host-a", "101", "migrate-fails");
  auto source = agent("n1", {{"ctid", "101"}});
  auto target = agent("n2", {{"ctid", "101"}});
  auto r = migrate_to(*source, "n2");
  EXPECT_EQ(r.status, Status::error_generic);
  EXPECT_EQ(r.reason,
            "vzmigrate --online host-b 101: exit 7 (cannot start or restore the container on the destination): "
            "Error: Failed to undump container");
  EXPECT_EQ(monitor(*source).status, Status::success);
  r = migrate_from(*target, "n1");
  EXPECT_EQ(r.status, Status::error_generic);
  EXPECT_EQ(r.reason, "CT 101 is not running on n2 after migration from n1 (deleted unmounted down)");
}

TEST_F(OpenvzMigration, VzmigrateRefusals) {
  vz.create("host-a", "101", true);
  vz.create("host-a", "102", false);
  vz.create("host-b", "103", false);
  vz.create("host-a", "103", true);
  auto r = migrate_to(*agent("n1", {{"ctid", "101"}, {"target_address.n3", "host-c"}}), "n3");
  EXPECT_EQ(r.reason,
            "vzmigrate --online host-c 101: exit 4 (cannot connect to the destination node): Error: Please put your "
            "public key to destination node");
  r = migrate_to(*agent("n1", {{"ctid", "102"}}), "n2");
  EXPECT_EQ(r.reason,
            "vzmigrate --online host-b 102: exit 2 (container is stopped): Error: Can't perform live migration of a "
            "stopped container");
  r = migrate_to(*agent("n1", {{"ctid", "103"}}), "n2");
  EXPECT_EQ(r.reason,
            "vzmigrate --online host-b 103: exit 9 (container already exists on the destination): Error: CT #103 "
            "already exists on destination node");
  r = migrate_to(*agent("n1", {{"ctid", "104"}}), "n2");
  EXPECT_EQ(r.reason,
            "vzmigrate --online host-b 104: exit 10 (container does not exist on the source): Error: CT #104 doesn't "
            "exist");
  EXPECT_TRUE(vz.running("host-a", "101"));
}

TEST_F(OpenvzMigration, CheckpointMigrationThroughSharedStorage) {
  // Shared storage: both nodes have the container; it runs on one.
  vz.create("host-a", "101", true);
  vz.create("host-b", "101", false);
  const auto dumps = (vz.root() / "shared" / "dumps").string();
  const model::Params params{{"ctid", "101"}, {"migration", "checkpoint"}, {"chkpnt_dir", dumps}};
  auto source = agent("n1", params);
  auto target = agent("n2", params);
  EXPECT_TRUE(source->capabilities().checkpointable);

  auto r = migrate_to(*source, "n2");
  EXPECT_EQ(r.status, Status::success) << r.reason;
  EXPECT_EQ(r.reason, "CT 101 checkpointed into " + dumps + "/Dump.101");
  EXPECT_FALSE(vz.running("host-a", "101"));
  r = migrate_from(*target, "n1");
  EXPECT_EQ(r.status, Status::success) << r.reason;
  EXPECT_TRUE(vz.running("host-b", "101"));
  EXPECT_FALSE(std::filesystem::exists(dumps + "/Dump.101")) << "a restored dump is removed";
  EXPECT_EQ(vz.calls("host-a"), (Strings{"vzctl chkpnt 101 --dumpfile " + dumps + "/Dump.101"}));
  EXPECT_EQ(vz.calls("host-b"), (Strings{"vzctl restore 101 --dumpfile " + dumps + "/Dump.101"}));

  // Without a dump (the checkpoint failed) nothing is restored.
  r = migrate_from(*source, "n2");
  EXPECT_EQ(r.status, Status::error_generic);
  EXPECT_EQ(r.reason, "no dump " + dumps + "/Dump.101 from n2: the checkpoint did not complete");
  r = migrate_to(*source, "n2");  // not running there any more: exit 31
  EXPECT_EQ(r.status, Status::error_generic);
  EXPECT_EQ(r.reason,
            "vzctl chkpnt 101 --dumpfile " + dumps +
                "/Dump.101: exit 31 (container not running): Unable to setup checkpoint: container is not running");
}

}  // namespace
