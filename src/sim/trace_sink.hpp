#pragma once
// Log lines of the simulated cores on stderr, stamped with virtual time and the node.

#include <chrono>
#include <cstdio>

#include <fmt/format.h>

#include <wholesale_ha/log.hpp>

namespace wholesale_ha::sim {

class TraceSink final : public LogSink {
 public:
  explicit TraceSink(const std::chrono::milliseconds& now) : now_(now) {}
  void write(LogLevel level, std::string_view component, std::string_view message) override {
    fmt::print(stderr, "{:>10.3f} {:<5} [{}] {}\n", static_cast<double>(now_.count()) / 1000, to_string(level),
               component, message);
  }

 private:
  const std::chrono::milliseconds& now_;
};

}  // namespace wholesale_ha::sim
