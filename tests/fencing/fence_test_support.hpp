#pragma once
// Shared by the fencing tests: the simulated power switch behind tests/data/fence/fence_wha_test,
// a log sink that keeps what was logged, and waiting for one handler.

#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <wholesale_ha/agents/agent.hpp>
#include <wholesale_ha/log.hpp>

#include "../support/io_wait.hpp"
#include "../support/real_processes.hpp"

namespace wha_test {

inline std::filesystem::path test_fence_agent() {
  return std::filesystem::path{WHA_SOURCE_DIR} / "tests/data/fence/fence_wha_test";
}

/// The state directory of fence_wha_test: one file per plug, the request log, the mode.
class PowerSwitch {
 public:
  [[nodiscard]] std::string dir() const { return dir_.path().string(); }

  void set(const std::string& plug, const std::string& power) const { write("plug." + plug, power); }
  [[nodiscard]] std::string power(const std::string& plug) const { return read("plug." + plug); }
  void set_mode(const std::string& mode) const { write("mode", mode); }

  /// One line per call: "argc=0 action=off ip=... plug=... nodename=...".
  [[nodiscard]] std::vector<std::string> requests() const {
    std::vector<std::string> out;
    std::istringstream in{read("requests.log")};
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

  [[nodiscard]] std::filesystem::path file(const std::string& name) const { return dir_.path() / name; }

 private:
  void write(const std::string& name, const std::string& text) const { std::ofstream{file(name)} << text << "\n"; }
  [[nodiscard]] std::string read(const std::string& name) const {
    std::ifstream in{file(name)};
    std::string text{std::istreambuf_iterator<char>{in}, {}};
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
  }

  ScratchDir dir_;
};

struct LogLine {
  wholesale_ha::LogLevel level;
  std::string component;
  std::string message;
};

class RecordingSink final : public wholesale_ha::LogSink {
 public:
  void write(wholesale_ha::LogLevel level, std::string_view component, std::string_view message) override {
    std::lock_guard lock{mutex_};
    lines_.push_back({level, std::string{component}, std::string{message}});
  }
  [[nodiscard]] std::vector<LogLine> lines() const {
    std::lock_guard lock{mutex_};
    return lines_;
  }
  [[nodiscard]] bool logged(wholesale_ha::LogLevel level, const std::string& part) const {
    for (const auto& l : lines()) {
      if (l.level == level && l.message.find(part) != std::string::npos) return true;
    }
    return false;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<LogLine> lines_;
};

/// Starts an operation and runs `io` until its handler has been called.
inline wholesale_ha::agents::Outcome wait_for(boost::asio::io_context& io,
                                              const std::function<void(wholesale_ha::agents::Handler)>& op) {
  std::optional<wholesale_ha::agents::Outcome> out;
  op([&](wholesale_ha::agents::Outcome r) { out = std::move(r); });
  EXPECT_TRUE(run_until(io, [&] { return out.has_value(); }, std::chrono::seconds{60}));
  return out.value_or(wholesale_ha::agents::Outcome{wholesale_ha::agents::Status::cancelled, "test deadline"});
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace wha_test
