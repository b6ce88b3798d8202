// The corosync envelope: whatever a member sends, decoding ends in messages or an error.

#include <gtest/gtest.h>

#include "membership/envelope.hpp"

namespace wholesale_ha::membership {
namespace {

TEST(Envelope, DecodesABatch) {
  auto e = decode_envelope(R"({"v":3,"from":"n1","batch":[{"type":"fenced","body":{"node":"n2"}},{"type":"x"}]})", 3);
  ASSERT_TRUE(e.error.empty()) << e.error;
  ASSERT_EQ(e.items.size(), 2U);
  EXPECT_EQ(e.items[0].type, "fenced");
  EXPECT_EQ(e.items[0].body["node"], "n2");
  EXPECT_TRUE(e.items[1].body.is_object());
}

TEST(Envelope, HostileEnvelopesAreErrorsNotExceptions) {
  // Each of these once threw inside the CPG delivery callback on every node (issue 22).
  const char* inputs[] = {
      R"({"v":"2"})",
      R"({"v":3,"batch":[{"type":5}]})",
      R"({"v":3,"batch":{}})",
      R"({"v":1e20,"batch":[]})",
      R"({"v":3.0,"batch":[]})",
      R"([1,2])",
      "42",
      "",
      "\xff\xfe",
      R"({"v":3,"batch":[1]})",
  };
  for (const char* input : inputs) {
    auto e = decode_envelope(input, 3);
    EXPECT_FALSE(e.error.empty()) << input;
    EXPECT_TRUE(e.items.empty()) << input;
  }
}

TEST(Envelope, AnotherVersionIsNamed) {
  auto e = decode_envelope(R"({"v":2,"batch":[]})", 3);
  EXPECT_TRUE(e.version_mismatch);
  EXPECT_NE(e.error.find("message format 2"), std::string::npos);
}

TEST(Envelope, DeepNestingIsRefusedWithoutRecursingIntoIt) {
  std::string deep = R"({"v":3,"batch":[{"type":"t","body":)" + std::string(100'000, '[') + std::string(100'000, ']') + "}]}";
  auto e = decode_envelope(deep, 3);
  EXPECT_FALSE(e.error.empty());
}

// 100,001 small messages (1.4 MB): refused by count, after a parse that takes linear time.
// nlohmann's parser callback, once used here to cut depth, rescanned the batch each time one
// of its messages closed: minutes for this envelope, on every node at once.
TEST(Envelope, AWideBatchIsRefusedByCount) {
  std::string wide = R"({"v":3,"batch":[)";
  for (std::size_t i = 0; i <= kMaxBatchItems; ++i) wide += i == 0 ? R"({"type":""})" : R"(,{"type":""})";
  wide += "]}";
  auto e = decode_envelope(wide, 3);
  EXPECT_NE(e.error.find("more than the 100000 allowed"), std::string::npos) << e.error;
}

TEST(Envelope, TextBecomesValidUtf8) {
  auto e = decode_envelope("{\"v\":3,\"batch\":[{\"type\":\"op_\\u00e9\"}]}", 3);
  ASSERT_TRUE(e.error.empty());
  EXPECT_EQ(e.items[0].type, "op_\xC3\xA9");
}

}  // namespace
}  // namespace wholesale_ha::membership
