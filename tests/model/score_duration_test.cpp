#include <gtest/gtest.h>

#include <wholesale_ha/model/duration.hpp>
#include <wholesale_ha/model/score.hpp>

namespace {

using namespace wholesale_ha::model;
using std::chrono::milliseconds;

TEST(Score, AdditionSaturatesAndBansWin) {
  EXPECT_EQ(add_scores(10, 20), 30);
  EXPECT_EQ(add_scores(kInfinity, 5), kInfinity);
  EXPECT_EQ(add_scores(kInfinity, kMinusInfinity), kMinusInfinity);
  EXPECT_EQ(add_scores(kMinusInfinity, kInfinity), kMinusInfinity);
  EXPECT_EQ(add_scores(900'000, 900'000), kInfinity);
  EXPECT_EQ(add_scores(-900'000, -900'000), kMinusInfinity);
}

TEST(Score, ParsesInfinityAndIntegers) {
  EXPECT_EQ(parse_score("INFINITY"), kInfinity);
  EXPECT_EQ(parse_score("+INFINITY"), kInfinity);
  EXPECT_EQ(parse_score("-infinity"), kMinusInfinity);
  EXPECT_EQ(parse_score("-25"), -25);
  EXPECT_EQ(parse_score("+7"), 7);
  EXPECT_EQ(parse_score("99999999999999999999"), kInfinity);
  EXPECT_EQ(parse_score("2000000"), kInfinity);
  EXPECT_FALSE(parse_score(""));
  EXPECT_FALSE(parse_score("high"));
  EXPECT_FALSE(parse_score("12abc"));
  EXPECT_EQ(score_to_string(kInfinity), "INFINITY");
  EXPECT_EQ(score_to_string(-3), "-3");
}

TEST(Duration, ParsesUnits) {
  EXPECT_EQ(parse_duration("45"), milliseconds{45'000});
  EXPECT_EQ(parse_duration("45s"), milliseconds{45'000});
  EXPECT_EQ(parse_duration("1500ms"), milliseconds{1'500});
  EXPECT_EQ(parse_duration("10min"), milliseconds{600'000});
  EXPECT_EQ(parse_duration("10m"), milliseconds{600'000});
  EXPECT_EQ(parse_duration("2h"), milliseconds{7'200'000});
  EXPECT_EQ(parse_duration("1d"), milliseconds{86'400'000});
  EXPECT_FALSE(parse_duration("-5s"));
  EXPECT_FALSE(parse_duration("5 s"));
  EXPECT_FALSE(parse_duration("s"));
  EXPECT_FALSE(parse_duration("5mins"));
  EXPECT_FALSE(parse_duration("99999999999999999999h"));
}

TEST(Duration, WritesShortestExactForm) {
  EXPECT_EQ(duration_to_string(milliseconds{0}), "0s");
  EXPECT_EQ(duration_to_string(milliseconds{1500}), "1500ms");
  EXPECT_EQ(duration_to_string(milliseconds{30'000}), "30s");
  EXPECT_EQ(duration_to_string(milliseconds{600'000}), "10min");
  EXPECT_EQ(duration_to_string(milliseconds{7'200'000}), "2h");
}

}  // namespace
