#include "health_test_support.hpp"

#include <stdlib.h>

#include <optional>

#include <gtest/gtest.h>

#include <wholesale_ha/health/probes.hpp>

namespace wha_test {

namespace health = wholesale_ha::health;

std::filesystem::path health_data(const std::string& relative) {
  return std::filesystem::path{WHA_SOURCE_DIR} / "tests" / "data" / "health" / relative;
}

health::ProbeResult run_probe(health::HealthProbe& probe, std::chrono::milliseconds timeout) {
  boost::asio::io_context io;
  std::optional<health::ProbeResult> out;
  probe.check(io.get_executor(), timeout, [&](health::ProbeResult r) { out = std::move(r); });
  io.run();
  EXPECT_TRUE(out.has_value()) << probe.describe() << " never answered";
  return out.value_or(health::ProbeResult::failure("never answered"));
}

health::ProbeResult run_spec(const health::ProbeSpec& spec) {
  auto probe = health::make_probe(spec);
  return run_probe(*probe);
}

void check_all(health::HealthMonitor& monitor, boost::asio::io_context& io) {
  bool done = false;
  monitor.check_now([&] { done = true; });
  while (!done && io.run_one() > 0) {
  }
  ASSERT_TRUE(done) << "check_now() never completed";
  // Let cancelled timers and finished children wind down before the next round.
  io.poll();
  io.restart();
}

wholesale_ha::Logger quiet_logger() { return wholesale_ha::Logger{wholesale_ha::make_null_sink()}; }

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "wha-health-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace wha_test
