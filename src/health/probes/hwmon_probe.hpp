#pragma once
// #health-thermal from hwmon temperature sensors, against the limits each chip declares
// (temp*_max, temp*_crit).

#include <wholesale_ha/health/config.hpp>
#include <wholesale_ha/health/probe.hpp>

namespace wholesale_ha::health::detail {

class HwmonProbe final : public HealthProbe {
 public:
  explicit HwmonProbe(HwmonOptions options) : options_(std::move(options)) {}

  /// Reads sysfs right away: a few small files answered from kernel memory.
  void check(const boost::asio::any_io_executor& executor, std::chrono::milliseconds timeout,
             Done done) override;
  [[nodiscard]] std::string_view kind() const override { return "hwmon"; }
  [[nodiscard]] std::string describe() const override;

 private:
  [[nodiscard]] ProbeResult read() const;

  HwmonOptions options_;
};

}  // namespace wholesale_ha::health::detail
