#include "smartctl_json.hpp"

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "../evidence.hpp"
#include "nvme_health.hpp"
#include "tool.hpp"

namespace wholesale_ha::health::detail {
namespace {

using nlohmann::json;

// smartctl's exit status is a bit mask (smartctl(8), "RETURN VALUES").
constexpr int kCommandLineError = 1 << 0;
constexpr int kDeviceOpenFailed = 1 << 1;

const json* find(const json& doc, std::initializer_list<std::string_view> path) {
  const json* at = &doc;
  for (auto key : path) {
    if (!at->is_object()) return nullptr;
    auto it = at->find(key);
    if (it == at->end()) return nullptr;
    at = &*it;
  }
  return at;
}

std::optional<double> number(const json& doc, std::initializer_list<std::string_view> path) {
  const json* v = find(doc, path);
  if (v == nullptr || !v->is_number()) return std::nullopt;
  return v->get<double>();
}

/// smartctl's exit status bits; what is not a small integer (1e20, -1, 2.5) cannot be its
/// status and reads as 0 rather than as an undefined conversion.
int exit_status(const json& doc) {
  const json* v = find(doc, {"smartctl", "exit_status"});
  if (v == nullptr || !v->is_number_unsigned() || v->get<std::uint64_t>() > 255) return 0;
  return static_cast<int>(v->get<std::uint64_t>());
}

std::string text(const json& doc, std::initializer_list<std::string_view> path) {
  const json* v = find(doc, path);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string{};
}

std::string messages(const json& doc) {
  std::vector<std::string> out;
  if (const json* list = find(doc, {"smartctl", "messages"}); list != nullptr && list->is_array()) {
    for (const auto& m : *list) {
      if (m.is_object() && m.contains("string") && m["string"].is_string()) {
        out.push_back(m["string"].get<std::string>());
      }
    }
  }
  return fmt::format("{}", fmt::join(out, "; "));
}

/// The raw value as smartctl decodes it for this drive ("36 (Min/Max 30/48)" → 36): vendors
/// pack other fields into the upper bytes of the 48-bit raw number.
std::optional<double> raw_count(const json& attribute) {
  const std::string decoded = text(attribute, {"raw", "string"});
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(decoded.data(), decoded.data() + decoded.size(), value);
  if (ec == std::errc{} && end != decoded.data()) return static_cast<double>(value);
  return number(attribute, {"raw", "value"});
}

struct Reader {
  const std::string& subject;
  std::string detail;
  std::vector<Measurement> out;

  void add(std::string metric, double value, std::string unit = {}, std::string words = {}) {
    out.push_back({subject, detail, std::move(metric), value, std::move(unit), std::move(words)});
  }

  void overall(const json& doc) {
    if (const json* passed = find(doc, {"smart_status", "passed"}); passed && passed->is_boolean()) {
      const bool ok = passed->get<bool>();
      add("smart_failed", ok ? 0 : 1, {},
          ok ? "SMART overall-health passed" : "SMART overall-health FAILED");
    }
    if (auto t = number(doc, {"temperature", "current"})) add("temperature", *t, "°C");
  }

  void ata(const json& doc) {
    const json* table = find(doc, {"ata_smart_attributes", "table"});
    if (table == nullptr || !table->is_array()) return;
    for (const auto& attribute : *table) {
      const auto id = number(attribute, {"id"});
      if (!id) continue;
      const char* metric = *id == 5     ? "reallocated_sectors"
                           : *id == 197 ? "pending_sectors"
                           : *id == 198 ? "offline_uncorrectable"
                                        : nullptr;
      if (metric == nullptr) continue;
      if (auto count = raw_count(attribute)) add(metric, *count);
    }
  }

  /// The most recent completed self-test of the ATA log (newest first in smartctl's table).
  void ata_self_test(const json& doc) {
    const json* table = find(doc, {"ata_smart_self_test_log", "standard", "table"});
    if (table == nullptr || !table->is_array()) return;
    for (const auto& entry : *table) {
      const json* passed = find(entry, {"status", "passed"});
      if (passed == nullptr || !passed->is_boolean()) continue;  // still running
      if (passed->get<bool>()) {
        add("self_test_failed", 0, {}, "last self-test passed");
      } else {
        std::string words = fmt::format("last self-test failed ({}: {}", text(entry, {"type", "string"}),
                                        text(entry, {"status", "string"}));
        if (auto lba = number(entry, {"lba"})) words += " at LBA " + format_number(*lba);
        add("self_test_failed", 1, {}, words + ")");
      }
      return;
    }
  }

  /// smartctl 7.4+ also logs NVMe self-tests; results 5-7 are failures (NVMe 1.4 §5.14.1.6).
  void nvme_self_test(const json& doc) {
    const json* table = find(doc, {"nvme_self_test_log", "table"});
    if (table == nullptr || !table->is_array() || table->empty()) return;
    const auto result = number(table->front(), {"self_test_result", "value"});
    if (!result || *result == 0xf) return;
    const bool failed = *result >= 5 && *result <= 7;
    add("self_test_failed", failed ? 1 : 0, {},
        failed ? "last self-test failed (" + text(table->front(), {"self_test_result", "string"}) + ")"
               : "last self-test did not fail");
  }

  void nvme(const json& doc) {
    const json* log = find(doc, {"nvme_smart_health_information_log"});
    if (log == nullptr || !log->is_object()) return;
    if (auto warning = number(*log, {"critical_warning"})) {
      add("critical_warning", *warning, {}, critical_warning_words(*warning));
    }
    const auto spare = number(*log, {"available_spare"});
    const auto threshold = number(*log, {"available_spare_threshold"});
    if (spare) add("available_spare", *spare, "%");
    if (spare && threshold) {
      add("spare_margin", *spare - *threshold, "%",
          fmt::format("available spare {}% (threshold {}%)", format_number(*spare),
                      format_number(*threshold)));
    }
    if (auto used = number(*log, {"percentage_used"})) add("percentage_used", *used, "%");
    if (auto errors = number(*log, {"media_errors"})) add("media_errors", *errors);
  }

  void scsi(const json& doc) {
    if (auto defects = number(doc, {"scsi_grown_defect_list"})) add("grown_defects", *defects);
    std::optional<double> uncorrected;
    for (auto direction : {"read", "write", "verify"}) {
      if (auto n = number(doc, {"scsi_error_counter_log", direction, "total_uncorrected_errors"})) {
        uncorrected = uncorrected.value_or(0) + *n;
      }
    }
    if (uncorrected) add("uncorrected_errors", *uncorrected);
  }
};

std::string device_detail(const json& doc) {
  std::string model = text(doc, {"model_name"});
  if (model.empty()) model = text(doc, {"scsi_model_name"});
  const std::string serial = text(doc, {"serial_number"});
  if (serial.empty()) return model;
  return model.empty() ? "S/N " + serial : model + " S/N " + serial;
}

}  // namespace

ProbeResult parse_smartctl_device(const std::string& subject, std::string_view output) {
  const json doc = parse_tool_json(output);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("smartctl")) {
    return ProbeResult::failure("smartctl did not print its JSON report (smartmontools 7.0 or "
                                "later is needed): \"" + first_line(output) + "\"");
  }
  const int status = exit_status(doc);
  const std::string said = messages(doc);
  if ((status & kCommandLineError) != 0) {
    return ProbeResult::failure("smartctl rejected its command line: " + said);
  }
  if ((status & kDeviceOpenFailed) != 0) {
    return ProbeResult::unavailable(said.empty() ? "smartctl could not open the device" : said);
  }
  Reader reader{subject, device_detail(doc), {}};
  reader.overall(doc);
  reader.ata(doc);
  reader.ata_self_test(doc);
  reader.nvme(doc);
  reader.nvme_self_test(doc);
  reader.scsi(doc);
  // Temperature alone (a USB bridge passing nothing else through) says nothing of health.
  const bool any_health = std::any_of(reader.out.begin(), reader.out.end(),
                                      [](const auto& m) { return m.metric != "temperature"; });
  if (!any_health) {
    return ProbeResult::unavailable("no SMART health data" + (said.empty() ? "" : ": " + said));
  }
  ProbeResult result;
  result.measurements = std::move(reader.out);
  return result;
}

std::vector<SmartDevice> parse_smartctl_scan(std::string_view output, std::string& error) {
  const json doc = parse_tool_json(output);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("smartctl")) {
    error = "smartctl --scan did not print its JSON report: \"" + first_line(output) + "\"";
    return {};
  }
  std::vector<SmartDevice> out;
  if (const json* devices = find(doc, {"devices"}); devices != nullptr && devices->is_array()) {
    for (const auto& device : *devices) {
      std::string name = text(device, {"name"});
      if (!name.empty()) out.push_back({std::move(name), text(device, {"type"})});
    }
  }
  return out;
}

}  // namespace wholesale_ha::health::detail
