#pragma once
// #health-memory from the kernel's EDAC counters: corrected and uncorrected ECC errors per
// memory controller and per DIMM (or chip-select row on older drivers).

#include <wholesale_ha/health/config.hpp>
#include <wholesale_ha/health/probe.hpp>

namespace wholesale_ha::health::detail {

class EdacProbe final : public HealthProbe {
 public:
  explicit EdacProbe(EdacOptions options) : options_(std::move(options)) {}

  /// Reads sysfs right away: a few small files answered from kernel memory.
  void check(const boost::asio::any_io_executor& executor, std::chrono::milliseconds timeout,
             Done done) override;
  [[nodiscard]] std::string_view kind() const override { return "edac"; }
  [[nodiscard]] std::string describe() const override;

 private:
  [[nodiscard]] ProbeResult read() const;

  EdacOptions options_;
};

}  // namespace wholesale_ha::health::detail
