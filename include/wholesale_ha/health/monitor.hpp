#pragma once
// Runs health probes on an Asio executor, each on its own interval and timeout, judges their
// measurements with the rules, keeps the verdicts steady and publishes them as #health-*
// attributes. A failing probe is reported (event + log line) and never stops the others.
//
// Threading: every member function must be called on the executor's thread (give a strand
// when the io_context runs on several threads); every event fires on that executor.

#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include <wholesale_ha/events.hpp>
#include <wholesale_ha/health/config.hpp>
#include <wholesale_ha/health/probe.hpp>
#include <wholesale_ha/health/reading.hpp>
#include <wholesale_ha/health/settings.hpp>
#include <wholesale_ha/log.hpp>
#include <wholesale_ha/model/node.hpp>
#include <wholesale_ha/model/status.hpp>

namespace wholesale_ha::health {

class HealthMonitor {
 public:
  /// Seconds since the Unix epoch; the system clock by default.
  using Clock = std::function<model::Timestamp()>;

  HealthMonitor(boost::asio::any_io_executor executor, Logger logger, Clock clock = {});
  /// Stops; results of runs still in flight are dropped.
  ~HealthMonitor();
  HealthMonitor(const HealthMonitor&) = delete;
  HealthMonitor& operator=(const HealthMonitor&) = delete;

  /// Fails, adding nothing, when the id or attribute is already used, the attribute does not
  /// start with "#health-", or the interval or timeout is not positive.
  Result<void> add(std::shared_ptr<HealthProbe> probe, ProbeSettings settings);
  /// Adds every probe of a loaded configuration, or none.
  Result<void> add(const HealthConfig& config);

  /// Runs every probe now, then each again `interval` after its previous run started (a
  /// probe never overlaps itself).
  void start();
  /// Cancels the schedule; results of runs in flight are dropped and pending check_now()
  /// callbacks are called.
  void stop();
  /// Runs every probe once now (a probe already running is waited for) and calls `done` on
  /// the executor when each has reported or timed out. Works whether started or not.
  void check_now(std::function<void()> done);

  /// An operator's acknowledgement: ends a sticky red, makes sticky rules count only what
  /// happens from now on, and publishes the current verdict at once (skipping min_dwell).
  /// Returns false when no probe sets `attribute`.
  bool clear(std::string_view attribute);

  /// One reading per probe, sorted by attribute.
  [[nodiscard]] std::vector<AttributeReading> readings() const;
  [[nodiscard]] std::optional<AttributeReading> reading(std::string_view attribute) const;
  /// The attributes that have a value, as the controller puts them into
  /// ClusterState.nodes[<this node>].attributes: {"#health-disk": "red", ...}.
  [[nodiscard]] model::Attributes attributes() const;

  /// An attribute's published value changed (its first value included). Fires on the
  /// executor.
  Event<const AttributeReading&>& on_change() noexcept;
  /// A probe failed, timed out or printed garbage. Fires on the executor.
  Event<const ProbeError&>& on_probe_error() noexcept;
  /// A probe completed a run (whether or not anything changed). Fires on the executor.
  Event<const AttributeReading&>& on_check() noexcept;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace wholesale_ha::health
