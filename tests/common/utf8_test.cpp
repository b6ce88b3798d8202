#include <wholesale_ha/utf8.hpp>

#include <gtest/gtest.h>

namespace wholesale_ha {
namespace {

const std::string kReplacement = "\xEF\xBF\xBD";

TEST(Utf8, ValidTextIsKept) {
  for (const std::string s : {"", "plain", "D\xC3\xA9marrage", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF"}) {
    EXPECT_TRUE(is_valid_utf8(s)) << s;
    EXPECT_EQ(valid_utf8(s), s);
  }
}

TEST(Utf8, Latin1ByteBecomesOneReplacement) {
  const std::string latin1 = "D\xE9marrage";
  EXPECT_FALSE(is_valid_utf8(latin1));
  EXPECT_EQ(valid_utf8(latin1), "D" + kReplacement + "marrage");
}

TEST(Utf8, IllFormedSequencesAreReplacedByMaximalSubpart) {
  EXPECT_EQ(valid_utf8("\xFF"), kReplacement);
  EXPECT_EQ(valid_utf8("\xC0\xAF"), kReplacement + kReplacement);         // overlong
  EXPECT_EQ(valid_utf8("\xED\xA0\x80"), kReplacement + kReplacement + kReplacement);  // surrogate
  EXPECT_EQ(valid_utf8("\xF4\x90\x80\x80"), kReplacement + kReplacement + kReplacement + kReplacement);
  EXPECT_EQ(valid_utf8("\xE2\x82"), kReplacement);                         // truncated at the end
  EXPECT_EQ(valid_utf8("\xE2\x82x"), kReplacement + "x");                  // truncated in the middle
  std::string nul("a\0b", 3);
  EXPECT_EQ(valid_utf8(nul), nul);  // NUL is valid UTF-8
}

TEST(Utf8, InPlaceRepairs) {
  std::string s = "ok\x80";
  make_valid_utf8(s);
  EXPECT_EQ(s, "ok" + kReplacement);
  EXPECT_TRUE(is_valid_utf8(s));
}

// The check reads ASCII eight bytes at a time: a bad byte or a valid sequence at any offset
// around those words is still seen.
TEST(Utf8, EveryOffsetAroundTheAsciiFastPath) {
  for (std::size_t at = 0; at < 20; ++at) {
    std::string text(24, 'a');
    text[at] = '\xFF';
    EXPECT_FALSE(is_valid_utf8(text)) << at;
    text.replace(at, 1, "\xC3\xA9");
    EXPECT_TRUE(is_valid_utf8(text)) << at;
    text.erase(at + 1, 1);  // a lead byte without its continuation
    EXPECT_FALSE(is_valid_utf8(text)) << at;
  }
}

// Shortening outside text for a message keeps whole characters: "é" is two bytes, "€" three.
TEST(Utf8, PrefixNeverCutsACharacter) {
  EXPECT_EQ(utf8_prefix("abc", 5), "abc");
  EXPECT_EQ(utf8_prefix("ab\xC3\xA9", 3), "ab");
  EXPECT_EQ(utf8_prefix("ab\xC3\xA9", 4), "ab\xC3\xA9");
  EXPECT_EQ(utf8_prefix("\xE2\x82\xAC\xE2\x82\xAC", 5), "\xE2\x82\xAC");
  EXPECT_EQ(utf8_prefix("\xE2\x82\xAC", 2), "");
  EXPECT_EQ(utf8_prefix("\xEF\xBF\xBD\xEF\xBF\xBD", 4), "\xEF\xBF\xBD");
}

}  // namespace
}  // namespace wholesale_ha
