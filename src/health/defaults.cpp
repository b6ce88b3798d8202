// The built-in defaults of each probe type: attribute, schedule, stability and rules.
// docs/health.md lists them; keep the two in step.

#include <wholesale_ha/health/config.hpp>

#include <array>
#include <chrono>

#include "enum_tables.hpp"

namespace wholesale_ha::health {
namespace {

using namespace std::chrono_literals;

constexpr std::array<std::string_view, 13> kSmartMetrics = {
    "smart_failed",     "reallocated_sectors", "pending_sectors", "offline_uncorrectable",
    "self_test_failed", "grown_defects",       "uncorrected_errors", "critical_warning",
    "available_spare",  "spare_margin",        "percentage_used",    "media_errors",
    "temperature"};
constexpr std::array<std::string_view, 6> kNvmeMetrics = {
    "critical_warning", "available_spare", "spare_margin",
    "percentage_used",  "media_errors",    "temperature"};
constexpr std::array<std::string_view, 2> kEdacMetrics = {"ce_count", "ue_count"};
constexpr std::array<std::string_view, 3> kHwmonMetrics = {"temperature", "max_margin",
                                                           "crit_margin"};
constexpr std::array<std::string_view, 1> kIpmiMetrics = {"state"};
constexpr std::array<std::string_view, 3> kCpuMetrics = {"machine_checks", "thermal_events",
                                                         "load_per_cpu"};

Rule at_least(std::string metric, std::optional<double> yellow, std::optional<double> red) {
  Rule rule;
  rule.metric = std::move(metric);
  rule.yellow = yellow;
  rule.red = red;
  return rule;
}

Rule at_most(std::string metric, std::optional<double> yellow, std::optional<double> red,
             double hysteresis) {
  Rule rule = at_least(std::move(metric), yellow, red);
  rule.direction = Direction::below;
  rule.hysteresis = hysteresis;
  return rule;
}

Rule rising(std::string metric, model::Duration window, std::optional<double> yellow,
            std::optional<double> red) {
  Rule rule = at_least(std::move(metric), yellow, red);
  rule.trend = Trend::increase;
  rule.window = window;
  return rule;
}

// Disks: a failed self-assessment or self-test, or an NVMe critical warning, is red at
// once; any bad sector or media error is yellow (the disk is among those that fail far more
// often), and red when they keep growing within a day.
std::vector<Rule> disk_rules() {
  return {
      at_least("smart_failed", std::nullopt, 1),
      at_least("self_test_failed", std::nullopt, 1),
      at_least("critical_warning", std::nullopt, 1),
      at_least("reallocated_sectors", 1, std::nullopt),
      rising("reallocated_sectors", 24h, std::nullopt, 10),
      at_least("pending_sectors", 1, 10),
      at_least("offline_uncorrectable", 1, 10),
      at_least("grown_defects", 1, std::nullopt),
      rising("grown_defects", 24h, std::nullopt, 10),
      at_least("uncorrected_errors", 1, std::nullopt),
      at_least("media_errors", 1, std::nullopt),
      rising("media_errors", 24h, std::nullopt, 10),
      at_most("spare_margin", 10, 0, 0),
      at_least("percentage_used", 90, std::nullopt),
  };
}

std::vector<Rule> nvme_rules() {
  std::vector<Rule> out;
  for (auto& rule : disk_rules()) {
    if (std::find(kNvmeMetrics.begin(), kNvmeMetrics.end(), rule.metric) != kNvmeMetrics.end()) {
      out.push_back(std::move(rule));
    }
  }
  return out;
}

// Memory: an uncorrectable error the machine survived stays red until an operator has
// looked; a burst of corrected errors is the usual warning before one.
std::vector<Rule> edac_rules() {
  Rule uncorrected = at_least("ue_count", std::nullopt, 1);
  uncorrected.sticky = true;
  return {uncorrected, rising("ce_count", 1h, 10, 1000)};
}

// Temperatures against the limits the chip itself declares, with 3°C of hysteresis.
std::vector<Rule> hwmon_rules() {
  return {at_most("max_margin", 0, std::nullopt, 3), at_most("crit_margin", 5, 0, 3)};
}

// BMC sensor states: 1 non-critical, 2 critical, 3 non-recoverable.
std::vector<Rule> ipmi_rules() { return {at_least("state", 1, 2)}; }

std::vector<Rule> cpu_rules() { return {rising("machine_checks", 24h, 1, 10)}; }

struct TypeDefaults {
  std::string_view attribute;
  model::Duration interval;
  model::Duration timeout;
  model::Duration confirm;
};

TypeDefaults type_defaults(ProbeType type) {
  switch (type) {
    case ProbeType::smart: return {"#health-disk", 10min, 60s, 0s};
    case ProbeType::nvme: return {"#health-disk", 10min, 60s, 0s};
    case ProbeType::edac: return {"#health-memory", 60s, 5s, 0s};
    // A one-sample spike (a sensor glitch, a short burst) must not move VMs.
    case ProbeType::hwmon: return {"#health-thermal", 30s, 5s, 60s};
    case ProbeType::ipmi: return {"#health-ipmi", 60s, 30s, 0s};
    case ProbeType::cpu: return {"#health-cpu", 60s, 5s, 0s};
    case ProbeType::command: return {"", 60s, 30s, 0s};
  }
  return {"", 60s, 30s, 0s};
}

ProbeOptions default_options(ProbeType type) {
  switch (type) {
    case ProbeType::smart: return SmartOptions{};
    case ProbeType::nvme: return NvmeOptions{};
    case ProbeType::edac: return EdacOptions{};
    case ProbeType::hwmon: return HwmonOptions{};
    case ProbeType::ipmi: return IpmiOptions{};
    case ProbeType::cpu: return CpuOptions{};
    case ProbeType::command: return CommandOptions{};
  }
  return CommandOptions{};
}

std::vector<Rule> default_rules(ProbeType type) {
  switch (type) {
    case ProbeType::smart: return disk_rules();
    case ProbeType::nvme: return nvme_rules();
    case ProbeType::edac: return edac_rules();
    case ProbeType::hwmon: return hwmon_rules();
    case ProbeType::ipmi: return ipmi_rules();
    case ProbeType::cpu: return cpu_rules();
    case ProbeType::command: return {};
  }
  return {};
}

}  // namespace

std::string_view to_string(ProbeType type) noexcept { return model::detail::enum_name(type); }

ProbeType ProbeSpec::type() const noexcept {
  // The options' alternatives are declared in ProbeType's order.
  return static_cast<ProbeType>(options.index());
}

ProbeSpec default_probe(ProbeType type) {
  const TypeDefaults d = type_defaults(type);
  ProbeSpec spec;
  spec.settings.id = std::string{to_string(type)};
  spec.settings.attribute = std::string{d.attribute};
  spec.settings.interval = d.interval;
  spec.settings.timeout = d.timeout;
  spec.settings.stability.confirm = d.confirm;
  // Hardware rarely heals: a node that was unhealthy proves itself for a while before VMs
  // come back.
  spec.settings.stability.min_dwell = 10min;
  spec.settings.rules = default_rules(type);
  spec.options = default_options(type);
  return spec;
}

std::span<const std::string_view> probe_metrics(ProbeType type) noexcept {
  switch (type) {
    case ProbeType::smart: return kSmartMetrics;
    case ProbeType::nvme: return kNvmeMetrics;
    case ProbeType::edac: return kEdacMetrics;
    case ProbeType::hwmon: return kHwmonMetrics;
    case ProbeType::ipmi: return kIpmiMetrics;
    case ProbeType::cpu: return kCpuMetrics;
    case ProbeType::command: return {};
  }
  return {};
}

}  // namespace wholesale_ha::health
