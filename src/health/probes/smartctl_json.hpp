#pragma once
// Reading `smartctl --json` output (smartmontools 7.0 and later): SATA/SAS/NVMe health, and
// the device list of `smartctl --json --scan`.

#include <string>
#include <string_view>
#include <vector>

#include <wholesale_ha/health/config.hpp>
#include <wholesale_ha/health/probe.hpp>

namespace wholesale_ha::health::detail {

/// One device's `smartctl --json -a` output as measurements of `subject`.
ProbeResult parse_smartctl_device(const std::string& subject, std::string_view output);

/// `smartctl --json --scan` → the devices it lists; sets `error` when the output is not
/// the scan document.
std::vector<SmartDevice> parse_smartctl_scan(std::string_view output, std::string& error);

}  // namespace wholesale_ha::health::detail
