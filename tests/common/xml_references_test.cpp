// Numeric character references that name no character are replaced before XML is parsed.

#include <gtest/gtest.h>

#include "../../src/common/xml_references.hpp"

namespace {

using wholesale_ha::detail::replace_bad_character_references;

TEST(XmlReferences, CharactersAndOtherTextStay) {
  for (const std::string xml : {"<a b=\"x&#233;&#xe9;&#X10FFFF;&amp;\"/>", "no references", "&#;", "&#x;", "&#12",
                                "&#xZZ;", "&#65 ;"}) {
    EXPECT_EQ(replace_bad_character_references(xml), xml);
  }
}

TEST(XmlReferences, WhatNamesNoCharacterBecomesTheReplacementCharacter) {
  EXPECT_EQ(replace_bad_character_references("<a b=\"l&#xD800;t\"/>"), "<a b=\"l&#xFFFD;t\"/>");
  EXPECT_EQ(replace_bad_character_references("&#55296;&#0;&#x110000;x"), "&#xFFFD;&#xFFFD;&#xFFFD;x");
  EXPECT_EQ(replace_bad_character_references("&#x00000000000000000041;"), "&#xFFFD;");  // too long to read
  EXPECT_EQ(replace_bad_character_references("a&#xDFFF;b&#65;c"), "a&#xFFFD;b&#65;c");
}

}  // namespace
