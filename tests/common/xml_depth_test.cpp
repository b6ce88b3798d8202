// The stackless nesting scan run before PropertyTree parses agent meta-data: what it counts
// and what it skips.

#include <gtest/gtest.h>

#include "../../src/common/xml_depth.hpp"

namespace {

using wholesale_ha::detail::xml_too_deep;

TEST(XmlDepth, CountsOpenElementsOnly) {
  EXPECT_EQ(xml_too_deep("<a><b><c/></b></a>", 2), 6U);  // c is on the third level
  EXPECT_FALSE(xml_too_deep("<a><b/><b/><b/></a>", 2)) << "self-closing elements do not stay open";
  EXPECT_FALSE(xml_too_deep("<a></a><b></b><c></c>", 1)) << "siblings do not add up";
}

TEST(XmlDepth, SkipsWhatIsNoElement) {
  const std::string skipped =
      "<?xml version=\"1.0\"?><!DOCTYPE a [<!ELEMENT a ANY>]><!-- <x><x><x> -->"
      "<a t=\"<x>/>\" u='>'><![CDATA[<x><x><x>]]><?pi <x><x>?></a>";
  EXPECT_FALSE(xml_too_deep(skipped, 1));
  EXPECT_EQ(xml_too_deep(skipped + "<b><c/></b>", 1), skipped.size() + 3);
}

}  // namespace
