#include "nvme_probe.hpp"

#include <fmt/format.h>

#include "device_sweep.hpp"
#include "nvme_health.hpp"
#include "tool.hpp"

namespace wholesale_ha::health::detail {

void NvmeProbe::check(const boost::asio::any_io_executor& executor,
                      std::chrono::milliseconds timeout, Done done) {
  std::vector<DeviceJob> jobs;
  for (const auto& device : options_.devices) {
    std::string subject = device_subject(device);
    jobs.push_back(
        {subject, tool_command(options_.tool, {"smart-log", device, "-o", "json"}, timeout),
         [tool = options_.tool, subject, timeout](const process::Outcome& r) {
           if (auto problem = tool_problem(r, tool, timeout)) return std::move(*problem);
           if (r.exit_code != 0) {
             const std::string said = first_line(r.err.empty() ? r.out : r.err);
             // A device that does not exist is absent hardware, not a failing probe.
             if (said.find("No such file") != std::string::npos ||
                 said.find("No such device") != std::string::npos) {
               return ProbeResult::unavailable(said);
             }
             return ProbeResult::failure(
                 fmt::format("{} {}: {}", tool, r.describe(), said.empty() ? "no message" : said));
           }
           return parse_nvme_smart_log(subject, r.out);
         }});
  }
  sweep_devices(executor, std::move(jobs), timeout, std::move(done));
}

std::string NvmeProbe::describe() const {
  return fmt::format("{} smart-log -o json {}", options_.tool, fmt::join(options_.devices, " "));
}

}  // namespace wholesale_ha::health::detail
