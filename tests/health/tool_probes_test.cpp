// The IPMI probe against captured `ipmitool sdr elist` output, and the generic command
// probe: colours, scores, JSON, garbage, failing and hanging commands.

#include <fstream>

#include <gtest/gtest.h>

#include <wholesale_ha/health/config.hpp>
#include <wholesale_ha/health/probes.hpp>
#include <wholesale_ha/health/rules.hpp>

#include "health_test_support.hpp"

namespace {

using namespace wholesale_ha::health;
using namespace std::chrono_literals;
using wha_test::health_data;
using wha_test::run_spec;

ProbeSpec ipmi(const std::filesystem::path& tool) {
  ProbeSpec spec = default_probe(ProbeType::ipmi);
  std::get<IpmiOptions>(spec.options).tool = tool.string();
  return spec;
}

ProbeSpec command(std::vector<std::string> argv, wholesale_ha::model::Duration timeout = 10s) {
  ProbeSpec spec = default_probe(ProbeType::command);
  spec.settings.attribute = "#health-site";
  spec.settings.timeout = timeout;
  std::get<CommandOptions>(spec.options).command = std::move(argv);
  return spec;
}

ProbeSpec shell(const std::string& script, wholesale_ha::model::Duration timeout = 10s) {
  return command({"/bin/sh", "-c", script}, timeout);
}

ProbeResult run_with_timeout(const ProbeSpec& spec) {
  auto probe = make_probe(spec);
  return wha_test::run_probe(
      *probe, std::chrono::duration_cast<std::chrono::milliseconds>(spec.settings.timeout));
}

Evaluation judge(const ProbeSpec& spec, const ProbeResult& result) {
  const std::vector<Sample> history{{1'795'590'000, result.measurements}};
  return evaluate(spec.settings.rules, history, 1'795'590'000);
}

TEST(IpmiProbe, AllSensorsOkIsGreen) {
  const auto spec = ipmi(health_data("ipmitool/healthy/ipmitool"));
  const auto r = run_spec(spec);
  ASSERT_EQ(r.status, ProbeResult::Status::ok) << r.reason;
  EXPECT_EQ(r.measurements.size(), 17U);
  EXPECT_EQ(r.notes, (std::vector<std::string>{"2 sensors without a reading"}));
  EXPECT_EQ(judge(spec, r).level, Colour::green);
}

TEST(IpmiProbe, CriticalSensorsAreRedNonCriticalYellow) {
  const auto spec = ipmi(health_data("ipmitool/critical/ipmitool"));
  const auto r = run_spec(spec);
  ASSERT_EQ(r.status, ProbeResult::Status::ok) << r.reason;
  const auto verdict = judge(spec, r);
  EXPECT_EQ(verdict.level, Colour::red);
  EXPECT_EQ(verdict.evidence,
            "CPU1 Temp: upper critical (96 degrees C); FAN2: lower critical (300 RPM); VBAT: "
            "lower non-critical (2.71 Volts)");
}

TEST(IpmiProbe, OlderIpmitoolStateSpellings) {
  wha_test::TempDir dir;
  std::filesystem::create_symlink(health_data("ipmitool/fake-ipmitool"), dir.path() / "ipmitool");
  std::ofstream{dir.path() / "sdr-elist.txt"}
      << "Inlet Temp       | 04h | nc  |  7.1 | 42 degrees C\n"
         "PSU1 Fan         | 30h | cr  | 10.1 | 1200 RPM\n"
         "Vcore            | 12h | nr  |  3.1 | 0.41 Volts\n"
         "Temp             | 0Eh | ok  |  3.1 | 40 degrees C\n"
         "Temp             | 0Fh | ok  |  3.2 | 41 degrees C\n";
  const auto r = run_spec(ipmi(dir.path() / "ipmitool"));
  ASSERT_EQ(r.status, ProbeResult::Status::ok) << r.reason;
  std::vector<std::pair<std::string, double>> states;
  for (const auto& m : r.measurements) states.emplace_back(m.subject, m.value);
  EXPECT_EQ(states, (std::vector<std::pair<std::string, double>>{
                        {"Inlet Temp", 1}, {"PSU1 Fan", 2}, {"Vcore", 3}, {"Temp", 0},
                        {"Temp (0Fh)", 0}}));
}

TEST(IpmiProbe, NoBmcIsNotAvailable) {
  const auto r = run_spec(ipmi(health_data("ipmitool/nobmc/ipmitool")));
  EXPECT_EQ(r.status, ProbeResult::Status::unavailable);
  EXPECT_EQ(r.reason,
            "no local BMC: Could not open device at /dev/ipmi0 or /dev/ipmi/0 or "
            "/dev/ipmidev/0: No such file or directory");
}

TEST(IpmiProbe, GarbageIsAFailure) {
  const auto r = run_spec(ipmi(health_data("ipmitool/garbage/ipmitool")));
  EXPECT_EQ(r.status, ProbeResult::Status::failed);
  EXPECT_EQ(r.reason,
            "unrecognised ipmitool output: \"Get SDR 0000 command failed: Response data too short\"");
}

TEST(CommandProbe, PrintsAColourAndEvidence) {
  const auto r = run_spec(shell("printf 'yellow\\nmd0: 1 of 4 disks missing\\n\\nrebuild 12%%\\n'"));
  ASSERT_EQ(r.status, ProbeResult::Status::ok) << r.reason;
  EXPECT_EQ(r.value, HealthValue{Colour::yellow});
  EXPECT_EQ(r.evidence, "md0: 1 of 4 disks missing; rebuild 12%");
}

TEST(CommandProbe, PrintsAScore) {
  const auto r = run_spec(command({"/bin/echo", "-20"}));
  ASSERT_EQ(r.status, ProbeResult::Status::ok) << r.reason;
  EXPECT_EQ(r.value, HealthValue::score(-20));
}

TEST(CommandProbe, PrintsAJsonVerdict) {
  const auto r = run_spec(command({"/bin/echo", R"({"value": "red", "evidence": "array offline"})"}));
  ASSERT_EQ(r.status, ProbeResult::Status::ok) << r.reason;
  EXPECT_EQ(r.value, HealthValue{Colour::red});
  EXPECT_EQ(r.evidence, "array offline");
}

TEST(CommandProbe, PrintsJsonMetricsForTheRules) {
  const auto r = run_spec(
      command({"/bin/echo", R"({"subject": "md0", "metrics": {"missing_disks": 1, "rebuild": 0.12}})"}));
  ASSERT_EQ(r.status, ProbeResult::Status::ok) << r.reason;
  EXPECT_FALSE(r.value);
  ASSERT_EQ(r.measurements.size(), 2U);
  EXPECT_EQ(r.measurements[0].subject, "md0");
  EXPECT_EQ(r.measurements[0].metric, "missing_disks");
  EXPECT_EQ(r.measurements[0].value, 1);
}

TEST(CommandProbe, GarbageIsAFailure) {
  for (const char* output : {"hello", "{oops", R"({"value": "amber"})", R"({"value": "red", "metrics": {}})", "[1]"}) {
    const auto r = run_spec(command({"/bin/echo", output}));
    EXPECT_EQ(r.status, ProbeResult::Status::failed) << output;
    EXPECT_NE(r.reason.find("expected a colour, a score or a JSON object"), std::string::npos)
        << r.reason;
  }
  const auto silent = run_spec(command({"/bin/true"}));
  EXPECT_EQ(silent.status, ProbeResult::Status::failed);
  EXPECT_TRUE(silent.reason.starts_with("printed nothing")) << silent.reason;
}

TEST(CommandProbe, NonZeroExitIsAFailure) {
  const auto r = run_spec(shell("echo green; echo 'controller not responding' >&2; exit 3"));
  EXPECT_EQ(r.status, ProbeResult::Status::failed);
  EXPECT_EQ(r.reason, "/bin/sh exited with status 3: controller not responding");
}

TEST(CommandProbe, AMissingProgramIsAFailure) {
  const auto r = run_spec(command({"/nonexistent/check-raid"}));
  EXPECT_EQ(r.status, ProbeResult::Status::failed);
  EXPECT_EQ(r.reason, "could not start /nonexistent/check-raid: No such file or directory");
}

TEST(CommandProbe, OneThatHangsTimesOut) {
  const auto r = run_with_timeout(shell("sleep 30", 200ms));
  EXPECT_EQ(r.status, ProbeResult::Status::failed);
  EXPECT_EQ(r.reason, "/bin/sh timed out after 200ms");
}

}  // namespace
