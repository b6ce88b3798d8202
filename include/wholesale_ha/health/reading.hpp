#pragma once
// What the monitor publishes: one reading per #health-* attribute, and probe errors.

#include <cstdint>
#include <optional>
#include <string>

#include <wholesale_ha/health/value.hpp>
#include <wholesale_ha/model/status.hpp>

namespace wholesale_ha::health {

struct AttributeReading {
  /// "#health-disk".
  std::string attribute;
  /// The id of the probe that sets it.
  std::string probe;
  /// Unset while the probe has never produced a value (not checked yet, or nothing to
  /// measure on this machine: `evidence` then says why).
  std::optional<HealthValue> value;
  /// When `value` took effect.
  model::Timestamp since = 0;
  /// When the probe last completed a run.
  model::Timestamp checked = 0;
  /// The facts behind the value: "sda: reallocated sectors 12 (+8 in 1h), pending sectors 3".
  std::string evidence;
  /// Red held until HealthMonitor::clear().
  bool sticky = false;
  /// The last run failed for this reason; `value` is the last one that could be judged.
  std::optional<std::string> error;

  friend bool operator==(const AttributeReading&, const AttributeReading&) = default;
};

/// A probe that failed, timed out or printed garbage (the reason names which).
struct ProbeError {
  std::string probe;
  std::string attribute;
  std::string reason;
  model::Timestamp at = 0;
  /// Failed runs in a row, this one included.
  std::uint32_t consecutive = 1;
};

}  // namespace wholesale_ha::health
