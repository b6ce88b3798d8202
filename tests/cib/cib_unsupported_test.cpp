// Everything the import does not map is reported, never dropped silently: constructs the
// model cannot represent are warnings naming what was left out (the rest still imports);
// unreadable input and settings that would change behaviour are errors.

#include <gtest/gtest.h>

#include <wholesale_ha/cib/import.hpp>

#include "cib_test_support.hpp"

namespace wholesale_ha::cib_test {
namespace {

using Severity = wholesale_ha::Diagnostic::Severity;

constexpr std::string_view kResources = "/cib/configuration/resources";
constexpr std::string_view kConstraints = "/cib/configuration/constraints";
constexpr std::string_view kProperties = "/cib/configuration/crm_config/cluster_property_set";

std::string at(std::string_view base, std::string_view rest) {
  return std::string{base} + std::string{rest};
}

class CibUnsupportedFixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    result_ = new wholesale_ha::Result<model::Cluster>(
        model::import_cib_file(fixture_path("unsupported.xml")));
  }
  static void TearDownTestSuite() {
    delete result_;
    result_ = nullptr;
  }
  static const wholesale_ha::Result<model::Cluster>& result() { return *result_; }

  static void expect_warning(const std::string& pointer, std::string_view message) {
    EXPECT_TRUE(has_diagnostic(result(), Severity::warning, pointer, message))
        << pointer << ": " << message << "\n"
        << all_diagnostics(result());
  }

 private:
  static inline wholesale_ha::Result<model::Cluster>* result_ = nullptr;
};

TEST_F(CibUnsupportedFixture, ImportsWhatItCanWithOnlyWarnings) {
  ASSERT_TRUE(result().ok()) << all_diagnostics(result());
  EXPECT_TRUE(result().errors().empty());
  const auto& cluster = *result();
  for (const auto* left_out : {"fence-node1", "db-clone", "db", "base-clone", "base-fs",
                               "httpd-bundle", "vm2", "vm-template", "web"}) {
    EXPECT_EQ(cluster.config.find_resource(left_out), nullptr) << left_out;
  }
  for (const auto* kept : {"vm1", "app-ip", "app-daemon", "ping-clone", "batch"}) {
    EXPECT_NE(cluster.config.find_resource(kept), nullptr) << kept;
  }
  // The rule-based set was the only meta of batch.
  EXPECT_EQ(resource(cluster, "batch").meta, model::ResourceMeta{});
  // Only constraints that are fully understood are imported.
  for (const auto& c : cluster.config.constraints) {
    const auto& id = model::constraint_id(c);
    EXPECT_EQ(id.find("batch"), std::string::npos) << id;
    EXPECT_EQ(id.find("fence"), std::string::npos) << id;
  }
}

TEST_F(CibUnsupportedFixture, ClusterPropertiesThatChangeSchedulingAreNamed) {
  expect_warning(at(kProperties, "/nvpair[@name='start-failure-is-fatal']"),
                 "start-failure-is-fatal=false is not supported");
  // Harmless ones are ignored silently.
  for (const auto& d : result().diagnostics()) {
    EXPECT_EQ(d.message.find("batch-limit"), std::string::npos) << d.to_string();
    EXPECT_EQ(d.message.find("dc-version"), std::string::npos) << d.to_string();
  }
}

TEST_F(CibUnsupportedFixture, ResourcesLeftOut) {
  expect_warning(at(kResources, "/primitive[@id='fence-node1']"),
                 "fencing devices are not imported yet; \"fence-node1\" is left out");
  expect_warning(at(kResources, "/clone[@id='db-clone']"),
                 "promotable clones are not supported; \"db-clone\" is left out");
  expect_warning(at(kResources, "/clone[@id='base-clone']"),
                 "clones of groups are not supported; \"base-clone\" is left out");
  expect_warning(at(kResources, "/bundle[@id='httpd-bundle']"),
                 "bundles are not supported; \"httpd-bundle\" is left out");
  expect_warning(at(kResources, "/template[@id='vm-template']"),
                 "resource templates are not supported");
  expect_warning(at(kResources, "/primitive[@id='vm2']"),
                 "resources derived from templates are not supported; \"vm2\" is left out");
}

TEST_F(CibUnsupportedFixture, MaintenanceModeAndIsManagedMakeResourcesUnmanaged) {
  const auto& config = result()->config;
  EXPECT_EQ(config.options.resource_defaults.managed, false);  // maintenance-mode=true
  EXPECT_EQ(config.find_resource("vm1")->meta.managed, false);  // is-managed=false
  for (const auto& d : result().diagnostics()) {
    EXPECT_EQ(d.message.find("maintenance-mode"), std::string::npos) << d.to_string();
    EXPECT_EQ(d.message.find("is-managed"), std::string::npos) << d.to_string();
  }
}

TEST_F(CibUnsupportedFixture, MetaThatChangesBehaviour) {
  expect_warning(at(kResources, "/primitive[@id='batch']/meta_attributes"),
                 "meta attributes with rules are not supported");
}

TEST_F(CibUnsupportedFixture, ConstraintsLeftOut) {
  expect_warning(at(kConstraints, "/rsc_location[@id='fence-node1-avoids-node1']"),
                 "\"fence-node1\" is not imported (fencing devices are not imported yet)");
  expect_warning(at(kConstraints, "/rsc_location[@id='vm-pattern']"),
                 "rsc-pattern is not supported");
  expect_warning(at(kConstraints,
                    "/rsc_location[@id='batch-by-preference']/rule[@id='batch-by-preference-rule']"
                    "/@score-attribute"),
                 "score-attribute is not supported");
  expect_warning(
      at(kConstraints, "/rsc_location[@id='batch-by-preference']"),
      "constraint \"batch-by-preference\" is left out: rule \"batch-by-preference-rule\" "
      "cannot be imported");
  expect_warning(at(kConstraints,
                    "/rsc_location[@id='batch-in-2025']/rule[@id='batch-in-2025-rule']"
                    "/date_expression[@id='batch-in-2025-date']"),
                 "date expressions are not supported");
  expect_warning(at(kConstraints, "/rsc_colocation[@id='batch-with-promoted-db']"),
                 "with-rsc-role=\"Promoted\" is not supported");
  expect_warning(at(kConstraints, "/rsc_order[@id='vm1-stop-then-batch']"),
                 "first-action=\"stop\" is not supported");
  expect_warning(at(kConstraints, "/rsc_order[@id='batch-set-order']"),
                 "resource sets are not supported");
  expect_warning(at(kConstraints, "/rsc_ticket[@id='batch-ticket']"), "tickets are not supported");
}

TEST_F(CibUnsupportedFixture, OrphansInTheHistory) {
  for (const auto* n : {"node1", "node2", "node3"}) {
    expect_warning("/cib/status/node_state[@uname='" + std::string{n} +
                       "']/lrm/lrm_resources/lrm_resource[@id='web']",
                   "\"web\" has operation history on node \"" + std::string{n} +
                       "\" but is not configured (an orphan Pacemaker would stop)");
  }
  // History of left-out resources (fencing device, bundle containers) is not an orphan.
  for (const auto& d : result().diagnostics()) {
    EXPECT_EQ(d.pointer.find("lrm_resource[@id='fence-node1']"), std::string::npos);
    EXPECT_EQ(d.pointer.find("httpd-bundle-docker-0"), std::string::npos);
  }
}

// Variations of the basic fixture, one unsupported construct each.
struct Variation {
  std::string from;
  std::string to;
  Severity severity;
  std::string pointer;
  std::string message;
};

void PrintTo(const Variation& v, std::ostream* os) {
  *os << v.to;
}

class CibVariation : public ::testing::TestWithParam<Variation> {};

TEST_P(CibVariation, IsReportedAtItsLocation) {
  const auto& v = GetParam();
  auto result = model::import_cib(replaced(fixture_text("basic.xml"), v.from, v.to));
  EXPECT_TRUE(has_diagnostic(result, v.severity, v.pointer, v.message)) << all_diagnostics(result);
  EXPECT_EQ(result.ok(), v.severity == Severity::warning) << all_diagnostics(result);
}

const std::string kLocation =
    R"(<rsc_location id="vm1-prefers-node1" rsc="vm1" node="node1" score="50"/>)";
const std::string kColocation =
    R"(<rsc_colocation id="vm1-apart-from-app" rsc="vm1" with-rsc="app" score="-500"/>)";
const std::string kOrder =
    R"(<rsc_order id="ping-then-app" first="ping-clone" then="app" kind="Mandatory"/>)";
const std::string kTaggedConstraint =
    R"(<rsc_location id="vms-avoid-node1" rsc="vms" node="node1" score="-10"/></constraints>)"
    R"(<tags><tag id="vms"><obj_ref id="vm1"/></tag></tags>)";
const std::string kRackExpression = R"(attribute="rack" operation="ne" value="r2"/>)";
const std::string kRackRule =
    "/cib/configuration/constraints/rsc_location[@id='app-on-rack2']/"
    "rule[@id='app-on-rack2-rule']";
const std::string kRackExpressionAt = kRackRule + "/expression[@id='app-on-rack2-e1']";

INSTANTIATE_TEST_SUITE_P(
    Cib, CibVariation,
    ::testing::Values(
        Variation{R"(name="no-quorum-policy" value="freeze")",
                  R"(name="no-quorum-policy" value="demote")", Severity::error,
                  at(kProperties, "/nvpair[@name='no-quorum-policy']"),
                  "no-quorum-policy \"demote\" is not supported; supported: stop, freeze, ignore"},
        Variation{R"(name="no-quorum-policy" value="freeze")",
                  R"(name="no-quorum-policy" value="suicide")", Severity::error,
                  at(kProperties, "/nvpair[@name='no-quorum-policy']"),
                  "no-quorum-policy \"suicide\" is not supported"},
        Variation{
            R"(name="cluster-name" value="lab")",
            R"(name="cluster-name" value="lab"/><nvpair id="x" name="shutdown-lock-limit" value="5m")",
            Severity::warning, at(kProperties, "/nvpair[@name='shutdown-lock-limit']"),
            "cluster property \"shutdown-lock-limit\" is not supported and is ignored"},
        Variation{R"(name="priority" value="10")",
                  R"(name="priority" value="10"/><nvpair id="x" name="colour" value="blue")",
                  Severity::warning,
                  at(kResources, "/primitive[@id='vm1']/meta_attributes/nvpair[@name='colour']"),
                  "meta attribute \"colour\" is not supported and is ignored"},
        Variation{
            R"(name="target-role" value="Stopped")", R"(name="target-role" value="Promoted")",
            Severity::warning,
            at(kResources, "/primitive[@id='web']/meta_attributes/nvpair[@name='target-role']"),
            "target-role \"Promoted\" is imported as \"started\""},
        Variation{R"(<node id="2" uname="node2">)", R"(<node id="2" uname="node2" type="remote">)",
                  Severity::warning, "/cib/configuration/nodes/node[@uname='node2']/@type",
                  "remote nodes are not supported; node \"node2\" is left out"},
        Variation{kLocation,
                  R"(<rsc_location id="vm1-prefers-node1" rsc="vm1" node="node7" score="50"/>)",
                  Severity::warning, at(kConstraints, "/rsc_location[@id='vm1-prefers-node1']"),
                  "left out: node \"node7\" is not configured"},
        Variation{kLocation,
                  R"(<rsc_location id="vm1-prefers-node1" rsc="vm9" node="node1" score="50"/>)",
                  Severity::error, at(kConstraints, "/rsc_location[@id='vm1-prefers-node1']/@rsc"),
                  "unknown resource \"vm9\""},
        // Issue 22: no node and no rule stepped past the end of the rules (a pugixml assert).
        Variation{kLocation, R"(<rsc_location id="vm1-prefers-node1" rsc="vm1"/>)",
                  Severity::warning, at(kConstraints, "/rsc_location[@id='vm1-prefers-node1']"),
                  "constraint \"vm1-prefers-node1\" is left out: it names neither a node nor a "
                  "rule, so it has no effect"},
        Variation{
            kLocation,
            R"(<rsc_location id="vm1-prefers-node1" rsc="vm1" node="node1" score="50" resource-discovery="never"/>)",
            Severity::warning,
            at(kConstraints, "/rsc_location[@id='vm1-prefers-node1']/@resource-discovery"),
            "resource-discovery=\"never\" is ignored"},
        Variation{
            kLocation,
            R"(<rsc_location id="vm1-prefers-node1" rsc="vm1" node="node1" score="50" role="Promoted"/>)",
            Severity::warning, at(kConstraints, "/rsc_location[@id='vm1-prefers-node1']"),
            "role=\"Promoted\" is not supported"},
        Variation{
            kLocation,
            R"(<rsc_location id="vm1-prefers-node1" rsc="vm1" node="node1" score="50"><lifetime id="lt"/></rsc_location>)",
            Severity::warning, at(kConstraints, "/rsc_location[@id='vm1-prefers-node1']"),
            "constraint lifetimes are not supported"},
        Variation{
            kColocation,
            R"(<rsc_colocation id="vm1-apart-from-app" rsc="vm1" with-rsc="app" score="-500" node-attribute="rack"/>)",
            Severity::warning, at(kConstraints, "/rsc_colocation[@id='vm1-apart-from-app']"),
            "node-attribute=\"rack\" is not supported"},
        Variation{
            kColocation,
            R"(<rsc_colocation id="vm1-apart-from-app" rsc="vm1" with-rsc="app" score="-500" influence="false"/>)",
            Severity::warning,
            at(kConstraints, "/rsc_colocation[@id='vm1-apart-from-app']/@influence"),
            "influence=false is ignored"},
        Variation{
            kColocation,
            R"(<rsc_colocation id="vm1-apart-from-app" rsc="vm1" with-rsc="app" score="-500" rsc-role="Stopped"/>)",
            Severity::warning, at(kConstraints, "/rsc_colocation[@id='vm1-apart-from-app']"),
            "rsc-role=\"Stopped\" is not supported"},
        Variation{
            kOrder,
            R"(<rsc_order id="ping-then-app" first="ping-clone" then="app" kind="Mandatory" then-action="promote"/>)",
            Severity::warning, at(kConstraints, "/rsc_order[@id='ping-then-app']"),
            "then-action=\"promote\" is not supported"},
        Variation{
            kOrder,
            R"(<rsc_order id="ping-then-app" first="ping-clone" then="app" kind="Mandatory" first-instance="0"/>)",
            Severity::warning, at(kConstraints, "/rsc_order[@id='ping-then-app']"),
            "first-instance=\"0\" is not supported"},
        Variation{
            kOrder,
            R"(<rsc_order id="ping-then-app" first="ping-clone" then="app" kind="Sometimes"/>)",
            Severity::error, at(kConstraints, "/rsc_order[@id='ping-then-app']/@kind"),
            "expected Mandatory, Optional or Serialize, got \"Sometimes\""},
        Variation{kRackExpression, R"(attribute="#is_dc" operation="eq" value="true"/>)",
                  Severity::warning, kRackExpressionAt + "/@attribute",
                  "the built-in node attribute \"#is_dc\" is not supported"},
        Variation{kRackExpression, R"(attribute="rack" operation="ne" value="r2" type="version"/>)",
                  Severity::warning, kRackExpressionAt + "/@type",
                  "version comparisons are not supported"},
        Variation{kRackExpression,
                  R"(attribute="rack" operation="ne" value="r2" value-source="param"/>)",
                  Severity::warning, kRackExpressionAt + "/@value-source",
                  "value-source=\"param\" is not supported"},
        Variation{kRackExpression, R"(attribute="rack" operation="ne" value="0.5" type="number"/>)",
                  Severity::warning, kRackExpressionAt + "/@value",
                  "non-integer numbers are not supported"},
        Variation{kRackExpression, R"(attribute="rack" operation="like" value="r2"/>)",
                  Severity::error, kRackExpressionAt + "/@operation",
                  "expected one of lt, gt, lte, gte, eq, ne, defined, not_defined, got \"like\""},
        Variation{
            kRackExpression,
            R"(attribute="rack" operation="ne" value="r2"/><rule id="inner" score="0"><expression id="ie" attribute="a" operation="defined"/></rule>)",
            Severity::warning, kRackRule + "/rule[@id='inner']", "nested rules are not supported"},
        Variation{R"(<nvpair id="app-meta-threshold" name="migration-threshold" value="5"/>
        </meta_attributes>)",
                  R"(<nvpair id="app-meta-threshold" name="migration-threshold" value="5"/>
        </meta_attributes><instance_attributes id="app-params"/>)",
                  Severity::warning, at(kResources, "/group[@id='app']/instance_attributes"),
                  "instance_attributes on a group are not supported"},
        Variation{
            R"(name="clone-max" value="2"/>)",
            R"(name="clone-max" value="2"/><nvpair id="cm" name="clone-min" value="1"/>)",
            Severity::warning,
            at(kResources, "/clone[@id='ping-clone']/meta_attributes/nvpair[@name='clone-min']"),
            "clone-min is not supported"},
        Variation{
            R"(name="clone-max" value="2"/>)",
            R"(name="clone-max" value="2"/><nvpair id="gu" name="globally-unique" value="true"/>)",
            Severity::warning,
            at(kResources,
               "/clone[@id='ping-clone']/meta_attributes/nvpair[@name='globally-unique']"),
            "globally-unique=true is ignored: globally unique clones are not supported"},
        Variation{"</constraints>", kTaggedConstraint, Severity::warning,
                  at(kConstraints, "/rsc_location[@id='vms-avoid-node1']"),
                  "constraint \"vms-avoid-node1\" is left out: \"vms\" is not imported (tags are "
                  "not supported)"},
        Variation{"</constraints>", kTaggedConstraint, Severity::warning, "/cib/configuration/tags",
                  "tags are not supported; constraints that name a tag are left out"},
        Variation{
            "</constraints>",
            R"(</constraints><fencing-topology><fencing-level id="fl1" target="node1" index="1" devices="fence-node1"/></fencing-topology>)",
            Severity::warning, "/cib/configuration/fencing-topology",
            "fencing topology is not imported yet"},
        Variation{"</constraints>", R"(</constraints><whatever/>)", Severity::warning,
                  "/cib/configuration/whatever",
                  "<whatever> is not a known configuration section and is ignored"},
        Variation{R"(name="cpu" value="2"/>
        </utilization>)",
                  R"(name="cpu" value="2"/>
        </utilization><meta_attributes id-ref="nowhere"/>)",
                  Severity::error,
                  at(kResources, "/primitive[@id='vm1']/meta_attributes[2]/@id-ref"),
                  "id-ref \"nowhere\" names no <meta_attributes> in the configuration"}));

TEST(CibInput, MalformedXmlNamesLineAndColumn) {
  auto xml = replaced(fixture_text("basic.xml"), R"(<nodes>)", R"(<nodes><oops>)");
  auto result = model::import_cib(xml);
  EXPECT_FALSE(result.ok());
  ASSERT_EQ(result.diagnostics().size(), 1u);
  EXPECT_EQ(result.diagnostics()[0].pointer, "");
  EXPECT_NE(result.diagnostics()[0].message.find("invalid XML at line "), std::string::npos)
      << result.diagnostics()[0].message;
  EXPECT_NE(result.diagnostics()[0].message.find("(offset "), std::string::npos);

  result = model::import_cib("<cib>\n  <configuration>\n    <nodes>\n  </configuration>\n</cib>\n");
  ASSERT_EQ(result.diagnostics().size(), 1u);
  EXPECT_NE(result.diagnostics()[0].message.find("invalid XML at line 4, column"), std::string::npos)
      << result.diagnostics()[0].message;
}

TEST(CibInput, NotACib) {
  auto result = model::import_cib("<config/>");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.diagnostics()[0].message,
            "not a Pacemaker CIB: the root element is <config>, expected <cib>");
  result = model::import_cib("<cib><status/></cib>");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.diagnostics()[0].message, "not a Pacemaker CIB: <cib> has no <configuration>");
}

TEST(CibInput, MissingFileNamesThePath) {
  const auto path = fixture_path("no-such-cib.xml");
  auto result = model::import_cib_file(path);
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.diagnostics().size(), 1u);
  EXPECT_NE(result.diagnostics()[0].message.find("cannot read " + path.string()), std::string::npos)
      << result.diagnostics()[0].message;
}

TEST(CibInput, FileErrorsAboutTheDocumentNameThePath) {
  const auto path = fixture_path("make_fixtures.sh");  // exists, not XML
  auto result = model::import_cib_file(path);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.diagnostics()[0].message.rfind(path.string() + ": invalid XML", 0), 0u)
      << result.diagnostics()[0].message;
}

}  // namespace
}  // namespace wholesale_ha::cib_test
