#pragma once
// What this machine can tell about its own health: the probes wha-health runs when it is
// given no configuration.

#include <filesystem>
#include <string>
#include <vector>

#include <wholesale_ha/health/config.hpp>

namespace wholesale_ha::health {

struct DetectOptions {
  /// Where /sys, /proc and /dev are looked for.
  std::filesystem::path root = "/";
  std::string smartctl = "smartctl";
  std::string nvme = "nvme";
  std::string ipmitool = "ipmitool";
};

struct Detection {
  /// Probes with default settings for what is present.
  HealthConfig config;
  /// What was left out and why: "ipmi: no BMC device (/dev/ipmi0)".
  std::vector<std::string> skipped;
};

/// Looks for the tools in PATH and the hardware under `root`: smartctl (every disk it can
/// scan, NVMe included; nvme-cli when smartctl is missing), EDAC memory controllers, hwmon
/// temperature sensors, a local BMC with ipmitool, and the CPU (always). Blocks only on
/// directory lookups.
Detection detect_probes(const DetectOptions& options = {});

}  // namespace wholesale_ha::health
