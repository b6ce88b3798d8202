// Reading fence agents' metadata: our test agent, and the real agents Debian ships in
// fence-agents and fence-virt (C and Python agents, with deprecated/obsoleted names).

#include <unistd.h>

#include <gtest/gtest.h>

#include <wholesale_ha/fencing/fence_agent.hpp>

#include "fence_test_support.hpp"

namespace {

using namespace std::chrono_literals;
namespace fencing = wholesale_ha::fencing;

wholesale_ha::Result<fencing::FenceAgentMetadata> read(const std::filesystem::path& program) {
  return fencing::read_fence_agent_metadata(program, 30s);
}

/// The one error of a failed parse: "code: message".
template <class T>
std::string error_of(const wholesale_ha::Result<T>& r) {
  if (r) return "(no error)";
  return std::string{wholesale_ha::to_string(r.error().code)} + ": " + r.error().message;
}

TEST(FenceAgentMetadataTest, ReadsTheTestAgent) {
  auto md = read(wha_test::test_fence_agent());
  ASSERT_TRUE(md) << md.to_string();
  EXPECT_EQ(md->name, "fence_wha_test");
  EXPECT_EQ(md->description, "Simulated power switch for the wholesale_ha tests");
  const auto* plug = md->parameter("plug");
  ASSERT_NE(plug, nullptr);
  EXPECT_TRUE(plug->required);
  EXPECT_EQ(plug->obsoletes, "port");
  EXPECT_EQ(plug->description, "Physical plug number on device");
  const auto* port = md->parameter("port");
  ASSERT_NE(port, nullptr);
  EXPECT_TRUE(port->deprecated);
  EXPECT_EQ(md->parameter("mode")->default_value, "normal");
  EXPECT_EQ(md->parameter("verbose")->type, "boolean");
  EXPECT_EQ(md->parameter("nope"), nullptr);
  EXPECT_TRUE(md->supports("off"));
  EXPECT_TRUE(md->supports("status"));
  EXPECT_FALSE(md->supports("diag"));
}

TEST(FenceAgentMetadataTest, RejectsWhatIsNotMetadata) {
  const auto usage = error_of(fencing::parse_fence_agent_metadata("usage: fence_foo [options]"));
  EXPECT_TRUE(usage.starts_with("syntax: metadata is not valid XML")) << usage;
  EXPECT_EQ(error_of(fencing::parse_fence_agent_metadata("<?xml version=\"1.0\"?><html/>")),
            "missing-field: metadata has no <resource-agent> element");
  EXPECT_EQ(error_of(fencing::parse_fence_agent_metadata("<resource-agent name=\"x\"/>")),
            "invalid-value: metadata declares no parameters and no actions");
  // A program that fails its metadata action (fence_ack_manual wants a node on the command line).
  const auto failing = error_of(read("/bin/false"));
  EXPECT_TRUE(wha_test::contains(failing, "failed: /bin/false: action=metadata failed: exited with status 1")) << failing;
}

// 100,000 nested elements would overflow the stack of PropertyTree's recursive parser; the
// metadata is refused with the limit named. Nesting within the limit still parses.
TEST(FenceAgentMetadataTest, RefusesDeepNestingBeforeParsing) {
  std::string deep = "<resource-agent name=\"deep\"><parameters>";
  for (int i = 0; i < 100000; ++i) deep += "<p>";
  for (int i = 0; i < 100000; ++i) deep += "</p>";
  deep += "</parameters></resource-agent>";
  EXPECT_EQ(error_of(fencing::parse_fence_agent_metadata(deep)),
            "too-large: metadata refused: elements are nested more than 128 deep (the limit) at line 1, column 419");
  std::string shallow = "<resource-agent name=\"ok\"><!-- <a><a><a> --><actions><action name=\"off\"/>";
  for (int i = 0; i < 100; ++i) shallow += "<x a=\"/>\">";
  for (int i = 0; i < 100; ++i) shallow += "</x>";
  shallow += "</actions></resource-agent>";
  EXPECT_TRUE(fencing::parse_fence_agent_metadata(shallow)) << error_of(fencing::parse_fence_agent_metadata(shallow));
}

/// What each real agent must show: a parameter, whether it is required, and an action.
struct RealAgent {
  const char* agent;
  const char* parameter;
  bool required;
  const char* action;
};

TEST(FenceAgentMetadataTest, ParsesTheRealAgentsMetadata) {
  const RealAgent agents[] = {
      {"fence_ipmilan", "lanplus", false, "off"},  {"fence_ipmilan", "username", false, "status"},
      {"fence_virsh", "plug", true, "off"},        {"fence_virsh", "ip", true, "status"},
      {"fence_xvm", "plug", true, "off"},          {"fence_xvm", "key_file", false, "status"},
      {"fence_redfish", "systems_uri", false, "off"}, {"fence_apc", "switch", false, "reboot"},
      {"fence_dummy", "status_file", false, "off"}, {"fence_scsi", "devices", false, "off"},
      {"fence_sbd", "devices", true, "reboot"},     {"fence_kdump", "nodename", false, "off"},
  };
  int parsed = 0;
  for (const auto& a : agents) {
    const std::filesystem::path program = std::string{"/usr/sbin/"} + a.agent;
    if (::access(program.c_str(), X_OK) != 0) continue;  // scripts/dev installs them; tolerate a bare machine
    auto md = read(program);
    ASSERT_TRUE(md) << a.agent << ": " << md.to_string();
    const auto* p = md->parameter(a.parameter);
    ASSERT_NE(p, nullptr) << a.agent << " has no parameter " << a.parameter;
    EXPECT_EQ(p->required, a.required) << a.agent << " " << a.parameter;
    EXPECT_TRUE(md->supports(a.action)) << a.agent << " " << a.action;
    EXPECT_TRUE(md->supports("metadata")) << a.agent;
    ++parsed;
  }
  if (parsed == 0) GTEST_SKIP() << "no fence agents installed (apt-get install fence-agents fence-virt)";
}

TEST(FenceAgentMetadataTest, RealAgentsNameTheirDeprecatedParameters) {
  if (::access("/usr/sbin/fence_virsh", X_OK) != 0) GTEST_SKIP() << "fence-agents is not installed";
  auto md = read("/usr/sbin/fence_virsh");
  ASSERT_TRUE(md) << md.to_string();
  EXPECT_EQ(md->parameter("ip")->obsoletes, "ipaddr");
  EXPECT_TRUE(md->parameter("ipaddr")->deprecated);
  EXPECT_EQ(md->parameter("username")->obsoletes, "login");
  EXPECT_EQ(md->parameter("ipport")->default_value, "22");
  EXPECT_EQ(md->parameter("ipport")->type, "integer");
  EXPECT_FALSE(md->supports("diag"));
}

TEST(FenceAgentMetadataTest, ParsesPacemakerHostMaps) {
  auto map = fencing::parse_host_map("n1:vm-1;n2:vm-2, n3=vm-3 ");
  ASSERT_TRUE(map) << error_of(map);
  EXPECT_EQ(*map, (std::map<std::string, std::string>{{"n1", "vm-1"}, {"n2", "vm-2"}, {"n3", "vm-3"}}));
  EXPECT_TRUE(fencing::parse_host_map("")->empty());
  EXPECT_EQ(error_of(fencing::parse_host_map("n1:vm-1;n2")), "syntax: host map entry \"n2\" is not node:plug");
  EXPECT_EQ(error_of(fencing::parse_host_map("n1:a;n1:b")), "duplicate: host map names node \"n1\" twice");
}

}  // namespace
