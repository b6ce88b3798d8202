#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <wholesale_ha/events.hpp>

namespace {

using wholesale_ha::Event;

TEST(Event, SubscribersRunInOrderUntilDisconnected) {
  Event<const std::string&, int> moved;
  std::vector<std::string> seen;
  auto first = moved.subscribe([&](const std::string& r, int n) { seen.push_back(r + "#" + std::to_string(n)); });
  moved.subscribe([&](const std::string& r, int) { seen.push_back("second:" + r); });
  moved.emit("vm1", 1);
  first.disconnect();
  moved.emit("vm2", 2);
  EXPECT_EQ(seen, (std::vector<std::string>{"vm1#1", "second:vm1", "second:vm2"}));
  EXPECT_EQ(moved.subscriber_count(), 1U);
}

TEST(Event, ScopedConnectionEndsWithScope) {
  Event<> tick;
  int count = 0;
  {
    wholesale_ha::ScopedConnection c = tick.subscribe([&] { ++count; });
    tick.emit();
  }
  tick.emit();
  EXPECT_EQ(count, 1);
}

TEST(Event, HandlerMayDisconnectItselfDuringEmission) {
  Event<> tick;
  int count = 0;
  wholesale_ha::Connection self;
  self = tick.subscribe([&] {
    ++count;
    self.disconnect();
  });
  tick.emit();
  tick.emit();
  EXPECT_EQ(count, 1);
}

}  // namespace
