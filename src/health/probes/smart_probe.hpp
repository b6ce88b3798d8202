#pragma once
// #health-disk from smartctl: SATA, SAS and NVMe disks, listed or found by `smartctl --scan`.

#include <wholesale_ha/health/config.hpp>
#include <wholesale_ha/health/probe.hpp>

namespace wholesale_ha::health::detail {

class SmartProbe final : public HealthProbe {
 public:
  explicit SmartProbe(SmartOptions options) : options_(std::move(options)) {}

  void check(const boost::asio::any_io_executor& executor, std::chrono::milliseconds timeout,
             Done done) override;
  [[nodiscard]] std::string_view kind() const override { return "smart"; }
  [[nodiscard]] std::string describe() const override;

 private:
  SmartOptions options_;
};

}  // namespace wholesale_ha::health::detail
