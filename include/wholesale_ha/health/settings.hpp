#pragma once
// How the monitor runs and judges one probe, whatever kind of probe it is.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <wholesale_ha/health/rules.hpp>
#include <wholesale_ha/health/stability.hpp>
#include <wholesale_ha/health/value.hpp>
#include <wholesale_ha/model/duration.hpp>

namespace wholesale_ha::health {

/// What a failing probe (error, timeout, garbage) does to its attribute.
struct ErrorPolicy {
  /// Unset: the attribute keeps its last value. Set: after `after` consecutive failed runs
  /// the attribute takes this value (through confirm / min_dwell like any other).
  std::optional<HealthValue> value;
  std::uint32_t after = 1;

  friend bool operator==(const ErrorPolicy&, const ErrorPolicy&) = default;
};

struct ProbeSettings {
  /// Unique among the monitor's probes; names it in logs and events.
  std::string id;
  /// "#health-disk": unique among the monitor's probes.
  std::string attribute;
  model::Duration interval{std::chrono::seconds{60}};
  model::Duration timeout{std::chrono::seconds{30}};
  std::vector<Rule> rules;
  Stability stability;
  ErrorPolicy on_error;

  friend bool operator==(const ProbeSettings&, const ProbeSettings&) = default;
};

}  // namespace wholesale_ha::health
