#pragma once
// NVMe SMART / Health Information (log page 02h) as nvme-cli prints it, and the words for
// its critical warning bits.

#include <string>
#include <string_view>

#include <wholesale_ha/health/probe.hpp>

namespace wholesale_ha::health::detail {

/// "critical warning 0x05 (available spare below threshold; reliability degraded)", or
/// "no critical warning".
std::string critical_warning_words(double value);

/// One device's `nvme smart-log -o json` output as measurements of `subject`.
ProbeResult parse_nvme_smart_log(const std::string& subject, std::string_view output);

}  // namespace wholesale_ha::health::detail
