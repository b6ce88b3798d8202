#pragma once
// #health-disk from nvme-cli's SMART / Health log, for hosts without smartctl.

#include <wholesale_ha/health/config.hpp>
#include <wholesale_ha/health/probe.hpp>

namespace wholesale_ha::health::detail {

class NvmeProbe final : public HealthProbe {
 public:
  explicit NvmeProbe(NvmeOptions options) : options_(std::move(options)) {}

  void check(const boost::asio::any_io_executor& executor, std::chrono::milliseconds timeout,
             Done done) override;
  [[nodiscard]] std::string_view kind() const override { return "nvme"; }
  [[nodiscard]] std::string describe() const override;

 private:
  NvmeOptions options_;
};

}  // namespace wholesale_ha::health::detail
