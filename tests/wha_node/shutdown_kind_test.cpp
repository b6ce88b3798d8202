// What SIGTERM means for conditional shutdown policies: the config key, and systemd's job list.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include <unistd.h>

#include "node_config.hpp"
#include "shutdown_kind.hpp"

namespace wha_node {
namespace {

using wholesale_ha::model::ShutdownKind;

TEST(ShutdownKind, QueuedRebootOrKexecTargetIsAReboot) {
  EXPECT_EQ(shutdown_kind_from_jobs("1234 reboot.target start waiting\n"), ShutdownKind::reboot);
  EXPECT_EQ(shutdown_kind_from_jobs("7 wha-node.service stop running\n8 kexec.target start waiting"),
            ShutdownKind::reboot);
}

TEST(ShutdownKind, AnythingElseIsAPowerOff) {
  EXPECT_EQ(shutdown_kind_from_jobs(""), ShutdownKind::poweroff);
  EXPECT_EQ(shutdown_kind_from_jobs("1234 poweroff.target start waiting\n"), ShutdownKind::poweroff);
  EXPECT_EQ(shutdown_kind_from_jobs("9 wha-node.service stop running\n"), ShutdownKind::poweroff);
  // A unit merely named like one is not the target.
  EXPECT_EQ(shutdown_kind_from_jobs("5 my-reboot.target-helper.service start waiting\n"), ShutdownKind::poweroff);
}

TEST(ShutdownKind, ConfigKeyIsCheckedByName) {
  char path[] = "/tmp/wha-node-config-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  std::ofstream{path} << R"({"cluster": "c.json", "socket": "/run/wha.sock", "shutdown_kind": "sometimes"})";
  std::vector<std::string> errors;
  EXPECT_FALSE(load_node_config(path, errors));
  std::remove(path);
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0], R"(/shutdown_kind: expected "auto", "poweroff" or "reboot", got "sometimes")");
}

}  // namespace
}  // namespace wha_node
