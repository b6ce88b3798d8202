// The stand-ins themselves: the agent tests mean something only if a wrong command line
// fails loudly instead of being emulated.

#include <gtest/gtest.h>

#include <wholesale_ha/process/child_process.hpp>

#include "fake_vz.hpp"

namespace {

namespace process = wholesale_ha::process;

process::Outcome run(const wha_test::FakeVz& vz, const std::string& tool, std::vector<std::string> args) {
  process::Command c;
  c.program = wha_test::FakeVz::tool(tool);
  c.args = std::move(args);
  c.env = {{"WHA_FAKE_VZ_STATE", vz.host("host-a").string()}, {"WHA_FAKE_VZ_HOSTS", vz.root().string()}};
  c.timeout = std::chrono::seconds{30};
  return process::run(std::move(c));
}

TEST(OpenvzStandIn, RejectsCommandLinesTheBackendNeverRuns) {
  wha_test::FakeVz vz;
  vz.create("host-a", "101", true);
  const std::vector<std::pair<std::string, std::vector<std::string>>> wrong = {
      {"vzctl", {"start"}},
      {"vzctl", {"stop", "101", "--kill"}},
      {"vzctl", {"start", "101", "--wait"}},
      {"vzctl", {"101", "start"}},
      {"vzctl", {"chkpnt", "101", "--dumpfile", "relative/dump"}},
      {"vzmigrate", {"--live", "host-b", "101"}},
      {"vzmigrate", {"host-b", "101", "102"}},
      {"prlctl", {"stop", "101", "--fast"}},
      {"prlctl", {"migrate", "101"}},
  };
  for (const auto& [tool, args] : wrong) {
    auto r = run(vz, tool, args);
    EXPECT_EQ(r.exit_code, 199) << tool << " " << args.size();
    EXPECT_NE(r.err.find("(stand-in): unexpected call: " + tool), std::string::npos) << r.err;
  }
  EXPECT_TRUE(vz.running("host-a", "101")) << "nothing was emulated";
}

TEST(OpenvzStandIn, NeedsItsStateDirectory) {
  process::Command c;
  c.program = wha_test::FakeVz::tool("vzctl");
  c.args = {"status", "101"};
  c.env = {{"WHA_FAKE_VZ_STATE", ""}};
  c.timeout = std::chrono::seconds{30};
  auto r = process::run(std::move(c));
  EXPECT_EQ(r.exit_code, 198);
  EXPECT_NE(r.err.find("WHA_FAKE_VZ_STATE is not set"), std::string::npos) << r.err;
}

}  // namespace
