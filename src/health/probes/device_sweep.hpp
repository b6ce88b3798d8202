#pragma once
// Probes that read several devices with one tool run each (smartctl, nvme-cli): the runs go
// one after another (a disk is never asked twice at once, the host never gets a burst of
// tools), and the run reports one result for all of them.

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include <wholesale_ha/health/probe.hpp>
#include <wholesale_ha/process/child_process.hpp>

namespace wholesale_ha::health::detail {

struct DeviceJob {
  std::string subject;
  process::Command command;
  /// The device's result from its tool run.
  std::function<ProbeResult(const process::Outcome&)> interpret;
};

/// Runs `jobs` in order on `executor` within `timeout` for all of them, then calls `done`
/// with merge_device_results().
void sweep_devices(const boost::asio::any_io_executor& executor, std::vector<DeviceJob> jobs,
                   std::chrono::milliseconds timeout, HealthProbe::Done done);

/// (subject, result) per device → one result. Nothing measured: failed if any device
/// failed, otherwise unavailable. Otherwise ok, with the other devices as notes.
ProbeResult merge_device_results(std::vector<std::pair<std::string, ProbeResult>> results);

/// The subject for a device path: "/dev/sda" → "sda".
std::string device_subject(const std::string& path);

}  // namespace wholesale_ha::health::detail
