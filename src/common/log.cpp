#include <wholesale_ha/log.hpp>
#include <wholesale_ha/utf8.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

namespace wholesale_ha {
namespace {

/// "2026-11-25T06:17:13.123Z warn  [policy] message\n".
std::string format_line(LogLevel level, std::string_view component, std::string_view message);

/// One write(2) per line keeps lines from concurrent threads (and processes) whole.
void write_all(int fd, std::string_view rest) {
  while (!rest.empty()) {
    auto n = ::write(fd, rest.data(), rest.size());
    if (n <= 0) break;
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
}

class StderrSink final : public LogSink {
 public:
  void write(LogLevel level, std::string_view component, std::string_view message) override {
    write_all(STDERR_FILENO, format_line(level, component, message));
  }
};

class FileSink final : public LogSink {
 public:
  explicit FileSink(int fd) : fd_(fd) {}
  ~FileSink() override { ::close(fd_); }
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;
  void write(LogLevel level, std::string_view component, std::string_view message) override {
    write_all(fd_, format_line(level, component, message));
  }

 private:
  int fd_;
};

std::string format_line(LogLevel level, std::string_view component, std::string_view message) {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const auto seconds = system_clock::to_time_t(now);
  const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z {:<5} [{}] {}\n", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis, to_string(level),
                     component, message);
}

class NullSink final : public LogSink {
 public:
  void write(LogLevel, std::string_view, std::string_view) override {}
};

}  // namespace

std::string_view to_string(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::trace: return "trace";
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
    case LogLevel::off: return "off";
  }
  return "?";
}

std::shared_ptr<LogSink> make_stderr_sink() { return std::make_shared<StderrSink>(); }
std::shared_ptr<LogSink> make_null_sink() { return std::make_shared<NullSink>(); }

Result<std::shared_ptr<LogSink>> make_file_sink(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Diagnostic::error(Errc::io, "", fmt::format("cannot open {}: {}", valid_utf8(path), std::strerror(errno)));
  return std::shared_ptr<LogSink>{std::make_shared<FileSink>(fd)};
}

Logger::Logger() : Logger(make_stderr_sink()) {}

Logger::Logger(std::shared_ptr<LogSink> sink, LogLevel level, std::string component)
    : shared_(std::make_shared<Shared>(sink ? std::move(sink) : make_null_sink(), level)),
      component_(std::move(component)) {}

Logger::Logger(std::shared_ptr<Shared> shared, std::string component)
    : shared_(std::move(shared)), component_(std::move(component)) {}

Logger Logger::child(std::string_view component) const {
  return Logger{shared_, std::string{component}};
}

void Logger::set_level(LogLevel level) noexcept { shared_->level.store(level); }
LogLevel Logger::level() const noexcept { return shared_->level.load(); }

bool Logger::enabled(LogLevel level) const noexcept {
  return level != LogLevel::off && level >= shared_->level.load(std::memory_order_relaxed);
}

void Logger::write(LogLevel level, std::string_view message) const {
  shared_->sink->write(level, component_, message);
}

}  // namespace wholesale_ha
