#pragma once
// Building probes: from a configuration entry, or from the embedding application's own
// in-process check.

#include <functional>
#include <memory>
#include <string>

#include <wholesale_ha/health/config.hpp>
#include <wholesale_ha/health/probe.hpp>

namespace wholesale_ha::health {

/// The probe a configuration entry describes (smart, nvme, edac, hwmon, ipmi, cpu, command).
std::shared_ptr<HealthProbe> make_probe(const ProbeSpec& spec);

/// A check the embedding application implements in-process ("is my storage backend
/// reachable?"). It runs on the monitor's executor and must not block: start the work and
/// call `report` when it is done, from any thread. A report after the probe's timeout is
/// ignored; an exception from the check is a probe error.
class CallbackProbe final : public HealthProbe {
 public:
  using Check = std::function<void(Done report)>;

  explicit CallbackProbe(Check check, std::string description = "callback");

  /// For checks that answer at once: `answer` runs on the executor.
  static std::shared_ptr<CallbackProbe> immediate(std::function<ProbeResult()> answer,
                                                  std::string description = "callback");

  void check(const boost::asio::any_io_executor& executor, std::chrono::milliseconds timeout,
             Done done) override;
  [[nodiscard]] std::string_view kind() const override { return "callback"; }
  [[nodiscard]] std::string describe() const override { return description_; }

 private:
  Check check_;
  std::string description_;
};

}  // namespace wholesale_ha::health
