#pragma once
// Reading `ipmitool sdr elist`: one line per sensor,
//   "CPU1 Temp        | 30h | ok  |  3.1 | 45 degrees C"
// name | sensor number | state | entity | reading. States: ok; ns (no reading); nc / cr /
// nr (non-critical, critical, non-recoverable), which ipmitool 1.8.19 and later spell with
// the side of the threshold crossed (lnc, unc, lcr, ucr, lnr, unr).

#include <string_view>

#include <wholesale_ha/health/probe.hpp>

namespace wholesale_ha::health::detail {

/// Sensors with a reading become "state" measurements: 0 ok, 1 non-critical, 2 critical,
/// 3 non-recoverable. Fails when no line has the elist layout.
ProbeResult parse_sdr_elist(std::string_view output);

}  // namespace wholesale_ha::health::detail
