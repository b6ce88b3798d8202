// The health configuration: defaults, the documented example, and the diagnostics (JSON
// pointers, did-you-mean, cross-checks) in the same style as cluster files.

#include <algorithm>

#include <gtest/gtest.h>

#include <wholesale_ha/health/config.hpp>

namespace {

using namespace wholesale_ha::health;
using namespace std::chrono_literals;

std::vector<std::string> errors_of(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& d : parse_health_config(text).errors()) out.push_back(d.to_string());
  return out;
}

bool has(const std::vector<std::string>& list, std::string_view text) {
  return std::any_of(list.begin(), list.end(), [&](const auto& s) { return s == text; });
}

std::string dump(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& s : list) out += s + "\n";
  return out;
}

TEST(HealthConfig, EmptyDocumentHasNoProbes) {
  auto loaded = parse_health_config("{}");
  ASSERT_TRUE(loaded.ok());
  EXPECT_TRUE(loaded->probes.empty());
}

TEST(HealthConfig, TypeAloneGivesTheDocumentedDefaults) {
  auto loaded = parse_health_config(R"({"probes": [{"type": "edac"}, {"type": "hwmon"}]})");
  ASSERT_TRUE(loaded.ok()) << loaded.diagnostics().front().to_string();
  const auto& edac = loaded->probes.at(0);
  EXPECT_EQ(edac, default_probe(ProbeType::edac));
  EXPECT_EQ(edac.settings.id, "edac");
  EXPECT_EQ(edac.settings.attribute, "#health-memory");
  EXPECT_EQ(edac.type(), ProbeType::edac);
  EXPECT_EQ(std::get<EdacOptions>(edac.options).root, "/");
  const auto& hwmon = loaded->probes.at(1);
  EXPECT_EQ(hwmon.settings.attribute, "#health-thermal");
  EXPECT_EQ(hwmon.settings.stability.confirm, 60s);
}

TEST(HealthConfig, DefaultRulesOnlyNameTheirProbesMetrics) {
  for (auto type : {ProbeType::smart, ProbeType::nvme, ProbeType::edac, ProbeType::hwmon,
                    ProbeType::ipmi, ProbeType::cpu}) {
    const auto metrics = probe_metrics(type);
    for (const auto& rule : default_probe(type).settings.rules) {
      EXPECT_NE(std::find(metrics.begin(), metrics.end(), rule.metric), metrics.end())
          << to_string(type) << ": " << rule.metric;
    }
  }
}

TEST(HealthConfig, ReadsEverySetting) {
  auto loaded = parse_health_config(R"({
    "version": 1,
    "probes": [
      {"id": "disks", "type": "smart", "attribute": "#health-disk", "interval": "5min",
       "timeout": "45s", "tool": "/usr/sbin/smartctl",
       "devices": ["/dev/sda", {"path": "/dev/bus/0", "type": "megaraid,0"}],
       "confirm": "0s", "min_dwell": "30min", "on_error": "yellow", "on_error_after": 3,
       "rules": [
         {"metric": "reallocated_sectors", "trend": "increase", "window": "1h", "red": 8},
         {"metric": "temperature", "subject": "sda", "yellow": 55, "red": 65, "hysteresis": 3}
       ]},
      {"type": "ipmi", "tool": "ipmitool", "args": ["-I", "lanplus", "-H", "bmc1"]},
      {"id": "raid", "type": "command", "attribute": "#health-raid",
       "command": ["/usr/local/bin/check-raid", "--json"], "on_error": -100}
    ]})");
  ASSERT_TRUE(loaded.ok()) << loaded.diagnostics().front().to_string();
  const auto& disks = loaded->probes.at(0);
  EXPECT_EQ(disks.settings.id, "disks");
  EXPECT_EQ(disks.settings.interval, 5min);
  EXPECT_EQ(disks.settings.timeout, 45s);
  EXPECT_EQ(disks.settings.stability.min_dwell, 30min);
  EXPECT_EQ(disks.settings.on_error.value, HealthValue{Colour::yellow});
  EXPECT_EQ(disks.settings.on_error.after, 3U);
  ASSERT_EQ(disks.settings.rules.size(), 2U);  // replaces the defaults
  EXPECT_EQ(disks.settings.rules[0].trend, Trend::increase);
  EXPECT_EQ(disks.settings.rules[0].window, 1h);
  EXPECT_EQ(disks.settings.rules[1].subject, "sda");
  EXPECT_EQ(disks.settings.rules[1].hysteresis, 3);
  const auto& smart = std::get<SmartOptions>(disks.options);
  EXPECT_EQ(smart.tool, "/usr/sbin/smartctl");
  EXPECT_EQ(smart.devices, (std::vector<SmartDevice>{{"/dev/sda", ""}, {"/dev/bus/0", "megaraid,0"}}));
  EXPECT_EQ(std::get<IpmiOptions>(loaded->probes.at(1).options).args.size(), 4U);
  const auto& raid = loaded->probes.at(2);
  EXPECT_EQ(raid.type(), ProbeType::command);
  EXPECT_EQ(raid.settings.on_error.value, HealthValue::score(-100));
}

TEST(HealthConfig, ReportsEveryErrorWithItsPointer) {
  const auto errors = errors_of(R"({
    "probes": [
      {"type": "smartt"},
      {"type": "smart", "intervall": "5min", "attribute": "disk", "timeout": 0},
      {"type": "edac", "rules": [
        {"metric": "ue_cont", "red": 1},
        {"metric": "ce_count", "trend": "increase", "yellow": 10},
        {"metric": "ce_count", "yellow": 50, "red": 10, "window": "1h"},
        {"metric": "ue_count", "yellow": 1, "sticky": true},
        {"metric": "ue_count"}
      ]},
      {"type": "command", "command": []},
      {"type": "hwmon", "root": 7, "devices": ["/dev/sda"]}
    ]})");
  const char* expected[] = {
      R"(/probes/0/type: expected one of "smart", "nvme", "edac", "hwmon", "ipmi", "cpu", "command", got "smartt")",
      R"(/probes/1/attribute: expected an attribute named "#health-<name>" (the policy engine reads only those), got "disk")",
      R"(/probes/1/timeout: must be longer than 0, got 0)",
      R"(/probes/1/intervall: unknown key (did you mean "interval"?))",
      R"(/probes/2/rules/0/metric: unknown metric "ue_cont" for edac probes (did you mean "ue_count"?))",
      R"(/probes/2/rules/1: a "trend" rule needs a "window")",
      R"(/probes/2/rules/2/window: has no effect without "trend" ("increase" or "slope"))",
      R"(/probes/2/rules/2/yellow: yellow threshold 50 is past the red one 10: with direction "above" yellow must be <= red)",
      R"(/probes/2/rules/3/sticky: sticky needs a "red" threshold)",
      R"(/probes/2/rules/4: a rule needs a "yellow" or a "red" threshold)",
      R"(/probes/3/command: must list at least one entry)",
      R"(/probes/3: missing required key "attribute" (command probes have no default))",
      R"(/probes/4/root: expected string, got 7)",
  };
  for (const char* e : expected) EXPECT_TRUE(has(errors, e)) << "missing: " << e << "\ngot:\n" << dump(errors);
  // "devices" is not a hwmon key: the message lists what is.
  EXPECT_TRUE(std::any_of(errors.begin(), errors.end(), [](const auto& s) {
    return s.starts_with("/probes/4/devices: unknown key (allowed here: type, id, attribute");
  })) << dump(errors);
}

// The cluster JSON's limits (issue 22) hold for the health configuration too: one loader.
TEST(HealthConfig, SharesTheJsonLimits) {
  EXPECT_EQ(errors_of(R"({"probes": [{"type": "edac", "type": "hwmon"}]})"),
            (std::vector<std::string>{"/probes/0/type: duplicate key \"type\" (its value would "
                                      "replace the one before it)"}));
  EXPECT_EQ(errors_of(R"({"probes": [{"type": "edac", "id": ")" + std::string(300, 'a') + "\"}]}"),
            (std::vector<std::string>{"/probes/0/id: id is 300 bytes long; the limit is 256 bytes"}));
  EXPECT_EQ(errors_of(R"({"probes": [{"type": "edac", "interval": 9223372036854775807}]})").size(), 1U);
  EXPECT_EQ(errors_of(std::string(200, '[')),
            (std::vector<std::string>{"(document): invalid JSON: arrays and objects nested more "
                                      "than 128 deep (the limit) at line 1, column 129"}));
}

TEST(HealthConfig, IdsAndAttributesAreUnique) {
  const auto errors = errors_of(R"({"probes": [
      {"type": "smart"},
      {"type": "smart", "devices": ["/dev/sdb"]},
      {"type": "nvme", "id": "nvme", "devices": ["/dev/nvme0"]}]})");
  EXPECT_TRUE(has(errors, R"(/probes/1: duplicate probe id "smart" (first at /probes/0); give each probe its own "id")"))
      << dump(errors);
  EXPECT_TRUE(has(errors, R"(/probes/1: attribute "#health-disk" is already set by the probe at /probes/0; give each probe its own attribute)"))
      << dump(errors);
  EXPECT_TRUE(has(errors, R"(/probes/2: attribute "#health-disk" is already set by the probe at /probes/0; give each probe its own attribute)"))
      << dump(errors);
}

TEST(HealthConfig, SyntaxErrorsAndUnreadableFiles) {
  auto bad = parse_health_config("{\"probes\": [");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.diagnostics().at(0).message.starts_with("invalid JSON: parse error at line 1"));
  auto missing = load_health_config_file("/nonexistent/health.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.diagnostics().at(0).message,
            "cannot read /nonexistent/health.json: No such file or directory");
}

TEST(HealthConfig, WarnsAboutSettingsWithoutEffect) {
  auto loaded = parse_health_config(R"({"probes": [{"type": "cpu", "on_error_after": 3}]})");
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded.warnings().size(), 1U);
  EXPECT_EQ(loaded.warnings()[0].to_string(),
            "/probes/0/on_error_after: has no effect while on_error is \"keep\"");
}

TEST(HealthConfig, ShippedExamplesLoad) {
  for (const char* name : {"health.json", "minimal.json"}) {
    auto loaded = load_health_config_file(std::filesystem::path{WHA_SOURCE_DIR} / "examples" /
                                          "health" / name);
    EXPECT_TRUE(loaded.ok()) << name << ": "
                             << (loaded.diagnostics().empty() ? "" : loaded.diagnostics()[0].to_string());
    EXPECT_TRUE(loaded.warnings().empty()) << name;
  }
}

}  // namespace
