#pragma once
// #health-cpu from /proc: machine-check exceptions the kernel survived, thermal throttling
// events, and the load per CPU.

#include <wholesale_ha/health/config.hpp>
#include <wholesale_ha/health/probe.hpp>

namespace wholesale_ha::health::detail {

class CpuProbe final : public HealthProbe {
 public:
  explicit CpuProbe(CpuOptions options) : options_(std::move(options)) {}

  /// Reads procfs right away: two small files answered from kernel memory.
  void check(const boost::asio::any_io_executor& executor, std::chrono::milliseconds timeout,
             Done done) override;
  [[nodiscard]] std::string_view kind() const override { return "cpu"; }
  [[nodiscard]] std::string describe() const override;

 private:
  [[nodiscard]] ProbeResult read() const;

  CpuOptions options_;
};

}  // namespace wholesale_ha::health::detail
