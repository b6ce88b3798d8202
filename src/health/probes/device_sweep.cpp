#include "device_sweep.hpp"

#include <chrono>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

namespace wholesale_ha::health::detail {
namespace {

struct Sweep : std::enable_shared_from_this<Sweep> {
  boost::asio::any_io_executor executor;
  std::vector<DeviceJob> jobs;
  HealthProbe::Done done;
  std::chrono::steady_clock::time_point deadline;
  std::vector<std::pair<std::string, ProbeResult>> results;

  void next() {
    if (results.size() == jobs.size()) {
      done(merge_device_results(std::move(results)));
      return;
    }
    DeviceJob& job = jobs[results.size()];
    // The run's timeout covers every device: each tool gets what is left of it.
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      results.emplace_back(job.subject, ProbeResult::failure("not read: the run's timeout expired"));
      next();
      return;
    }
    job.command.timeout = left;
    process::async_run(executor, job.command, [self = shared_from_this()](process::Outcome r) {
      DeviceJob& finished = self->jobs[self->results.size()];
      self->results.emplace_back(finished.subject, finished.interpret(r));
      self->next();
    });
  }
};

}  // namespace

void sweep_devices(const boost::asio::any_io_executor& executor, std::vector<DeviceJob> jobs,
                   std::chrono::milliseconds timeout, HealthProbe::Done done) {
  auto sweep = std::make_shared<Sweep>();
  sweep->deadline = std::chrono::steady_clock::now() + timeout;
  sweep->executor = executor;
  sweep->jobs = std::move(jobs);
  sweep->done = std::move(done);
  sweep->next();
}

ProbeResult merge_device_results(std::vector<std::pair<std::string, ProbeResult>> results) {
  ProbeResult merged;
  std::vector<std::string> unavailable;
  std::vector<std::string> failed;
  for (auto& [subject, result] : results) {
    switch (result.status) {
      case ProbeResult::Status::ok:
        for (auto& m : result.measurements) merged.measurements.push_back(std::move(m));
        for (auto& note : result.notes) merged.notes.push_back(std::move(note));
        break;
      case ProbeResult::Status::unavailable:
        unavailable.push_back(fmt::format("{}: {}", subject, result.reason));
        break;
      case ProbeResult::Status::failed:
        failed.push_back(fmt::format("{}: {}", subject, result.reason));
        break;
    }
  }
  if (merged.measurements.empty()) {
    if (!failed.empty()) {
      failed.insert(failed.end(), unavailable.begin(), unavailable.end());
      return ProbeResult::failure(fmt::format("{}", fmt::join(failed, "; ")));
    }
    if (unavailable.empty()) return ProbeResult::unavailable("no devices");
    return ProbeResult::unavailable(fmt::format("{}", fmt::join(unavailable, "; ")));
  }
  for (const auto& text : failed) merged.notes.push_back("error: " + text);
  for (const auto& text : unavailable) merged.notes.push_back("not available: " + text);
  return merged;
}

std::string device_subject(const std::string& path) {
  auto name = std::filesystem::path{path}.filename().string();
  return name.empty() ? path : name;
}

}  // namespace wholesale_ha::health::detail
