#pragma once
// What a controller does, for the monitoring systems operators already run: node health per
// attribute and the age of its evidence, failcounts, actions by kind and result with their
// durations, migrations in flight and bytes left, quorum, the coordinator, plan times and
// failover capacity — as OpenMetrics text (or Prometheus' classic text format), the body
// of a scrape. wha-node serves it over HTTP (docs/metrics.md); an embedder serves it however
// it likes.
//
// Counters and histograms accumulate from the controller's events; everything else is read
// from its state when the text is made (nothing is stored twice). Threading: construct,
// feed and render on the controller's strand; destroy before the controller.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <wholesale_ha/controller.hpp>
#include <wholesale_ha/events.hpp>
#include <wholesale_ha/health/reading.hpp>

namespace wholesale_ha {

/// The two text formats a scraper may ask for (HTTP Accept).
enum class MetricsFormat {
  openmetrics,  ///< application/openmetrics-text; version=1.0.0 (ends with "# EOF")
  prometheus,   ///< text/plain; version=0.0.4
};

/// The Content-Type header of `format`.
[[nodiscard]] std::string_view content_type(MetricsFormat format) noexcept;
/// OpenMetrics when an HTTP Accept header asks for it, the classic format otherwise.
[[nodiscard]] MetricsFormat negotiate_format(std::string_view accept) noexcept;

/// A running migration's progress as its backend reports it (libvirt's job statistics).
struct MigrationSample {
  std::string resource;
  std::string from;
  std::string to;
  std::uint64_t bytes_total = 0;
  std::uint64_t bytes_remaining = 0;
  bool complete = false;
};

class Metrics {
 public:
  /// Seconds since the epoch (evidence ages); the system clock by default.
  using Clock = std::function<double()>;

  explicit Metrics(Controller& controller, Clock clock = {});
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  /// A migration's progress (from LibvirtBackend::on_migration_progress, or any backend's
  /// equivalent); forgotten when the migration completes or its action ends.
  void migration_progress(const MigrationSample& sample);

  /// The scrape body. `local_health`: this node's probe readings (HealthMonitor::readings()),
  /// for the evidence age of each attribute; `local_node` names this node in labels.
  [[nodiscard]] std::string render(MetricsFormat format, std::string_view local_node = {},
                                   std::span<const health::AttributeReading> local_health = {}) const;

  /// The upper bounds of the action-duration histogram, in seconds (+Inf is implied).
  static constexpr double kDurationBuckets[] = {0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};
  /// The same for plan durations.
  static constexpr double kPlanBuckets[] = {0.0001, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5};

 private:
  struct Histogram {
    std::vector<std::uint64_t> counts;  ///< per bucket, not cumulative; the last is +Inf
    double sum = 0;
    std::uint64_t count = 0;
    void observe(std::span<const double> bounds, double value);
  };

  void action_started(const policy::Action& action);
  void action_finished(const executor::ActionResult& result);

  Controller& controller_;
  Clock clock_;
  /// (kind, result) -> count; result is the agent status ("success", "timed_out", ...) or "skipped".
  std::map<std::pair<std::string, std::string>, std::uint64_t> actions_;
  std::map<std::string, Histogram> durations_;  ///< by action kind
  Histogram plans_;
  std::uint64_t plans_with_actions_ = 0;
  /// Migrations under way, by resource: (from, to); and their last progress samples.
  std::map<std::string, std::pair<std::string, std::string>, std::less<>> migrating_;
  std::map<std::string, MigrationSample, std::less<>> progress_;
  std::uint64_t resource_failures_ = 0;
  /// (action, result) -> repairs in place of recovery ladders; result as for actions_.
  std::map<std::pair<std::string, std::string>, std::uint64_t> repairs_;
  std::optional<policy::Survivability> capacity_;
  std::string coordinator_;
  ScopedConnection started_, finished_, failed_, repaired_, planned_, capacity_changed_, membership_;
};

}  // namespace wholesale_ha
