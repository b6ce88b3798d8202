#include "journal_sink.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace wha_node {
namespace {

int syslog_priority(wholesale_ha::LogLevel level) {
  using wholesale_ha::LogLevel;
  switch (level) {
    case LogLevel::error: return 3;
    case LogLevel::warn: return 4;
    case LogLevel::info: return 6;
    default: return 7;
  }
}

class JournalSink final : public wholesale_ha::LogSink {
 public:
  void write(wholesale_ha::LogLevel level, std::string_view component, std::string_view message) override {
    // One write() per line keeps lines whole when threads log at once.
    std::string line = fmt::format("<{}>[{}] {}", syslog_priority(level), component, message);
    // journald splits at newlines, and a continuation would lose the priority: one entry.
    std::replace(line.begin(), line.end(), '\n', ' ');
    line += '\n';
    const char* p = line.data();
    std::size_t left = line.size();
    while (left > 0) {
      const ssize_t n = ::write(STDERR_FILENO, p, left);
      if (n <= 0) return;  // nowhere to say it; never throw from logging
      p += n;
      left -= static_cast<std::size_t>(n);
    }
  }
};

}  // namespace

bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  struct stat st {};
  if (::fstat(STDERR_FILENO, &st) != 0) return false;
  return std::string{stream} == fmt::format("{}:{}", st.st_dev, st.st_ino);
}

std::shared_ptr<wholesale_ha::LogSink> make_journal_sink() { return std::make_shared<JournalSink>(); }

}  // namespace wha_node
