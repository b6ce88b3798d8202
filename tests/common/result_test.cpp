// The error vocabulary: a value or why not, never both, with stable code names.
#include <wholesale_ha/result.hpp>

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include <wholesale_ha/model/json.hpp>

namespace {

using wholesale_ha::Diagnostic;
using wholesale_ha::Errc;
using wholesale_ha::Result;

TEST(Result, CodeNamesAreStableAndRoundTrip) {
  EXPECT_EQ(wholesale_ha::to_string(Errc::invalid_value), "invalid-value");
  EXPECT_EQ(wholesale_ha::to_string(Errc::unknown_reference), "unknown-reference");
  for (int i = 0; i <= static_cast<int>(Errc::internal); ++i) {
    const auto code = static_cast<Errc>(i);
    EXPECT_EQ(wholesale_ha::errc_from_string(wholesale_ha::to_string(code)), code) << i;
  }
  EXPECT_FALSE(wholesale_ha::errc_from_string("no-such-code"));
}

TEST(Result, AValueWithWarnings) {
  Result<int> r{7, {Diagnostic::warning(Errc::unsupported, "/x", "ignored")}};
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 7);
  EXPECT_EQ(r.value(), 7);
  EXPECT_TRUE(r.errors().empty());
  ASSERT_EQ(r.warnings().size(), 1U);
  EXPECT_EQ(r.warnings()[0].to_string(), "/x: ignored");
}

TEST(Result, NeverBothAValueAndAnError) {
  Result<int> r{std::optional<int>{7}, {Diagnostic::error(Errc::duplicate, "/id", "twice")}};
  EXPECT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::duplicate);
  EXPECT_THROW((void)r.value(), wholesale_ha::BadResultAccess);
  EXPECT_EQ(r.value_or(3), 3);
}

TEST(Result, NoValueWithoutAnErrorIsAnInternalError) {
  auto r = Result<int>::failure({Diagnostic::warning(Errc::conflict, "", "only a warning")});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::internal);
  EXPECT_EQ(r.diagnostics().size(), 2U);
}

TEST(Result, OneErrorConvertsImplicitly) {
  auto open = [](bool ok) -> Result<std::unique_ptr<int>> {
    if (!ok) return Diagnostic::error(Errc::io, "", "cannot open");
    return std::make_unique<int>(4);
  };
  EXPECT_EQ(**open(true), 4);
  EXPECT_EQ(open(false).error().message, "cannot open");
  EXPECT_EQ(open(false).to_string(), "(document): cannot open");
}

TEST(Result, TransformKeepsTheDiagnostics) {
  Result<int> r{2, {Diagnostic::warning(Errc::conflict, "/a", "w")}};
  auto s = std::move(r).transform([](int v) { return std::to_string(v * 2); });
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, "4");
  EXPECT_EQ(s.warnings().size(), 1U);
  auto failed = Result<int>{Diagnostic::error(Errc::syntax, "", "bad")}.transform([](int v) { return v; });
  EXPECT_EQ(failed.error().code, Errc::syntax);
}

TEST(Result, VoidSucceedsWithWarningsOnly) {
  Result<void> fine{{Diagnostic::warning(Errc::conflict, "", "w")}};
  EXPECT_TRUE(fine);
  EXPECT_NO_THROW(fine.value());
  Result<void> refused = Diagnostic::error(Errc::unknown_reference, "", "unknown node \"n9\"");
  EXPECT_FALSE(refused);
  EXPECT_THROW(refused.value(), wholesale_ha::BadResultAccess);
  EXPECT_FALSE(Result<void>::failure({}));
}

TEST(Result, IteratingATemporarysDiagnosticsIsSafe) {
  std::size_t n = 0;
  for (const auto& d : wholesale_ha::model::parse_cluster("{\"nodes\": 1}").diagnostics()) {
    EXPECT_FALSE(d.message.empty());
    ++n;
  }
  EXPECT_EQ(n, 1U);
}

// Each kind of problem in a cluster document carries its code.
TEST(Result, ClusterDocumentsReportTheirCodes) {
  auto code_of = [](std::string_view text) {
    const auto r = wholesale_ha::model::parse_cluster(text);
    return r ? std::string{"ok"} : std::string{wholesale_ha::to_string(r.error().code)} + " " + r.error().pointer;
  };
  EXPECT_EQ(code_of("{"), "syntax ");
  EXPECT_EQ(code_of(R"({"nodes": [{"id": "n1"}], "nodez": []})"), "unknown-field /nodez");
  EXPECT_EQ(code_of(R"({"nodes": [{}]})"), "missing-field /nodes/0");
  EXPECT_EQ(code_of(R"({"nodes": [{"id": "n1"}, {"id": "n1"}]})"), "duplicate /nodes/1/id");
  EXPECT_EQ(code_of(R"({"nodes": [{"id": 5}]})"), "invalid-value /nodes/0/id");
  EXPECT_EQ(code_of(R"({"nodes": [{"id": "n1"}], "resources": [{"id": "r", "backend": "process",
                       "params": {"command": "x"}}], "constraints": [{"type": "location", "id": "l",
                       "resource": "r", "node": "n9", "score": 1}]})"),
            "unknown-reference /constraints/0/node");
  EXPECT_EQ(code_of(R"({"a": 1, "a": 2})"), "duplicate /a");
  const auto missing = wholesale_ha::model::load_cluster_file("/nonexistent/cluster.json");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::io);
}

}  // namespace
