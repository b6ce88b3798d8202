// What a fence agent said, as failure reasons carry it (issue 22): valid UTF-8 whatever the
// agent printed, and never a character cut in two by the length cap.

#include <gtest/gtest.h>

#include <wholesale_ha/utf8.hpp>

#include "../../src/fencing/agent_output.hpp"

namespace {

namespace process = wholesale_ha::process;
using wholesale_ha::fencing::detail::agent_said;

TEST(FenceAgentOutput, Latin1BecomesReplacementCharacters) {
  process::Outcome r;
  r.err = "Failed: D\xE9j\xE0 hors tension\n";
  EXPECT_EQ(agent_said(r), "Failed: D\xEF\xBF\xBDj\xEF\xBF\xBD hors tension");
}

TEST(FenceAgentOutput, TheLengthCapDoesNotSplitACharacter) {
  process::Outcome r;
  std::string line = "Failed: ";
  while (line.size() < 400) line += "\xC3\xA9";  // é, two bytes each
  r.err = line;
  const auto said = agent_said(r);
  EXPECT_TRUE(wholesale_ha::is_valid_utf8(said)) << said;
  EXPECT_TRUE(said.ends_with("\xC3\xA9...")) << said;
  EXPECT_LE(said.size(), 303U);
}

}  // namespace
