// SMART (smartctl --json) and NVMe (nvme-cli) probes against captured outputs, through
// stand-in tools that print them (tests/data/health/smartctl, tests/data/health/nvme-cli).

#include <algorithm>

#include <gtest/gtest.h>

#include <wholesale_ha/health/config.hpp>
#include <wholesale_ha/health/rules.hpp>
#include <wholesale_ha/utf8.hpp>

#include "health_test_support.hpp"
// The parsers themselves, for values no fixture tool prints.
#include "../../src/health/probes/nvme_health.hpp"
#include "../../src/health/probes/smartctl_json.hpp"
#include "../../src/health/probes/tool.hpp"

namespace {

using namespace wholesale_ha::health;
using wha_test::health_data;
using wha_test::run_spec;

ProbeSpec smart(const std::string& scenario, const std::vector<std::string>& devices = {}) {
  ProbeSpec spec = default_probe(ProbeType::smart);
  auto& options = std::get<SmartOptions>(spec.options);
  options.tool = health_data("smartctl/" + scenario + "/smartctl").string();
  for (const auto& d : devices) options.devices.push_back({d, ""});
  return spec;
}

ProbeSpec nvme(const std::string& scenario, const std::vector<std::string>& devices) {
  ProbeSpec spec = default_probe(ProbeType::nvme);
  auto& options = std::get<NvmeOptions>(spec.options);
  options.tool = health_data("nvme-cli/" + scenario + "/nvme").string();
  options.devices = devices;
  return spec;
}

std::optional<double> value_of(const ProbeResult& r, std::string_view subject,
                               std::string_view metric) {
  for (const auto& m : r.measurements) {
    if (m.subject == subject && m.metric == metric) return m.value;
  }
  return std::nullopt;
}

/// The default rules' verdict on one run.
Evaluation judge(const ProbeSpec& spec, const ProbeResult& result) {
  const std::vector<Sample> history{{1'795'590'000, result.measurements}};
  return evaluate(spec.settings.rules, history, 1'795'590'000);
}

TEST(SmartProbe, HealthySataAndNvmeFoundByScanAreGreen) {
  const auto spec = smart("healthy");
  const auto r = run_spec(spec);
  ASSERT_EQ(r.status, ProbeResult::Status::ok) << r.reason;
  EXPECT_EQ(value_of(r, "sda", "smart_failed"), 0);
  EXPECT_EQ(value_of(r, "sda", "reallocated_sectors"), 0);
  EXPECT_EQ(value_of(r, "sda", "pending_sectors"), 0);
  EXPECT_EQ(value_of(r, "sda", "offline_uncorrectable"), 0);
  EXPECT_EQ(value_of(r, "sda", "self_test_failed"), 0);
  EXPECT_EQ(value_of(r, "sda", "temperature"), 34);
  EXPECT_EQ(value_of(r, "nvme0", "critical_warning"), 0);
  EXPECT_EQ(value_of(r, "nvme0", "spare_margin"), 90);
  EXPECT_EQ(value_of(r, "nvme0", "percentage_used"), 4);
  EXPECT_EQ(value_of(r, "nvme0", "media_errors"), 0);
  const auto verdict = judge(spec, r);
  EXPECT_EQ(verdict.level, Colour::green);
  EXPECT_EQ(verdict.evidence, "ok: sda, nvme0");
}

TEST(SmartProbe, FailingSataIsRedWithTheFacts) {
  const auto spec = smart("failing", {"/dev/sdb"});
  const auto r = run_spec(spec);
  ASSERT_EQ(r.status, ProbeResult::Status::ok) << r.reason;
  EXPECT_EQ(value_of(r, "sdb", "smart_failed"), 1);
  EXPECT_EQ(value_of(r, "sdb", "reallocated_sectors"), 1872);
  EXPECT_EQ(value_of(r, "sdb", "pending_sectors"), 24);
  EXPECT_EQ(value_of(r, "sdb", "offline_uncorrectable"), 24);
  EXPECT_EQ(value_of(r, "sdb", "self_test_failed"), 1);
  // Temperature_Celsius' raw value packs min/max into its upper bytes: smartctl's decoding wins.
  EXPECT_EQ(value_of(r, "sdb", "temperature"), 41);
  const auto verdict = judge(spec, r);
  EXPECT_EQ(verdict.level, Colour::red);
  EXPECT_EQ(verdict.evidence,
            "sdb (ST4000DM004-2CV104 S/N ZFN0X9Y8): SMART overall-health FAILED, last self-test "
            "failed (Extended offline: Completed: read failure at LBA 1953525046), reallocated "
            "sectors 1872, pending sectors 24, offline uncorrectable sectors 24");
}

TEST(SmartProbe, WornNvmeIsRed) {
  const auto spec = smart("failing", {"/dev/nvme0"});
  const auto r = run_spec(spec);
  ASSERT_EQ(r.status, ProbeResult::Status::ok) << r.reason;
  EXPECT_EQ(value_of(r, "nvme0", "critical_warning"), 5);
  EXPECT_EQ(value_of(r, "nvme0", "available_spare"), 6);
  EXPECT_EQ(value_of(r, "nvme0", "spare_margin"), -4);
  EXPECT_EQ(value_of(r, "nvme0", "percentage_used"), 103);
  EXPECT_EQ(value_of(r, "nvme0", "media_errors"), 1437);
  const auto verdict = judge(spec, r);
  EXPECT_EQ(verdict.level, Colour::red);
  EXPECT_NE(verdict.evidence.find("critical warning 0x05 (available spare below threshold; "
                                  "reliability degraded)"),
            std::string::npos)
      << verdict.evidence;
  EXPECT_NE(verdict.evidence.find("available spare 6% (threshold 10%)"), std::string::npos);
}

TEST(SmartProbe, ScanReadsEveryDisk) {
  const auto r = run_spec(smart("failing"));
  ASSERT_EQ(r.status, ProbeResult::Status::ok) << r.reason;
  for (const char* subject : {"sda", "sdb", "nvme0"}) {
    EXPECT_TRUE(value_of(r, subject, "smart_failed")) << subject;
  }
}

TEST(SmartProbe, AMissingDiskIsANoteNextToTheOthers) {
  const auto r = run_spec(smart("healthy", {"/dev/sda", "/dev/sdz"}));
  ASSERT_EQ(r.status, ProbeResult::Status::ok) << r.reason;
  EXPECT_EQ(r.notes, (std::vector<std::string>{
                         "not available: sdz: Smartctl open device: /dev/sdz failed: No such device"}));
}

TEST(SmartProbe, OnlyMissingDisksIsNotAvailable) {
  const auto r = run_spec(smart("healthy", {"/dev/sdz"}));
  EXPECT_EQ(r.status, ProbeResult::Status::unavailable);
  EXPECT_EQ(r.reason, "sdz: Smartctl open device: /dev/sdz failed: No such device");
}

TEST(SmartProbe, OutputThatIsNotItsJsonIsAFailure) {
  const auto r = run_spec(smart("garbage", {"/dev/sda"}));
  EXPECT_EQ(r.status, ProbeResult::Status::failed);
  EXPECT_EQ(r.reason,
            "sda: smartctl did not print its JSON report (smartmontools 7.0 or later is needed): "
            "\"smartctl 6.6 2016-05-31 r4324 [x86_64-linux-4.9.0-19-amd64] (local build)\"");
}

TEST(SmartProbe, AMissingToolIsNotAvailable) {
  auto spec = smart("healthy");
  std::get<SmartOptions>(spec.options).tool = "/nonexistent/smartctl";
  const auto r = run_spec(spec);
  EXPECT_EQ(r.status, ProbeResult::Status::unavailable);
  EXPECT_EQ(r.reason, "/nonexistent/smartctl is not installed (not found)");
}

TEST(NvmeProbe, HealthyLogIsGreen) {
  const auto spec = nvme("healthy", {"/dev/nvme0"});
  const auto r = run_spec(spec);
  ASSERT_EQ(r.status, ProbeResult::Status::ok) << r.reason;
  EXPECT_EQ(value_of(r, "nvme0", "temperature"), 38);  // 311 K
  EXPECT_EQ(value_of(r, "nvme0", "spare_margin"), 90);
  EXPECT_EQ(judge(spec, r).level, Colour::green);
}

TEST(NvmeProbe, WornLogIsRed) {
  const auto spec = nvme("worn", {"/dev/nvme0"});
  const auto r = run_spec(spec);
  ASSERT_EQ(r.status, ProbeResult::Status::ok) << r.reason;
  EXPECT_EQ(value_of(r, "nvme0", "critical_warning"), 5);
  EXPECT_EQ(value_of(r, "nvme0", "spare_margin"), -4);
  EXPECT_EQ(value_of(r, "nvme0", "percentage_used"), 103);
  EXPECT_EQ(value_of(r, "nvme0", "media_errors"), 1437);
  EXPECT_EQ(judge(spec, r).level, Colour::red);
}

TEST(NvmeProbe, AMissingDeviceIsNotAvailable) {
  const auto r = run_spec(nvme("healthy", {"/dev/nvme7"}));
  EXPECT_EQ(r.status, ProbeResult::Status::unavailable);
  EXPECT_EQ(r.reason, "nvme7: /dev/nvme7: No such file or directory");
}

// Numbers a tool should never print (issue 22) are read without an undefined float → int
// conversion: a critical-warning byte of 1e20 or -1, a smartctl exit status of 1e20.
TEST(NvmeProbe, CriticalWarningOutOfRangeIsNotABitField) {
  EXPECT_EQ(detail::critical_warning_words(5), "critical warning 0x05 (available spare below threshold; reliability degraded)");
  EXPECT_EQ(detail::critical_warning_words(1e20), "critical warning 1e+20 (not a bit field)");
  EXPECT_EQ(detail::critical_warning_words(-1), "critical warning -1 (not a bit field)");
  EXPECT_EQ(detail::critical_warning_words(2.5), "critical warning 2.5 (not a bit field)");
  const auto r = detail::parse_nvme_smart_log("nvme0", R"({"critical_warning": 1e20})");
  EXPECT_EQ(value_of(r, "nvme0", "critical_warning"), 1e20);
}

TEST(SmartProbe, AnExitStatusThatIsNoBitmaskReadsAsZero) {
  const auto r = detail::parse_smartctl_device(
      "sda", R"({"smartctl": {"exit_status": 1e20}, "smart_status": {"passed": true}})");
  EXPECT_EQ(r.status, ProbeResult::Status::ok) << r.reason;
  EXPECT_EQ(value_of(r, "sda", "smart_failed"), 0);
}

// A tool printing 100,000 nested arrays is not read (a tree that deep overflows the stack
// when copied or printed); a wide one is read in linear time (nlohmann's parser callback,
// used before to cut depth, rescanned the array for each element: minutes for this one).
TEST(ToolJson, NestingPast128LevelsIsRefused) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_TRUE(detail::parse_tool_json(R"({"critical_warning": 0, "x": )" + deep + "}").is_discarded());
  const auto r = detail::parse_nvme_smart_log("nvme0", R"({"critical_warning": 0, "x": )" + deep + "}");
  EXPECT_EQ(r.status, ProbeResult::Status::failed);
  EXPECT_TRUE(wholesale_ha::is_valid_utf8(r.reason));
}

TEST(ToolJson, WideOutputIsRead) {
  std::string wide = R"({"critical_warning": 0, "x": [)";
  for (int i = 0; i < 100000; ++i) wide += i == 0 ? "{}" : ",{}";
  wide += "]}";
  const auto r = detail::parse_nvme_smart_log("nvme0", wide);
  EXPECT_EQ(value_of(r, "nvme0", "critical_warning"), 0);
}

}  // namespace
