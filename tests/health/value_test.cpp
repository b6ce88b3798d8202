// Health values: what an attribute may hold, and how values compare for placement.

#include <gtest/gtest.h>

#include <wholesale_ha/health/value.hpp>

namespace {

using namespace wholesale_ha::health;
namespace model = wholesale_ha::model;

TEST(HealthValue, ParsesColoursAnyCaseAndScores) {
  EXPECT_EQ(parse_health_value("green"), HealthValue{Colour::green});
  EXPECT_EQ(parse_health_value("YELLOW"), HealthValue{Colour::yellow});
  EXPECT_EQ(parse_health_value("Red"), HealthValue{Colour::red});
  EXPECT_EQ(parse_health_value("-20"), HealthValue::score(-20));
  EXPECT_EQ(parse_health_value("-INFINITY"), HealthValue::score(model::kMinusInfinity));
  EXPECT_FALSE(parse_health_value("amber"));
  EXPECT_FALSE(parse_health_value(""));
}

TEST(HealthValue, PrintsWhatThePolicyEngineReads) {
  EXPECT_EQ(HealthValue{Colour::red}.to_string(), "red");
  EXPECT_EQ(HealthValue::score(-20).to_string(), "-20");
  EXPECT_EQ(HealthValue::score(model::kMinusInfinity).to_string(), "-INFINITY");
}

TEST(HealthValue, OrdersFromWorstToBest) {
  const HealthValue red = Colour::red;
  const HealthValue yellow = Colour::yellow;
  const HealthValue green = Colour::green;
  EXPECT_TRUE(worse(red, HealthValue::score(model::kMinusInfinity)));
  EXPECT_TRUE(worse(HealthValue::score(-1), yellow));
  EXPECT_TRUE(worse(yellow, green));
  EXPECT_TRUE(worse(yellow, HealthValue::score(0)));
  EXPECT_TRUE(worse(green, HealthValue::score(5)));
  EXPECT_FALSE(worse(green, green));
  EXPECT_FALSE(worse(green, HealthValue::score(0)));
  EXPECT_FALSE(worse(HealthValue::score(0), green));
}

}  // namespace
