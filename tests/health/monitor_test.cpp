// The monitor: publishing, events, probe errors that never turn a node red by themselves,
// timeouts, hysteresis of published values, sticky red with clear(), trends over time
// (a clock the test moves), and scheduling.

#include <atomic>
#include <mutex>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <wholesale_ha/health/monitor.hpp>
#include <wholesale_ha/health/probes.hpp>

#include "health_test_support.hpp"

namespace {

using namespace wholesale_ha::health;
using namespace std::chrono_literals;
using wha_test::check_all;
using wha_test::health_data;
using wha_test::ManualClock;
namespace fs = std::filesystem;

/// Log lines kept for assertions.
class RecordingSink final : public wholesale_ha::LogSink {
 public:
  void write(wholesale_ha::LogLevel level, std::string_view component,
             std::string_view message) override {
    std::lock_guard lock{mutex_};
    lines_.push_back(std::string{wholesale_ha::to_string(level)} + " [" + std::string{component} +
                     "] " + std::string{message});
  }
  std::vector<std::string> lines() const {
    std::lock_guard lock{mutex_};
    return lines_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

ProbeSettings settings(std::string attribute, wholesale_ha::model::Duration timeout = 10s) {
  ProbeSettings s;
  s.id = attribute.substr(8);
  s.attribute = std::move(attribute);
  s.timeout = timeout;
  return s;
}

/// A probe answering whatever the test sets next.
struct Scripted {
  ProbeResult next = ProbeResult::judged(Colour::green, "fine");
  std::shared_ptr<CallbackProbe> probe() {
    return CallbackProbe::immediate([this] { return next; }, "scripted");
  }
};

/// A directory whose "current" entry the test re-points at one fixture snapshot or another.
class Snapshots {
 public:
  void show(const fs::path& snapshot) {
    fs::remove(link());
    fs::create_directory_symlink(snapshot, link());
  }
  [[nodiscard]] fs::path link() const { return dir_.path() / "current"; }

 private:
  wha_test::TempDir dir_;
};

class Monitor : public ::testing::Test {
 protected:
  boost::asio::io_context io;
  ManualClock clock;
  std::shared_ptr<RecordingSink> sink = std::make_shared<RecordingSink>();
  HealthMonitor monitor{io.get_executor(), wholesale_ha::Logger{sink}, clock.function()};
  std::vector<AttributeReading> changes;
  std::vector<ProbeError> errors;

  void SetUp() override {
    monitor.on_change().subscribe([this](const AttributeReading& r) { changes.push_back(r); });
    monitor.on_probe_error().subscribe([this](const ProbeError& e) { errors.push_back(e); });
  }
  void check() { check_all(monitor, io); }
  std::string value(std::string_view attribute) {
    auto r = monitor.reading(attribute);
    if (!r) return "(no such attribute)";
    return r->value ? r->value->to_string() : "(none)";
  }
};

TEST_F(Monitor, PublishesAttributesAndTheirChanges) {
  Scripted disk;
  EXPECT_TRUE(monitor.add(disk.probe(), settings("#health-disk")).ok());
  check();
  EXPECT_EQ(monitor.attributes(), (wholesale_ha::model::Attributes{{"#health-disk", "green"}}));
  ASSERT_EQ(changes.size(), 1U);
  EXPECT_EQ(changes[0].evidence, "fine");
  EXPECT_EQ(changes[0].since, clock.now);

  clock.now += 60;
  disk.next = ProbeResult::judged(Colour::red, "sda: SMART overall-health FAILED");
  check();
  ASSERT_EQ(changes.size(), 2U);
  EXPECT_EQ(changes[1].value, HealthValue{Colour::red});
  EXPECT_EQ(changes[1].since, clock.now);
  EXPECT_EQ(changes[1].evidence, "sda: SMART overall-health FAILED");
  EXPECT_EQ(monitor.attributes(), (wholesale_ha::model::Attributes{{"#health-disk", "red"}}));

  clock.now += 60;
  check();  // same verdict: no event
  EXPECT_EQ(changes.size(), 2U);
  EXPECT_EQ(monitor.reading("#health-disk")->checked, clock.now);
}

TEST_F(Monitor, AProbeThatPrintsGarbageReportsAnErrorAndNeverTurnsRed) {
  ProbeSpec spec = default_probe(ProbeType::command);
  spec.settings.attribute = "#health-raid";
  spec.settings.id = "raid";
  std::get<CommandOptions>(spec.options).command = {"/bin/echo", "%%% controller crashed %%%"};
  EXPECT_TRUE(monitor.add(HealthConfig{{spec}}).ok());
  check();
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].probe, "raid");
  EXPECT_EQ(errors[0].attribute, "#health-raid");
  EXPECT_TRUE(errors[0].reason.starts_with("printed \"%%% controller crashed %%%\"")) << errors[0].reason;
  const auto r = monitor.reading("#health-raid");
  EXPECT_FALSE(r->value);
  EXPECT_EQ(r->error, errors[0].reason);
  EXPECT_TRUE(monitor.attributes().empty());
  EXPECT_TRUE(changes.empty());
  const auto lines = sink->lines();
  EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
    return l.starts_with("warn [health] probe-error raid (#health-raid): printed");
  })) << (lines.empty() ? "no log lines" : lines.back());
}

// Probe text is outside text: a callback's (or a sysfs file's) bytes that are not UTF-8
// reach readings, events and `wha-health --json` as U+FFFD.
TEST_F(Monitor, ProbeTextIsMadeValidUtf8) {
  Scripted raid;
  raid.next = ProbeResult::judged(Colour::yellow, "D\xE9grad\xE9");
  EXPECT_TRUE(monitor.add(raid.probe(), settings("#health-raid")).ok());
  check();
  ASSERT_EQ(changes.size(), 1U);
  EXPECT_EQ(changes[0].evidence, "D\xEF\xBF\xBDgrad\xEF\xBF\xBD");
  raid.next = ProbeResult::failure("\xFF\xFE broken");
  check();
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].reason, "\xEF\xBF\xBD\xEF\xBF\xBD broken");
}

TEST_F(Monitor, AFailingProbeKeepsTheLastValue) {
  Scripted memory;
  EXPECT_TRUE(monitor.add(memory.probe(), settings("#health-memory")).ok());
  check();
  memory.next = ProbeResult::failure("EDAC read failed: Input/output error");
  check();
  check();
  EXPECT_EQ(value("#health-memory"), "green");
  EXPECT_EQ(errors.size(), 2U);
  EXPECT_EQ(errors[1].consecutive, 2U);
  EXPECT_EQ(monitor.reading("#health-memory")->error, "EDAC read failed: Input/output error");
  // Back to normal: the error goes away.
  memory.next = ProbeResult::judged(Colour::green, "fine");
  check();
  EXPECT_FALSE(monitor.reading("#health-memory")->error);
}

TEST_F(Monitor, OnErrorAppliesOnlyWhenConfiguredAndAfterItsCount) {
  Scripted bmc;
  auto s = settings("#health-ipmi");
  s.on_error = {HealthValue{Colour::yellow}, 2};
  EXPECT_TRUE(monitor.add(bmc.probe(), s).ok());
  check();
  bmc.next = ProbeResult::failure("BMC not responding");
  check();
  EXPECT_EQ(value("#health-ipmi"), "green");
  check();
  EXPECT_EQ(value("#health-ipmi"), "yellow");
  EXPECT_EQ(monitor.reading("#health-ipmi")->evidence,
            "probe failing (2 run(s) in a row): BMC not responding");
}

TEST_F(Monitor, NotAvailableIsNoValueAndNoError) {
  Scripted ipmi;
  ipmi.next = ProbeResult::unavailable("no local BMC");
  EXPECT_TRUE(monitor.add(ipmi.probe(), settings("#health-ipmi")).ok());
  check();
  const auto r = monitor.reading("#health-ipmi");
  EXPECT_FALSE(r->value);
  EXPECT_FALSE(r->error);
  EXPECT_EQ(r->evidence, "not available: no local BMC");
  EXPECT_TRUE(errors.empty());
}

TEST_F(Monitor, HardwareThatVanishesIsAnError) {
  Scripted disk;
  EXPECT_TRUE(monitor.add(disk.probe(), settings("#health-disk")).ok());
  check();
  disk.next = ProbeResult::unavailable("sdb: No such device");
  check();
  EXPECT_EQ(value("#health-disk"), "green");
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].reason, "no longer available: sdb: No such device");
}

TEST_F(Monitor, ACallbackThatNeverAnswersTimesOutAndTheMonitorGoesOn) {
  bool answer = false;
  auto probe = std::make_shared<CallbackProbe>([&](const HealthProbe::Done& report) {
    if (answer) report(ProbeResult::judged(Colour::green, "answered"));
  });
  EXPECT_TRUE(monitor.add(probe, settings("#health-app", 100ms)).ok());
  check();
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].reason, "timed out after 100ms");
  answer = true;
  check();
  EXPECT_EQ(value("#health-app"), "green");
}

TEST_F(Monitor, ACommandSleepingPastItsTimeoutDoesNotHoldUpTheOthers) {
  ProbeSpec slow = default_probe(ProbeType::command);
  slow.settings.id = "slow";
  slow.settings.attribute = "#health-slow";
  slow.settings.timeout = 300ms;
  std::get<CommandOptions>(slow.options).command = {"/bin/sh", "-c", "sleep 30; echo green"};
  ProbeSpec fast = slow;
  fast.settings.id = "fast";
  fast.settings.attribute = "#health-fast";
  std::get<CommandOptions>(fast.options).command = {"/bin/echo", "green"};
  EXPECT_TRUE(monitor.add(HealthConfig{{slow, fast}}).ok());
  check();
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].probe, "slow");
  EXPECT_NE(errors[0].reason.find("timed out after 300ms"), std::string::npos) << errors[0].reason;
  EXPECT_EQ(value("#health-fast"), "green");
  EXPECT_FALSE(monitor.reading("#health-slow")->value);
}

TEST_F(Monitor, AThrowingCallbackIsAProbeError) {
  auto probe = std::make_shared<CallbackProbe>(
      [](const HealthProbe::Done&) { throw std::runtime_error("backend gone"); });
  EXPECT_TRUE(monitor.add(probe, settings("#health-app")).ok());
  check();
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].reason, "callback threw: backend gone");
}

TEST_F(Monitor, MinDwellHoldsABadValueWhileTheSensorFlaps) {
  Snapshots tree;
  tree.show(health_data("hwmon/hot"));
  ProbeSpec spec = default_probe(ProbeType::hwmon);
  spec.settings.stability = {0s, 10min};
  std::get<HwmonOptions>(spec.options).root = tree.link();
  EXPECT_TRUE(monitor.add(HealthConfig{{spec}}).ok());
  check();
  EXPECT_EQ(value("#health-thermal"), "yellow");

  for (const char* snapshot : {"hwmon/normal", "hwmon/hot", "hwmon/normal"}) {
    clock.now += 60;
    tree.show(health_data(snapshot));
    check();
    EXPECT_EQ(value("#health-thermal"), "yellow") << snapshot;
  }
  EXPECT_EQ(monitor.reading("#health-thermal")->evidence,
            "ok: acpitz/temp1, coretemp/Package id 0, coretemp/Core 0, coretemp/Core 1, "
            "nvme/Composite, nvme/Sensor 1 and 3 more [hwmon4/temp3: implausible reading -62°C, "
            "ignored] (holding yellow: green for 0s of 10min)");
  clock.now += 10 * 60;
  check();
  EXPECT_EQ(value("#health-thermal"), "green");
  EXPECT_EQ(changes.size(), 2U);  // yellow, then green: no ping-pong
}

TEST_F(Monitor, ConfirmIgnoresAOneSampleSpike) {
  Snapshots tree;
  tree.show(health_data("hwmon/normal"));
  ProbeSpec spec = default_probe(ProbeType::hwmon);  // confirm: 60s by default
  std::get<HwmonOptions>(spec.options).root = tree.link();
  EXPECT_TRUE(monitor.add(HealthConfig{{spec}}).ok());
  check();
  tree.show(health_data("hwmon/critical"));
  clock.now += 30;
  check();
  EXPECT_EQ(value("#health-thermal"), "green");
  tree.show(health_data("hwmon/normal"));
  clock.now += 30;
  check();
  EXPECT_EQ(value("#health-thermal"), "green");
  // Lasting heat is published once confirmed.
  tree.show(health_data("hwmon/critical"));
  for (int i = 0; i < 3; ++i) {
    clock.now += 30;
    check();
  }
  EXPECT_EQ(value("#health-thermal"), "red");
}

TEST_F(Monitor, UncorrectedMemoryErrorIsRedUntilTheOperatorClearsIt) {
  Snapshots tree;
  tree.show(health_data("edac/uncorrected"));
  ProbeSpec spec = default_probe(ProbeType::edac);
  std::get<EdacOptions>(spec.options).root = tree.link();
  EXPECT_TRUE(monitor.add(HealthConfig{{spec}}).ok());
  check();
  EXPECT_EQ(value("#health-memory"), "red");
  EXPECT_TRUE(monitor.reading("#health-memory")->sticky);
  clock.now += 3600;
  check();
  EXPECT_EQ(value("#health-memory"), "red");

  EXPECT_FALSE(monitor.clear("#health-nothing"));
  clock.now += 60;
  ASSERT_TRUE(monitor.clear("#health-memory"));
  EXPECT_EQ(value("#health-memory"), "green");
  EXPECT_FALSE(monitor.reading("#health-memory")->sticky);
  EXPECT_EQ(changes.back().value, HealthValue{Colour::green});
  // The error the operator acknowledged does not come back on the next run...
  clock.now += 60;
  check();
  EXPECT_EQ(value("#health-memory"), "green");
  // ...but the counters going back to their old value after a clear are not news either.
  tree.show(health_data("edac/rising/2"));
  clock.now += 60;
  check();
  EXPECT_EQ(value("#health-memory"), "green");
}

TEST_F(Monitor, CorrectedErrorsRisingWithinAnHourTurnYellow) {
  Snapshots tree;
  ProbeSpec spec = default_probe(ProbeType::edac);
  std::get<EdacOptions>(spec.options).root = tree.link();
  EXPECT_TRUE(monitor.add(HealthConfig{{spec}}).ok());
  for (const char* snapshot : {"edac/rising/0", "edac/rising/1", "edac/rising/2"}) {
    tree.show(health_data(snapshot));
    check();
    clock.now += 30 * 60;
  }
  EXPECT_EQ(value("#health-memory"), "yellow");
  EXPECT_EQ(monitor.reading("#health-memory")->evidence,
            "mc0 (Skylake Socket#0 IMC#0): corrected errors 72 (+70 in 1h); mc0/dimm3 "
            "(CPU_SrcID#0_MC#0_Chan#1_DIMM#1): corrected errors 71 (+69 in 1h)");
}

TEST_F(Monitor, ReallocatedSectorsGrowingTurnRed) {
  Snapshots tree;
  ProbeSpec spec = default_probe(ProbeType::smart);
  auto& options = std::get<SmartOptions>(spec.options);
  options.tool = (tree.link() / "smartctl").string();
  options.devices = {{"/dev/sda", ""}};
  EXPECT_TRUE(monitor.add(HealthConfig{{spec}}).ok());
  std::vector<std::string> seen;
  for (const char* snapshot : {"smartctl/growing/0", "smartctl/growing/1", "smartctl/growing/2"}) {
    tree.show(health_data(snapshot));
    check();
    seen.push_back(value("#health-disk"));
    clock.now += 3600;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"yellow", "yellow", "red"}));
  EXPECT_EQ(monitor.reading("#health-disk")->evidence,
            "sda (ST4000DM004-2CV104 S/N ZFN1A2B3): reallocated sectors 17 (+13 in 24h), "
            "pending sectors 3");
}

TEST_F(Monitor, MachineChecksTurnTheCpuYellow) {
  Snapshots tree;
  ProbeSpec spec = default_probe(ProbeType::cpu);
  std::get<CpuOptions>(spec.options).root = tree.link();
  EXPECT_TRUE(monitor.add(HealthConfig{{spec}}).ok());
  tree.show(health_data("cpu/machine-checks/0"));
  check();
  EXPECT_EQ(value("#health-cpu"), "green");
  tree.show(health_data("cpu/machine-checks/1"));
  clock.now += 60;
  check();
  EXPECT_EQ(value("#health-cpu"), "yellow");
  EXPECT_EQ(monitor.reading("#health-cpu")->evidence,
            "cpu: machine check exceptions 2 (+2 in 24h)");
}

TEST_F(Monitor, StartRepeatsEachProbeOnItsIntervalUntilStopped) {
  std::atomic<int> runs = 0;
  auto probe = CallbackProbe::immediate([&] {
    ++runs;
    return ProbeResult::judged(Colour::green, "fine");
  });
  auto s = settings("#health-app");
  s.interval = 20ms;
  EXPECT_TRUE(monitor.add(probe, s).ok());
  int checks = 0;
  monitor.on_check().subscribe([&](const AttributeReading&) {
    if (++checks == 3) monitor.stop();
  });
  monitor.start();
  io.run_for(60s);  // returns as soon as the stopped monitor leaves nothing to do
  EXPECT_EQ(checks, 3);
  EXPECT_EQ(runs.load(), 3);
}

TEST_F(Monitor, RejectsBadSettings) {
  Scripted a;
  EXPECT_TRUE(monitor.add(a.probe(), settings("#health-disk")).ok());
  auto refused = [&](std::shared_ptr<HealthProbe> probe, const ProbeSettings& s) {
    auto r = monitor.add(std::move(probe), s);
    return r ? std::string{"added"} : std::string{wholesale_ha::to_string(r.error().code)} + ": " + r.error().message;
  };
  EXPECT_EQ(refused(a.probe(), settings("#health-disk")), "duplicate: duplicate health probe id \"disk\"");
  auto other_id = settings("#health-disk");
  other_id.id = "other";
  EXPECT_EQ(refused(a.probe(), other_id),
            "duplicate: health attribute \"#health-disk\" is already set by probe \"disk\"");
  EXPECT_EQ(refused(a.probe(), settings("disk-health")),
            "invalid-value: health attribute \"disk-health\" must be named \"#health-<name>\"");
  EXPECT_EQ(refused(nullptr, settings("#health-x")), "missing-field: health probe is null");
  auto zero = settings("#health-y");
  zero.interval = 0s;
  EXPECT_EQ(refused(a.probe(), zero), "invalid-value: probe \"y\": interval and timeout must be > 0");
  // A configuration is added whole or not at all.
  ProbeSpec fresh = default_probe(ProbeType::command);
  fresh.settings = settings("#health-fresh");
  ProbeSpec clash = fresh;
  clash.settings = settings("#health-disk");
  const auto whole = monitor.add(HealthConfig{{fresh, clash}});
  ASSERT_FALSE(whole);
  EXPECT_EQ(whole.error().pointer, "/probes/1/id");
  EXPECT_EQ(monitor.readings().size(), 1U);  // #health-fresh was not added either
}

TEST_F(Monitor, ReadingsAreSortedAndSayWhenNothingRanYet) {
  Scripted a;
  Scripted b;
  EXPECT_TRUE(monitor.add(a.probe(), settings("#health-thermal")).ok());
  EXPECT_TRUE(monitor.add(b.probe(), settings("#health-disk")).ok());
  const auto before = monitor.readings();
  ASSERT_EQ(before.size(), 2U);
  EXPECT_EQ(before[0].attribute, "#health-disk");
  EXPECT_EQ(before[0].evidence, "not checked yet");
  EXPECT_FALSE(monitor.reading("#health-none"));
}

}  // namespace
