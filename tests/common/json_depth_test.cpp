// The stackless nesting scan run before nlohmann parses outside JSON: what it counts and
// what it skips.

#include <gtest/gtest.h>

#include <wholesale_ha/json_depth.hpp>

namespace {

using wholesale_ha::json_too_deep;

TEST(JsonDepth, CountsArraysAndObjects) {
  EXPECT_EQ(json_too_deep(R"({"a":[1,{"b":2}]})", 3), std::nullopt);
  EXPECT_EQ(json_too_deep(R"({"a":[1,{"b":2}]})", 2), 8u);
  EXPECT_EQ(json_too_deep("[[],[],[]]", 2), std::nullopt);
  EXPECT_EQ(json_too_deep("42", 0), std::nullopt);
  EXPECT_EQ(json_too_deep("[", 0), 0u);
}

TEST(JsonDepth, SkipsBracketsInStrings) {
  EXPECT_EQ(json_too_deep(R"(["[[[{{{", "\"[[[", "\\"])", 1), std::nullopt);
  EXPECT_EQ(json_too_deep(R"(["\\", [1]])", 1), 7u);
}

TEST(JsonDepth, StaysFlatOnDeepInput) {
  const std::string deep = std::string(1'000'000, '[') + std::string(1'000'000, ']');
  EXPECT_EQ(json_too_deep(deep, 128), 128u);
  EXPECT_EQ(json_too_deep(deep, 1'000'000), std::nullopt);
}

}  // namespace
