// A fence device is checked against its agent's metadata before it can fence anything: every
// problem is reported at once, naming the device and the parameter or node.

#include <unistd.h>

#include <gtest/gtest.h>

#include <wholesale_ha/fencing/fence_agent.hpp>

#include "fence_test_support.hpp"

namespace {

using namespace std::chrono_literals;
namespace fencing = wholesale_ha::fencing;
namespace model = wholesale_ha::model;
using Severity = wholesale_ha::Diagnostic::Severity;

class FenceAgentCheckTest : public ::testing::Test {
 protected:
  wholesale_ha::Result<std::shared_ptr<fencing::FenceAgentFencer>> create(fencing::FenceAgentDevice device) {
    return fencing::FenceAgentFencer::create(io.get_executor(), std::move(device), wholesale_ha::Logger{nullptr});
  }

  fencing::FenceAgentDevice test_device() {
    return {.id = "pdu",
            .agent = wha_test::test_fence_agent().string(),
            .params = {{"ip", "10.0.0.9"}, {"state_dir", "/nonexistent"}},
            .nodes = {{"n1", "1"}, {"n2", "2"}}};
  }

  /// Every diagnostic as "pointer: message", for readable failures.
  static std::vector<std::string> texts(const wholesale_ha::Result<std::shared_ptr<fencing::FenceAgentFencer>>& r,
                                        Severity severity) {
    std::vector<std::string> out;
    for (const auto& d : r.diagnostics()) {
      if (d.severity == severity) out.push_back(d.to_string());
    }
    return out;
  }

  static bool mentions(const std::vector<std::string>& texts, const std::string& part) {
    for (const auto& t : texts) {
      if (wha_test::contains(t, part)) return true;
    }
    return false;
  }

  boost::asio::io_context io;
};

TEST_F(FenceAgentCheckTest, AValidDeviceIsAccepted) {
  auto r = create(test_device());
  ASSERT_TRUE(r.ok()) << ::testing::PrintToString(texts(r, Severity::error));
  EXPECT_TRUE(r.diagnostics().empty());
  EXPECT_EQ((*r)->plug_parameter(), "plug");
  EXPECT_TRUE((*r)->verifies());
  EXPECT_EQ((*r)->metadata().name, "fence_wha_test");
}

TEST_F(FenceAgentCheckTest, EveryProblemIsReportedWithItsParameterAndDevice) {
  auto device = test_device();
  device.params = {{"ipaddres", "10.0.0.9"},      // typo, and so ip is missing
                   {"action", "reboot"},          // set by the fencer
                   {"port", "7"},                 // plugs come from nodes
                   {"password", "a\nplug=9"},     // would inject a line
                   {"pcmk_host_map", "n1:1"}};    // Pacemaker's, not the agent's
  device.nodes = {{"n1", "1"}, {"n2", ""}};
  auto r = create(device);
  ASSERT_FALSE(r.ok());
  const auto errors = texts(r, Severity::error);
  EXPECT_TRUE(mentions(errors, "/params/ipaddres: fence device \"pdu\" (fence_wha_test): unknown parameter "
                               "\"ipaddres\"; did you mean \"ipaddr\"?"))
      << ::testing::PrintToString(errors);
  EXPECT_TRUE(mentions(errors, "/params/action: fence device \"pdu\" (fence_wha_test): parameter \"action\" may not "
                               "be configured"));
  EXPECT_TRUE(mentions(errors, "/params/port: fence device \"pdu\" (fence_wha_test): parameter \"port\" may not be "
                               "configured: plugs come from the device's nodes"));
  EXPECT_TRUE(mentions(errors, "/params/password: fence device \"pdu\" (fence_wha_test): the value of \"password\" "
                               "contains a line break"));
  EXPECT_TRUE(mentions(errors, "/params/pcmk_host_map: fence device \"pdu\" (fence_wha_test): unknown parameter "
                               "\"pcmk_host_map\"; Pacemaker's pcmk_* options are not agent parameters"));
  EXPECT_TRUE(mentions(errors, "/params: fence device \"pdu\" (fence_wha_test): missing required parameter \"ip\" "
                               "(IP address or hostname of fencing device)"));
  EXPECT_TRUE(mentions(errors, "missing required parameter \"state_dir\""));
  EXPECT_TRUE(mentions(errors, "/nodes/n2: fence device \"pdu\" (fence_wha_test): the agent requires parameter "
                               "\"plug\", but node n2 has no plug"));
  EXPECT_FALSE(mentions(errors, "missing required parameter \"ipaddr\"")) << "ip's old name: reported once, as ip";
  EXPECT_EQ(errors.size(), 8U) << ::testing::PrintToString(errors);
}

TEST_F(FenceAgentCheckTest, OldNamesSatisfyRequirementsWithAWarning) {
  auto device = test_device();
  device.params = {{"ipaddr", "10.0.0.9"}, {"login", "admin"}, {"state_dir", "/nonexistent"}};
  auto r = create(device);
  ASSERT_TRUE(r.ok()) << ::testing::PrintToString(texts(r, Severity::error));
  const auto warnings = texts(r, Severity::warning);
  EXPECT_TRUE(mentions(warnings, "/params/ipaddr: fence device \"pdu\" (fence_wha_test): parameter \"ipaddr\" is "
                                 "deprecated, use \"ip\""))
      << ::testing::PrintToString(warnings);
  EXPECT_TRUE(mentions(warnings, "parameter \"login\" is deprecated, use \"username\""));
}

TEST_F(FenceAgentCheckTest, ADeviceMustFenceSomeNodeAndHaveAnId) {
  auto device = test_device();
  device.id.clear();
  device.nodes.clear();
  const auto errors = texts(create(device), Severity::error);
  EXPECT_TRUE(mentions(errors, "/id: a fence device needs an id")) << ::testing::PrintToString(errors);
  EXPECT_TRUE(mentions(errors, "/nodes: fence device \"\" (fence_wha_test): the device fences no node"));
}

TEST_F(FenceAgentCheckTest, AMissingAgentIsReportedAsNotInstalled) {
  auto device = test_device();
  device.agent = "fence_no_such_agent";
  const auto errors = texts(create(device), Severity::error);
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0], "/agent: fence device \"pdu\" (fence_no_such_agent): fence agent fence_no_such_agent is not "
                       "installed (/usr/sbin/fence_no_such_agent is missing or not executable; Debian ships the "
                       "agents in the fence-agents package)");
}

TEST_F(FenceAgentCheckTest, AnAgentWithoutStatusCannotVerifyAndSaysSo) {
  auto md = fencing::read_fence_agent_metadata(wha_test::test_fence_agent(), 30s);
  ASSERT_TRUE(md) << md.to_string();
  md->actions.erase("status");
  auto r = fencing::FenceAgentFencer::create(io.get_executor(), test_device(), *md, wholesale_ha::Logger{nullptr});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE((*r)->verifies());
  EXPECT_TRUE(mentions(texts(r, Severity::warning), "/verify: fence device \"pdu\" (fence_wha_test): the agent has "
                                                    "no status action, so off cannot be confirmed"));
  md->actions.erase("off");
  const auto errors = texts(fencing::FenceAgentFencer::create(io.get_executor(), test_device(), *md), Severity::error);
  EXPECT_TRUE(mentions(errors, "/action: fence device \"pdu\" (fence_wha_test): the agent has no \"off\" action (it "
                               "has: list, metadata, monitor, on, reboot)"))
      << ::testing::PrintToString(errors);
}

// Devices for real agents, checked against the metadata those agents print.

TEST_F(FenceAgentCheckTest, RealIpmiDeviceForOneNode) {
  if (::access("/usr/sbin/fence_ipmilan", X_OK) != 0) GTEST_SKIP() << "fence-agents is not installed";
  auto r = create({.id = "ipmi-n1",
                   .agent = "fence_ipmilan",
                   .params = {{"ip", "10.0.0.11"}, {"username", "admin"}, {"password", "secret"}, {"lanplus", "1"}},
                   .nodes = {{"n1", ""}}});
  ASSERT_TRUE(r.ok()) << ::testing::PrintToString(texts(r, Severity::error));
  EXPECT_EQ((*r)->plug_parameter(), "plug");
  EXPECT_TRUE((*r)->verifies());
  EXPECT_EQ((*r)->device().action, fencing::FenceAction::off);
}

TEST_F(FenceAgentCheckTest, RealVirshDeviceWithMistakes) {
  if (::access("/usr/sbin/fence_virsh", X_OK) != 0) GTEST_SKIP() << "fence-agents is not installed";
  auto r = create({.id = "virsh",
                   .agent = "fence_virsh",
                   .params = {{"username", "root"}, {"pasword", "x"}, {"identity_file", "/root/.ssh/id_ed25519"}},
                   .nodes = {{"n1", "guest-1"}, {"n2", ""}}});
  const auto errors = texts(r, Severity::error);
  EXPECT_TRUE(mentions(errors, "/params/pasword: fence device \"virsh\" (fence_virsh): unknown parameter \"pasword\"; "
                               "did you mean \"password\"?"))
      << ::testing::PrintToString(errors);
  EXPECT_TRUE(mentions(errors, "missing required parameter \"ip\" (IP address or hostname of fencing device)"));
  EXPECT_TRUE(mentions(errors, "/nodes/n2: fence device \"virsh\" (fence_virsh): the agent requires parameter "
                               "\"plug\", but node n2 has no plug"));
  EXPECT_EQ(errors.size(), 3U) << ::testing::PrintToString(errors);
}

TEST_F(FenceAgentCheckTest, RealXvmAndKdumpDevices) {
  if (::access("/usr/sbin/fence_xvm", X_OK) == 0) {
    auto r = create({.id = "xvm", .agent = "fence_xvm", .params = {{"key_file", "/etc/cluster/fence_xvm.key"}},
                     .nodes = {{"n1", "guest-1"}}});
    ASSERT_TRUE(r.ok()) << ::testing::PrintToString(texts(r, Severity::error));
    EXPECT_TRUE((*r)->verifies());
  }
  if (::access("/usr/sbin/fence_kdump", X_OK) == 0) {
    // fence_kdump has no status action: off is trusted, with a warning; it takes no plug.
    auto r = create({.id = "kdump", .agent = "fence_kdump", .nodes = {{"n1", ""}}});
    ASSERT_TRUE(r.ok()) << ::testing::PrintToString(texts(r, Severity::error));
    EXPECT_FALSE((*r)->verifies());
    EXPECT_EQ((*r)->plug_parameter(), "");
    auto mapped = create({.id = "kdump", .agent = "fence_kdump", .nodes = {{"n1", "10.0.0.1"}}});
    EXPECT_TRUE(mentions(texts(mapped, Severity::error), "the agent takes no plug or port parameter, so node n1 "
                                                         "cannot be mapped to plug \"10.0.0.1\""));
  }
}

}  // namespace
