#pragma once
// Logging through a pluggable sink, so an embedding application routes our log lines into
// its own logger. No global logger: components receive a Logger and derive children from it.

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include <wholesale_ha/result.hpp>

namespace wholesale_ha {

enum class LogLevel { trace, debug, info, warn, error, off };

std::string_view to_string(LogLevel level) noexcept;

/// Receives formatted log lines. write() may be called from any thread the library runs
/// on; implementations must be thread-safe.
class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void write(LogLevel level, std::string_view component, std::string_view message) = 0;
};

/// "2026-11-25T06:17:13.123Z warn  [policy] message" lines on stderr, one write per line.
std::shared_ptr<LogSink> make_stderr_sink();
/// Discards everything.
std::shared_ptr<LogSink> make_null_sink();
/// Appends the same lines as the stderr sink to `path` (created if missing); fails (io) when
/// the file cannot be opened.
Result<std::shared_ptr<LogSink>> make_file_sink(const std::string& path);

/// A component's handle on a sink. Cheap to copy; children share the sink and the level.
class Logger {
 public:
  /// Info and above to stderr, component "wholesale_ha".
  Logger();
  explicit Logger(std::shared_ptr<LogSink> sink, LogLevel level = LogLevel::info,
                  std::string component = "wholesale_ha");

  /// A logger for a sub-component ("executor", "agent/ocf") on the same sink and level.
  [[nodiscard]] Logger child(std::string_view component) const;

  /// Changes the level of this logger and of every logger derived from the same root.
  void set_level(LogLevel level) noexcept;
  [[nodiscard]] LogLevel level() const noexcept;
  [[nodiscard]] bool enabled(LogLevel level) const noexcept;
  [[nodiscard]] const std::string& component() const noexcept { return component_; }

  template <class... Args>
  void log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) const {
    if (!enabled(level)) return;
    write(level, fmt::format(format, std::forward<Args>(args)...));
  }

  template <class... Args>
  void trace(fmt::format_string<Args...> format, Args&&... args) const {
    log(LogLevel::trace, format, std::forward<Args>(args)...);
  }
  template <class... Args>
  void debug(fmt::format_string<Args...> format, Args&&... args) const {
    log(LogLevel::debug, format, std::forward<Args>(args)...);
  }
  template <class... Args>
  void info(fmt::format_string<Args...> format, Args&&... args) const {
    log(LogLevel::info, format, std::forward<Args>(args)...);
  }
  template <class... Args>
  void warn(fmt::format_string<Args...> format, Args&&... args) const {
    log(LogLevel::warn, format, std::forward<Args>(args)...);
  }
  template <class... Args>
  void error(fmt::format_string<Args...> format, Args&&... args) const {
    log(LogLevel::error, format, std::forward<Args>(args)...);
  }

 private:
  struct Shared {
    Shared(std::shared_ptr<LogSink> s, LogLevel l) : sink(std::move(s)), level(l) {}
    std::shared_ptr<LogSink> sink;
    std::atomic<LogLevel> level;
  };

  Logger(std::shared_ptr<Shared> shared, std::string component);
  void write(LogLevel level, std::string_view message) const;

  std::shared_ptr<Shared> shared_;
  std::string component_;
};

}  // namespace wholesale_ha
