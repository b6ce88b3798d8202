// EDAC, hwmon and CPU probes against fixture trees shaped like the kernel's
// (tests/data/health/{edac,hwmon,cpu}/...).

#include <fstream>

#include <gtest/gtest.h>

#include <wholesale_ha/health/config.hpp>
#include <wholesale_ha/health/rules.hpp>

#include "health_test_support.hpp"

namespace {

using namespace wholesale_ha::health;
using wha_test::health_data;
using wha_test::run_spec;

ProbeSpec rooted(ProbeType type, const std::filesystem::path& root) {
  ProbeSpec spec = default_probe(type);
  std::visit(
      [&](auto& options) {
        if constexpr (requires { options.root; }) options.root = root;
      },
      spec.options);
  return spec;
}

const Measurement* find(const ProbeResult& r, std::string_view subject, std::string_view metric) {
  for (const auto& m : r.measurements) {
    if (m.subject == subject && m.metric == metric) return &m;
  }
  return nullptr;
}

std::vector<std::string> subjects(const ProbeResult& r) {
  std::vector<std::string> out;
  for (const auto& m : r.measurements) {
    if (std::find(out.begin(), out.end(), m.subject) == out.end()) out.push_back(m.subject);
  }
  return out;
}

Evaluation judge(const ProbeSpec& spec, const ProbeResult& result) {
  const std::vector<Sample> history{{1'795'590'000, result.measurements}};
  return evaluate(spec.settings.rules, history, 1'795'590'000);
}

TEST(EdacProbe, ReadsControllersAndPopulatedDimms) {
  const auto r = run_spec(rooted(ProbeType::edac, health_data("edac/rising/1")));
  ASSERT_EQ(r.status, ProbeResult::Status::ok) << r.reason;
  EXPECT_EQ(subjects(r), (std::vector<std::string>{"mc0", "mc0/dimm0", "mc0/dimm1", "mc0/dimm2",
                                                   "mc0/dimm3", "mc0/dimm4", "mc0/dimm5"}));
  const Measurement* dimm3 = find(r, "mc0/dimm3", "ce_count");
  ASSERT_NE(dimm3, nullptr);
  EXPECT_EQ(dimm3->value, 9);
  EXPECT_EQ(dimm3->subject_detail, "CPU_SrcID#0_MC#0_Chan#1_DIMM#1");
  EXPECT_EQ(find(r, "mc0", "ce_count")->value, 9);
  EXPECT_EQ(find(r, "mc0", "ue_count")->value, 0);
}

TEST(EdacProbe, OldDriversCountPerChipSelectRow) {
  const auto r = run_spec(rooted(ProbeType::edac, health_data("edac/csrow")));
  ASSERT_EQ(r.status, ProbeResult::Status::ok) << r.reason;
  EXPECT_EQ(subjects(r), (std::vector<std::string>{"mc0", "mc0/csrow0", "mc0/csrow1"}));
  EXPECT_EQ(find(r, "mc0/csrow0", "ce_count")->subject_detail, "DIMM_A1");
}

TEST(EdacProbe, AnUncorrectedErrorIsStickyRed) {
  const auto spec = rooted(ProbeType::edac, health_data("edac/uncorrected"));
  const auto verdict = judge(spec, run_spec(spec));
  EXPECT_EQ(verdict.level, Colour::red);
  EXPECT_TRUE(verdict.sticky_red);
  EXPECT_EQ(verdict.evidence,
            "mc0 (Skylake Socket#0 IMC#0): uncorrected errors 1; mc0/dimm3 "
            "(CPU_SrcID#0_MC#0_Chan#1_DIMM#1): uncorrected errors 1");
}

TEST(EdacProbe, NoControllersIsNotAvailable) {
  const auto r = run_spec(rooted(ProbeType::edac, "/nonexistent"));
  EXPECT_EQ(r.status, ProbeResult::Status::unavailable);
  EXPECT_EQ(r.reason,
            "no EDAC memory controllers under /nonexistent/sys/devices/system/edac/mc (no ECC "
            "memory, or no EDAC driver loaded)");
}

TEST(HwmonProbe, ReadsEveryTemperatureAgainstItsChipsLimits) {
  const auto spec = rooted(ProbeType::hwmon, health_data("hwmon/normal"));
  const auto r = run_spec(spec);
  ASSERT_EQ(r.status, ProbeResult::Status::ok) << r.reason;
  EXPECT_EQ(subjects(r), (std::vector<std::string>{
                             "acpitz/temp1", "coretemp/Package id 0", "coretemp/Core 0",
                             "coretemp/Core 1", "nvme/Composite", "nvme/Sensor 1",
                             "nvme/Composite#2", "nvme/Sensor 1#2", "nct6798/SYSTIN"}));
  EXPECT_EQ(find(r, "coretemp/Core 1", "temperature")->value, 45);
  EXPECT_EQ(find(r, "coretemp/Core 1", "max_margin")->value, 39);
  EXPECT_EQ(find(r, "coretemp/Core 1", "crit_margin")->value, 55);
  EXPECT_EQ(find(r, "acpitz/temp1", "max_margin"), nullptr);  // ACPI zones declare crit only
  EXPECT_EQ(r.notes, (std::vector<std::string>{"hwmon4/temp3: implausible reading -62°C, ignored"}));
  EXPECT_EQ(judge(spec, r).level, Colour::green);
}

TEST(HwmonProbe, OverMaxIsYellowOverCritIsRed) {
  const auto hot_spec = rooted(ProbeType::hwmon, health_data("hwmon/hot"));
  const auto hot = judge(hot_spec, run_spec(hot_spec));
  EXPECT_EQ(hot.level, Colour::yellow);
  EXPECT_EQ(hot.evidence,
            "coretemp/Package id 0 (hwmon1/temp1): 86°C, max 84°C; coretemp/Core 1 "
            "(hwmon1/temp3): 86°C, max 84°C");
  const auto critical_spec = rooted(ProbeType::hwmon, health_data("hwmon/critical"));
  const auto critical = judge(critical_spec, run_spec(critical_spec));
  EXPECT_EQ(critical.level, Colour::red);
  EXPECT_NE(critical.evidence.find("101°C, crit 100°C"), std::string::npos) << critical.evidence;
}

TEST(HwmonProbe, NoChipsIsNotAvailable) {
  const auto r = run_spec(rooted(ProbeType::hwmon, "/nonexistent"));
  EXPECT_EQ(r.status, ProbeResult::Status::unavailable);
  EXPECT_EQ(r.reason, "no hwmon devices under /nonexistent/sys/class/hwmon");
}

TEST(CpuProbe, ReadsMachineChecksThermalEventsAndLoad) {
  const auto spec = rooted(ProbeType::cpu, health_data("cpu/machine-checks/1"));
  const auto r = run_spec(spec);
  ASSERT_EQ(r.status, ProbeResult::Status::ok) << r.reason;
  EXPECT_EQ(find(r, "cpu", "machine_checks")->value, 2);
  EXPECT_EQ(find(r, "cpu", "thermal_events")->value, 12);
  EXPECT_NEAR(find(r, "cpu", "load_per_cpu")->value, 2.31 / 4, 1e-9);
  EXPECT_TRUE(r.notes.empty());
}

TEST(CpuProbe, KernelsWithoutMachineCheckSupportSaySo) {
  wha_test::TempDir root;
  std::filesystem::create_directories(root.path() / "proc");
  std::ofstream{root.path() / "proc" / "interrupts"}
      << "           CPU0       CPU1       \n"
         " 24:          1          0  IO-APIC   5-edge      ACPI:Ged\n"
         "NMI:          0          0   Non-maskable interrupts\n"
         "TRM:          0          0   Thermal event interrupts\n";
  std::ofstream{root.path() / "proc" / "loadavg"} << "0.59 0.66 0.57 1/83 11097\n";
  const auto r = run_spec(rooted(ProbeType::cpu, root.path()));
  ASSERT_EQ(r.status, ProbeResult::Status::ok) << r.reason;
  EXPECT_EQ(find(r, "cpu", "machine_checks"), nullptr);
  EXPECT_EQ(r.notes, (std::vector<std::string>{"machine checks not reported by this kernel"}));
  EXPECT_NEAR(find(r, "cpu", "load_per_cpu")->value, 0.295, 1e-9);
}

TEST(CpuProbe, UnrecognisedInterruptsIsAFailure) {
  wha_test::TempDir root;
  std::filesystem::create_directories(root.path() / "proc");
  std::ofstream{root.path() / "proc" / "interrupts"} << "\x7f" "ELF garbage\n";
  const auto r = run_spec(rooted(ProbeType::cpu, root.path()));
  EXPECT_EQ(r.status, ProbeResult::Status::failed);
  EXPECT_EQ(r.reason, "unrecognised " + (root.path() / "proc/interrupts").string() +
                          ": no CPU columns in its first line");
}

}  // namespace
