#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <wholesale_ha/log.hpp>

namespace {

using wholesale_ha::Logger;
using wholesale_ha::LogLevel;

struct Line {
  LogLevel level;
  std::string component;
  std::string message;
};

class RecordingSink final : public wholesale_ha::LogSink {
 public:
  void write(LogLevel level, std::string_view component, std::string_view message) override {
    std::lock_guard lock{mutex_};
    lines.push_back({level, std::string{component}, std::string{message}});
  }
  std::vector<Line> lines;

 private:
  std::mutex mutex_;
};

TEST(Logger, FormatsWithFmtAndFiltersByLevel) {
  auto sink = std::make_shared<RecordingSink>();
  Logger log{sink, LogLevel::info, "core"};
  log.debug("hidden {}", 1);
  log.info("resource {} moved to {}", "vm1", "n2");
  log.error("failcount {}", 3);
  ASSERT_EQ(sink->lines.size(), 2U);
  EXPECT_EQ(sink->lines[0].message, "resource vm1 moved to n2");
  EXPECT_EQ(sink->lines[0].component, "core");
  EXPECT_EQ(sink->lines[1].level, LogLevel::error);
}

TEST(Logger, ChildrenShareSinkAndLevel) {
  auto sink = std::make_shared<RecordingSink>();
  Logger root{sink, LogLevel::warn};
  Logger child = root.child("executor");
  child.info("not shown");
  root.set_level(LogLevel::debug);
  child.debug("shown");
  ASSERT_EQ(sink->lines.size(), 1U);
  EXPECT_EQ(sink->lines[0].component, "executor");
  EXPECT_TRUE(child.enabled(LogLevel::debug));
}

TEST(Logger, OffSilencesEverything) {
  auto sink = std::make_shared<RecordingSink>();
  Logger log{sink, LogLevel::off};
  log.error("nothing");
  EXPECT_TRUE(sink->lines.empty());
}

TEST(Logger, NullSinkAcceptsAnything) {
  Logger log{nullptr};
  log.error("dropped {}", "quietly");
  SUCCEED();
}

}  // namespace
