// Self-fencing: the survivors' side is a wait. It reports success only once the deadline has
// passed, refuses a deadline the fence timeout cannot cover, and never answers inside fence().

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <wholesale_ha/fencing/self_fence.hpp>

namespace {

using namespace std::chrono_literals;
namespace agents = wholesale_ha::agents;
using wholesale_ha::fencing::SelfFenceWait;

TEST(SelfFenceWait, SucceedsOnlyAfterTheDeadline) {
  boost::asio::io_context io;
  SelfFenceWait fencer{io.get_executor(), 100ms};
  std::optional<agents::Outcome> result;
  const auto started = std::chrono::steady_clock::now();
  fencer.fence("n3", 10s, [&](agents::Outcome r) { result = std::move(r); });
  EXPECT_FALSE(result) << "answered inside fence()";
  io.run();
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->ok()) << result->reason;
  EXPECT_GE(std::chrono::steady_clock::now() - started, 100ms);  // a lower bound: the timer's guarantee
  EXPECT_NE(result->reason.find("n3 lost quorum"), std::string::npos) << result->reason;
}

TEST(SelfFenceWait, RefusesADeadlineLongerThanTheFenceTimeout) {
  boost::asio::io_context io;
  SelfFenceWait fencer{io.get_executor(), 30s};
  std::optional<agents::Outcome> result;
  fencer.fence("n3", 5s, [&](agents::Outcome r) { result = std::move(r); });
  EXPECT_FALSE(result) << "answered inside fence()";
  io.run();
  ASSERT_TRUE(result);
  EXPECT_FALSE(result->ok());
  EXPECT_NE(result->reason.find("longer than the fence timeout"), std::string::npos) << result->reason;
}

}  // namespace
