// Keeping a published value steady: confirm before worsening, min_dwell before improving,
// sticky red until cleared. Pure steps with the time given by the test.

#include <gtest/gtest.h>

#include <wholesale_ha/health/stability.hpp>

namespace {

using namespace wholesale_ha::health;
using namespace std::chrono_literals;
using wholesale_ha::model::Timestamp;

constexpr Timestamp kT0 = 1'795'590'000;
const HealthValue kGreen = Colour::green;
const HealthValue kYellow = Colour::yellow;
const HealthValue kRed = Colour::red;

/// Feeds `verdicts` one per `step` seconds and returns the published value after each.
std::vector<HealthValue> feed(const Stability& s, const std::vector<HealthValue>& verdicts,
                              int step = 30, StableValue state = {}) {
  std::vector<HealthValue> out;
  Timestamp now = kT0;
  for (const auto& v : verdicts) {
    state = stabilise(state, v, false, now, s);
    out.push_back(state.published.value_or(HealthValue::score(12345)));
    now += step;
  }
  return out;
}

TEST(Stability, WithoutDelaysEveryVerdictIsPublished) {
  EXPECT_EQ(feed({}, {kGreen, kRed, kGreen, kYellow}),
            (std::vector<HealthValue>{kGreen, kRed, kGreen, kYellow}));
}

TEST(Stability, MinDwellKeepsABadValueUntilTheGoodOneHasLasted) {
  const Stability s{0s, 120s};
  // A flapping sensor: red, green, red, green every 30s never gets back to green.
  EXPECT_EQ(feed(s, {kGreen, kRed, kGreen, kRed, kGreen, kGreen}),
            (std::vector<HealthValue>{kGreen, kRed, kRed, kRed, kRed, kRed}));
  // Green for 120s (five samples 30s apart) is published.
  EXPECT_EQ(feed(s, {kRed, kGreen, kGreen, kGreen, kGreen, kGreen}),
            (std::vector<HealthValue>{kRed, kRed, kRed, kRed, kRed, kGreen}));
}

TEST(Stability, ConfirmDelaysWorseningOnly) {
  const Stability s{60s, 0s};
  // A one-sample spike is never published; a lasting one is, after 60s.
  EXPECT_EQ(feed(s, {kGreen, kRed, kGreen, kRed, kRed, kRed, kGreen}),
            (std::vector<HealthValue>{kGreen, kGreen, kGreen, kGreen, kGreen, kRed, kGreen}));
}

TEST(Stability, ConfirmAppliesToABadFirstVerdict) {
  const Stability s{60s, 0s};
  StableValue state = stabilise({}, kRed, false, kT0, s);
  EXPECT_FALSE(state.published);
  EXPECT_EQ(state.pending, kRed);
  state = stabilise(state, kRed, false, kT0 + 60, s);
  EXPECT_EQ(state.published, kRed);
  // A good first verdict needs no confirmation.
  EXPECT_EQ(stabilise({}, kGreen, false, kT0, s).published, kGreen);
}

TEST(Stability, WorseningWithinAStreakKeepsItsStart) {
  const Stability s{60s, 0s};
  // yellow at 0, red at 30, red at 60: the streak of "worse than green" began at 0.
  EXPECT_EQ(feed(s, {kGreen, kYellow, kRed, kRed}),
            (std::vector<HealthValue>{kGreen, kGreen, kGreen, kRed}));
}

TEST(Stability, StickyRedLatchesUntilReset) {
  StableValue state = stabilise({}, kGreen, false, kT0, {});
  state = stabilise(state, kRed, true, kT0 + 30, {60s, 0s});
  EXPECT_EQ(state.published, kRed);  // sticky red skips confirm
  EXPECT_TRUE(state.latched);
  state = stabilise(state, kGreen, false, kT0 + 3600, {});
  EXPECT_EQ(state.published, kRed);
  EXPECT_EQ(state.since, kT0 + 30);
  state = reset_to(kGreen, kT0 + 3601);
  EXPECT_EQ(state.published, kGreen);
  EXPECT_FALSE(state.latched);
}

}  // namespace
