// The status layout (src/cib/status_layout.*): where the node_state elements lie, found
// without a DOM, and refusal of everything it does not cover. The import must read the same
// cluster whether it parses the status one node_state at a time or as a whole.

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <wholesale_ha/model/json.hpp>

#include "cib_test_support.hpp"
#include "status_layout.hpp"

namespace wholesale_ha::cib_test {
namespace {

using cib::find_status_layout;

/// The text of each node_state the layout finds, or {"none"} when it finds no layout.
std::vector<std::string> pieces(std::string_view xml) {
  auto layout = find_status_layout(xml);
  if (!layout) return {"none"};
  std::vector<std::string> out;
  for (const auto& span : layout->node_states) out.emplace_back(span.in(xml));
  return out;
}

std::string cib_with_status(std::string_view status_content) {
  return "<?xml version=\"1.0\"?>\n<cib a=\"1\"><configuration><nodes/></configuration>"
         "<status>" + std::string{status_content} + "</status></cib>";
}

TEST(CibStatusLayout, FindsEachNodeStateAndTheStatusContent) {
  const std::string a = R"(<node_state id="1" uname="n1"><lrm><lrm_resources/></lrm></node_state>)";
  const std::string b = R"(<node_state id="2" uname="n2"/>)";
  const auto xml = cib_with_status("\n  " + a + "\n  <!-- between -->\n  " + b + "\n");
  EXPECT_EQ(pieces(xml), (std::vector<std::string>{a, b}));
  const auto layout = find_status_layout(xml);
  ASSERT_TRUE(layout);
  EXPECT_EQ(xml.substr(0, layout->content.begin).substr(xml.find("<status>")), "<status>");
  EXPECT_EQ(xml.substr(layout->content.end), "</status></cib>");
}

TEST(CibStatusLayout, MarkupInCommentsCdataAndAttributeValuesDoesNotEndAnElement) {
  const std::string tricky =
      R"(<node_state id="1" uname="n>1" note='a > b'><!-- </node_state> --><x><![CDATA[</node_state>]]></x><?pi </node_state>?></node_state >)";
  EXPECT_EQ(pieces(cib_with_status(tricky)), (std::vector<std::string>{tricky}));
  // Before the status too: a commented-out status and a status deeper down are not it.
  const std::string xml = "<cib><!-- <status> --><configuration><status><x/></status>"
                          "</configuration><status>" + tricky + "</status></cib>";
  EXPECT_EQ(pieces(xml), (std::vector<std::string>{tricky}));
}

TEST(CibStatusLayout, RefusesWhatItDoesNotCover) {
  const std::string ok = R"(<node_state id="1"/>)";
  EXPECT_EQ(pieces(cib_with_status(ok)).size(), 1u);
  for (const std::string& xml : {
           std::string{"<cib><configuration/><status/></cib>"},    // empty
           cib_with_status(""),                                    // nothing in it
           cib_with_status(ok + "text"),                           // text
           cib_with_status(ok + "<other/>"),                       // another element
           cib_with_status(ok + "<![CDATA[x]]>"),                  // CDATA
           cib_with_status(R"(<node_state id="1"><node_state id="2"/></node_state>)"),
           cib_with_status(R"(<node_state id="1">)"),                // never ends
           std::string{"<!DOCTYPE cib [<!ENTITY e \"x\">]>"} + cib_with_status(ok),
           std::string{"<cib><configuration/></cib>"},             // no status
           std::string{"<cib><configuration/><statusx>"} + ok + "</statusx></cib>",
           std::string{"<cib><configuration/><status>"} + ok,      // truncated
       }) {
    EXPECT_EQ(pieces(xml), (std::vector<std::string>{"none"})) << xml;
  }
}

std::string summary(const wholesale_ha::Result<model::Cluster>& result) {
  std::vector<std::string> diagnostics;
  for (const auto& d : result.diagnostics()) diagnostics.push_back(d.to_string());
  std::sort(diagnostics.begin(), diagnostics.end());
  std::string out = result ? model::to_json_string(*result) : "no cluster";
  for (const auto& d : diagnostics) out += "\n" + d;
  return out;
}

/// `xml` made to be read as a whole: the indentation before a node_state becomes text,
/// which the layout refuses and the import ignores. Offsets, lines and columns stay as they
/// were, so even XML errors read the same.
std::string read_whole(std::string xml) {
  auto at = xml.find("<node_state", xml.find("<status>"));
  while (at != std::string::npos && xml[at - 1] != ' ') at = xml.find("<node_state", at + 1);
  EXPECT_NE(at, std::string::npos);
  if (at != std::string::npos) xml[at - 1] = 'x';
  EXPECT_FALSE(find_status_layout(xml));
  return xml;
}

class CibStatusByParts : public ::testing::TestWithParam<std::string> {};

TEST_P(CibStatusByParts, ImportsWhatTheWholeDocumentImports) {
  const auto xml = fixture_text(GetParam());
  ASSERT_TRUE(find_status_layout(xml)) << "the fixture should be read by parts";
  const auto whole = read_whole(xml);
  EXPECT_EQ(summary(model::import_cib(xml)), summary(model::import_cib(whole)));
  const model::CibImportOptions at{.now = 1'795'594'291 + 600};
  EXPECT_EQ(summary(model::import_cib(xml, at)), summary(model::import_cib(whole, at)));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, CibStatusByParts,
                         ::testing::Values("basic.xml", "failures.xml", "migration.xml",
                                           "lost-node.xml", "unsupported.xml"));

/// Markup that may confuse a scan for element boundaries, inserted between or inside
/// elements: the import must read the same cluster by parts and as a whole.
TEST_P(CibStatusByParts, MarkupAnywhereReadsTheSameBothWays) {
  const auto xml = fixture_text(GetParam());
  const std::vector<std::string> inserts = {
      "<!-- </node_state></status> -->",
      "<?pi </node_state> ?>",
      "<![CDATA[</node_state>]]>",
      "<x a=\"</node_state>\" b='>'/>",
      "</node_state>",
      "<node_state id=\"9\">",
      "junk",
      "<!DOCTYPE x>",
      "<node_state id=\"1\" uname=\"node1\"/>",
      "<status>",
      "</status>",
      "<!-- -->\n  <!-- a -- b -->",
  };
  // After every tag that ends a line: between elements, at every depth.
  std::vector<std::size_t> positions;
  for (auto at = xml.find(">\n"); at != std::string::npos; at = xml.find(">\n", at + 1)) {
    positions.push_back(at + 1);
  }
  std::mt19937 random{42};
  for (int round = 0; round < 60; ++round) {
    const auto at = positions[random() % positions.size()];
    const auto& insert = inserts[random() % inserts.size()];
    auto mutated = xml;
    mutated.insert(at, insert);
    const auto whole = read_whole(mutated);
    EXPECT_EQ(summary(model::import_cib(mutated)), summary(model::import_cib(whole)))
        << "inserted " << insert << " at offset " << at;
  }
}

TEST(CibStatusByParts, AnInvalidNodeStateIsReportedWhereItIsInTheFile) {
  const auto xml =
      replaced(fixture_text("basic.xml"), "<lrm_resources>", "<lrm_resources><broken");
  auto result = model::import_cib(xml);
  ASSERT_FALSE(result.ok());
  // pugixml stops at the '<' that follows the unfinished tag.
  const auto at = xml.find('<', xml.find("<broken") + 1);
  const auto before = std::string_view{xml}.substr(0, at);
  const auto line = std::count(before.begin(), before.end(), '\n') + 1;
  const auto column = at - before.rfind('\n');
  EXPECT_NE(all_diagnostics(result).find(fmt::format("invalid XML at line {}, column {} (offset {})",
                                                     line, column, at)),
            std::string::npos)
      << all_diagnostics(result);
}

}  // namespace
}  // namespace wholesale_ha::cib_test
