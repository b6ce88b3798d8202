#include "smart_probe.hpp"

#include <fmt/format.h>

#include "device_sweep.hpp"
#include "smartctl_json.hpp"
#include "tool.hpp"

namespace wholesale_ha::health::detail {
namespace {

/// "sda", or "0[megaraid,0]" when the type names a disk behind a controller.
std::string subject_of(const SmartDevice& device) {
  std::string subject = device_subject(device.path);
  if (device.type.find(',') != std::string::npos) subject += "[" + device.type + "]";
  return subject;
}

void read_devices(const boost::asio::any_io_executor& executor, const SmartOptions& options,
                  const std::vector<SmartDevice>& devices, std::chrono::milliseconds timeout,
                  HealthProbe::Done done) {
  std::vector<DeviceJob> jobs;
  for (const auto& device : devices) {
    std::vector<std::string> args{"--json", "-a"};
    if (!device.type.empty()) args.insert(args.end(), {"-d", device.type});
    args.push_back(device.path);
    std::string subject = subject_of(device);
    jobs.push_back({subject, tool_command(options.tool, std::move(args), timeout),
                    [tool = options.tool, subject, timeout](const process::Outcome& r) {
                      if (auto problem = tool_problem(r, tool, timeout)) return std::move(*problem);
                      // A non-zero status is normal: its bits report what smartctl found.
                      return parse_smartctl_device(subject, r.out);
                    }});
  }
  sweep_devices(executor, std::move(jobs), timeout, std::move(done));
}

}  // namespace

void SmartProbe::check(const boost::asio::any_io_executor& executor,
                       std::chrono::milliseconds timeout, Done done) {
  if (!options_.devices.empty()) {
    read_devices(executor, options_, options_.devices, timeout, std::move(done));
    return;
  }
  // No device list: ask smartctl each run, so disks added or replaced are picked up.
  const auto started = std::chrono::steady_clock::now();
  process::async_run(
      executor, tool_command(options_.tool, {"--json", "--scan"}, timeout),
      [options = options_, executor, timeout, started, done = std::move(done)](process::Outcome r) mutable {
        if (auto problem = tool_problem(r, options.tool, timeout)) {
          done(std::move(*problem));
          return;
        }
        std::string error;
        auto devices = parse_smartctl_scan(r.out, error);
        if (!error.empty()) {
          done(ProbeResult::failure(error));
          return;
        }
        if (devices.empty()) {
          done(ProbeResult::unavailable("smartctl --scan found no disks"));
          return;
        }
        const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started);
        read_devices(executor, options, devices, timeout - spent, std::move(done));
      });
}

std::string SmartProbe::describe() const {
  if (options_.devices.empty()) return options_.tool + " --json -a (every disk of --scan)";
  std::vector<std::string> paths;
  for (const auto& d : options_.devices) paths.push_back(d.path);
  return fmt::format("{} --json -a {}", options_.tool, fmt::join(paths, " "));
}

}  // namespace wholesale_ha::health::detail
