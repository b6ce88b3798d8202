// What a CIB from outside may not do to the importer (issue 22): text that is not UTF-8 is
// repaired so the cluster can be written as JSON, deep nesting and oversized files are
// refused with the limit named.

#include <gtest/gtest.h>

#include <wholesale_ha/model/json.hpp>
#include <wholesale_ha/utf8.hpp>

#include "../support/real_processes.hpp"
#include "cib_test_support.hpp"

namespace wholesale_ha::cib_test {
namespace {

using Severity = wholesale_ha::Diagnostic::Severity;

TEST(CibLimits, BytesThatAreNotUtf8AreRepairedWithAWarning) {
  auto result = model::import_cib_file(fixture_path("not-utf8.xml"));
  ASSERT_TRUE(result.ok()) << all_diagnostics(result);
  EXPECT_TRUE(has_diagnostic(result, Severity::warning, "", "the CIB is not valid UTF-8"))
      << all_diagnostics(result);
  const auto& cluster = *result;
  EXPECT_EQ(cluster.config.options.cluster_name, "l\xEF\xBF\xBD" "b");
  EXPECT_EQ(cluster.config.find_resource("vm1")->params.at("state"),
            "/run/D\xEF\xBF\xBDmarrage.state");
  std::string json;
  EXPECT_NO_THROW(json = model::to_json_string(cluster));
  EXPECT_TRUE(is_valid_utf8(json));
}

TEST(CibLimits, AnIdThatIsNotUtf8IsAnErrorWithAValidMessage) {
  auto xml = replaced_all(fixture_text("basic.xml"), R"("vm1")", "\"vm\xFF\"");
  auto result = model::import_cib(xml);
  EXPECT_FALSE(result.ok());
  for (const auto& d : result.diagnostics()) {
    EXPECT_TRUE(is_valid_utf8(d.to_string())) << d.to_string();
  }
}

// pugixml builds the DOM without recursion and nothing in the import recurses per level, so
// 100,000 nested elements — in the configuration (searched by XPath for an id-ref), in a
// primitive, in the status and as nested rules — are imported without a stack overflow.
TEST(CibLimits, DeepNestingDoesNotOverflowTheStack) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<x>";
  for (int i = 0; i < 100000; ++i) deep += "</x>";
  auto xml = replaced(fixture_text("basic.xml"), "<nodes>", "<nodes>" + deep);
  xml = replaced(xml, "<operations>", "<operations>" + deep);
  xml = replaced(xml, "<lrm_resources>", "<lrm_resources>" + deep);
  xml = replaced(xml, R"(<meta_attributes id="vm1-meta_attributes">)",
                 R"(<meta_attributes id-ref="nowhere"/><meta_attributes id="vm1-meta_attributes">)");
  std::string rules = R"(<instance_attributes id="deep-rules"><rule id="r0">)";
  for (int i = 1; i < 100000; ++i) rules += "<rule id=\"r" + std::to_string(i) + "\">";
  for (int i = 0; i < 100000; ++i) rules += "</rule>";
  xml = replaced(xml, "<instance_attributes id=\"vm1-instance_attributes\">",
                 rules + "</instance_attributes><instance_attributes id=\"vm1-instance_attributes\">");
  auto result = model::import_cib(xml);
  EXPECT_TRUE(has_diagnostic(result, Severity::error,
                             "/cib/configuration/resources/primitive[@id='vm1']/meta_attributes[1]/@id-ref",
                             "names no <meta_attributes>"))
      << all_diagnostics(result);
}

TEST(CibLimits, FilesOver128MiBAreRefusedUnread) {
  wha_test::ScratchDir dir;
  const auto file = dir.path() / "huge.xml";
  { std::ofstream out{file}; out << "<cib/>"; }
  std::filesystem::resize_file(file, (std::size_t{128} << 20) + 1);  // sparse: nothing written
  auto result = model::import_cib_file(file);
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.diagnostics().size(), 1U);
  EXPECT_EQ(result.diagnostics()[0].message,
            file.string() + ": the CIB is 134217729 bytes; the limit is 128 MiB");
}

}  // namespace
}  // namespace wholesale_ha::cib_test
