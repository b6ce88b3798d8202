#pragma once
// Shared helpers for the health tests: fixture paths, running one probe to completion,
// a clock the test moves by hand, and driving a monitor through check_now().

#include <chrono>
#include <filesystem>
#include <string>

#include <boost/asio/io_context.hpp>

#include <wholesale_ha/health/config.hpp>
#include <wholesale_ha/health/monitor.hpp>
#include <wholesale_ha/health/probe.hpp>
#include <wholesale_ha/log.hpp>

namespace wha_test {

/// tests/data/health/<relative>.
std::filesystem::path health_data(const std::string& relative);

/// Runs one check of `probe` on a private io_context until it answers.
wholesale_ha::health::ProbeResult run_probe(
    wholesale_ha::health::HealthProbe& probe,
    std::chrono::milliseconds timeout = std::chrono::seconds{20});

/// The probe `spec` describes, run once.
wholesale_ha::health::ProbeResult run_spec(const wholesale_ha::health::ProbeSpec& spec);

/// Seconds since the epoch that only move when the test says so.
struct ManualClock {
  wholesale_ha::model::Timestamp now = 1'795'590'000;
  [[nodiscard]] wholesale_ha::health::HealthMonitor::Clock function() {
    return [this] { return now; };
  }
};

/// Runs every probe of `monitor` once and waits for all of them.
void check_all(wholesale_ha::health::HealthMonitor& monitor, boost::asio::io_context& io);

/// A logger that discards everything (probe errors are expected in these tests).
wholesale_ha::Logger quiet_logger();

/// A scratch directory, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace wha_test
