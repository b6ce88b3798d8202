#pragma once
// Any executable as a probe: the generic escape hatch (RAID controllers, vendor tools, site
// checks). What it may print: command_output.hpp.

#include <wholesale_ha/health/config.hpp>
#include <wholesale_ha/health/probe.hpp>

namespace wholesale_ha::health::detail {

class CommandProbe final : public HealthProbe {
 public:
  explicit CommandProbe(CommandOptions options) : options_(std::move(options)) {}

  void check(const boost::asio::any_io_executor& executor, std::chrono::milliseconds timeout,
             Done done) override;
  [[nodiscard]] std::string_view kind() const override { return "command"; }
  [[nodiscard]] std::string describe() const override;

 private:
  CommandOptions options_;
};

}  // namespace wholesale_ha::health::detail
