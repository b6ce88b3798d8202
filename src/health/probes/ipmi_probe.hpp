#pragma once
// #health-ipmi from the BMC's sensor states (ipmitool sdr elist), local or remote.

#include <wholesale_ha/health/config.hpp>
#include <wholesale_ha/health/probe.hpp>

namespace wholesale_ha::health::detail {

class IpmiProbe final : public HealthProbe {
 public:
  explicit IpmiProbe(IpmiOptions options) : options_(std::move(options)) {}

  void check(const boost::asio::any_io_executor& executor, std::chrono::milliseconds timeout,
             Done done) override;
  [[nodiscard]] std::string_view kind() const override { return "ipmi"; }
  [[nodiscard]] std::string describe() const override;

 private:
  [[nodiscard]] std::vector<std::string> arguments() const;

  IpmiOptions options_;
};

}  // namespace wholesale_ha::health::detail
