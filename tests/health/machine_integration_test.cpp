// The real tools and the real /sys and /proc of the machine running the tests: whatever it
// has (a VM may have no disk SMART can read, no EDAC, no sensors, no BMC), every probe must
// report a value or say clearly that it has nothing to read, never fail and never turn red.

#include <iostream>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <wholesale_ha/health/config.hpp>
#include <wholesale_ha/health/detect.hpp>
#include <wholesale_ha/health/monitor.hpp>

#include "health_test_support.hpp"

namespace {

using namespace wholesale_ha::health;

/// Every built-in probe with default settings on the real machine, whatever detect_probes()
/// would pick, so absent hardware is exercised too.
HealthConfig every_probe_on_this_machine() {
  HealthConfig config;
  for (auto type : {ProbeType::smart, ProbeType::edac, ProbeType::hwmon, ProbeType::ipmi,
                    ProbeType::cpu}) {
    config.probes.push_back(default_probe(type));
  }
  // nvme-cli next to smartctl: its own attribute, the controllers this machine has (or a
  // name that does not exist here).
  ProbeSpec nvme = default_probe(ProbeType::nvme);
  nvme.settings.attribute = "#health-nvme";
  auto& devices = std::get<NvmeOptions>(nvme.options).devices;
  for (const auto& entry : detect_probes().config.probes) {
    if (entry.type() == ProbeType::nvme) devices = std::get<NvmeOptions>(entry.options).devices;
  }
  if (devices.empty()) devices = {"/dev/nvme0"};
  config.probes.push_back(nvme);
  return config;
}

TEST(ThisMachine, EveryProbeReportsAValueOrNotAvailable) {
  boost::asio::io_context io;
  HealthMonitor monitor{io.get_executor(), wha_test::quiet_logger()};
  std::vector<ProbeError> errors;
  monitor.on_probe_error().subscribe([&](const ProbeError& e) { errors.push_back(e); });
  EXPECT_TRUE(monitor.add(every_probe_on_this_machine()).ok());
  wha_test::check_all(monitor, io);

  for (const auto& r : monitor.readings()) {
    std::cout << "[ this machine ] " << r.attribute << " = "
              << (r.value ? r.value->to_string() : "-") << ": " << r.evidence << "\n";
    SCOPED_TRACE(r.attribute + ": " + r.evidence);
    EXPECT_FALSE(r.error) << *r.error;
    EXPECT_TRUE(r.value || r.evidence.starts_with("not available: "));
    EXPECT_NE(r.value, HealthValue{Colour::red});
  }
  for (const auto& e : errors) ADD_FAILURE() << e.probe << ": " << e.reason;
}

TEST(ThisMachine, DetectionAlwaysHasTheCpuAndExplainsWhatItSkipped) {
  const auto detected = detect_probes();
  bool cpu = false;
  for (const auto& spec : detected.config.probes) cpu = cpu || spec.type() == ProbeType::cpu;
  EXPECT_TRUE(cpu);
  for (const auto& line : detected.skipped) {
    std::cout << "[ this machine ] not detected: " << line << "\n";
    EXPECT_NE(line.find(": "), std::string::npos) << line;
  }
}

}  // namespace
