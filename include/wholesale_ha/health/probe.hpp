#pragma once
// What a health probe is and what it reports. A probe only reads the hardware: turning its
// measurements into a colour is the rules' job (rules.hpp), holding that colour steady is
// the monitor's (monitor.hpp).

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include <wholesale_ha/health/value.hpp>

namespace wholesale_ha::health {

/// One number a probe read: ("sda", "reallocated_sectors", 12).
struct Measurement {
  /// What was measured: "sda", "mc0/dimm3", "coretemp/Core 0", "CPU Temp".
  std::string subject;
  /// Identifies the subject for a human: "ST4000DM000 S/N Z300ABCD", "DIMM_A1".
  std::string subject_detail;
  /// The rules' name for the quantity: "reallocated_sectors", "ce_count", "crit_margin".
  std::string metric;
  double value = 0;
  /// "°C", "%" or "" (a count).
  std::string unit;
  /// How evidence states the fact when the default "<metric words> <value><unit>" would not
  /// read well: "SMART overall-health FAILED", "97°C, crit 100°C".
  std::string text;

  friend bool operator==(const Measurement&, const Measurement&) = default;
};

/// The outcome of one probe run.
struct ProbeResult {
  enum class Status {
    ok,           ///< measured (or judged) something
    unavailable,  ///< nothing to measure on this machine: no such hardware, tool or driver
    failed,       ///< the probe could not do its job: error, timeout, garbage output
  };

  Status status = Status::ok;
  std::vector<Measurement> measurements;
  /// Set by probes that judge by themselves (command, callback): the rules are skipped.
  std::optional<HealthValue> value;
  /// With `value`: the probe's own explanation.
  std::string evidence;
  /// Parts that could not be read while others could: "sdb: not available (No such device)".
  std::vector<std::string> notes;
  /// unavailable / failed: why, in one line.
  std::string reason;

  static ProbeResult judged(HealthValue value, std::string evidence);
  static ProbeResult unavailable(std::string reason);
  static ProbeResult failure(std::string reason);
};

std::string_view to_string(ProbeResult::Status status) noexcept;

/// A source of health information. Implementations are small classes, one per kind of
/// hardware or tool; they must never block the thread they are called on.
class HealthProbe {
 public:
  using Done = std::function<void(ProbeResult)>;

  virtual ~HealthProbe() = default;

  /// Starts one run and calls `done` exactly once with what it found. Work that may take
  /// time runs asynchronously on `executor` (external programs through process::async_run
  /// with `timeout`). `done` may be called from inside check() or later on `executor`.
  virtual void check(const boost::asio::any_io_executor& executor,
                     std::chrono::milliseconds timeout, Done done) = 0;

  /// "smart", "edac", "command", ...
  [[nodiscard]] virtual std::string_view kind() const = 0;

  /// What it reads, for logs and wha-health: "smartctl --json -a /dev/sda".
  [[nodiscard]] virtual std::string describe() const = 0;
};

}  // namespace wholesale_ha::health
