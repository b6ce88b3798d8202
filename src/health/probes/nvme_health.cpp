#include "nvme_health.hpp"

#include <array>
#include <charconv>
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "../evidence.hpp"
#include "tool.hpp"

namespace wholesale_ha::health::detail {
namespace {

using nlohmann::json;

/// Critical Warning bits, NVMe base specification 2.0 §5.16.1.3 (byte 0 of log page 02h).
constexpr std::array<std::string_view, 6> kWarningBits = {
    "available spare below threshold",
    "temperature outside its thresholds",
    "reliability degraded",
    "media read-only",
    "volatile memory backup failed",
    "persistent memory region unreliable",
};

/// The first of `keys` present, as a number. nvme-cli prints 128-bit counters as numbers
/// or, in some versions, as strings of digits.
std::optional<double> field(const json& doc, std::initializer_list<std::string_view> keys) {
  for (auto key : keys) {
    auto it = doc.find(key);
    if (it == doc.end()) continue;
    if (it->is_number()) return it->get<double>();
    if (it->is_string()) {
      const auto& s = it->get_ref<const std::string&>();
      double value = 0;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
      if (ec == std::errc{} && end == s.data() + s.size()) return value;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::string critical_warning_words(double value) {
  // A byte in the NVMe log page; converting anything else to unsigned would be undefined.
  if (!(value >= 0 && value <= 255) || value != static_cast<double>(static_cast<unsigned>(value))) {
    return fmt::format("critical warning {} (not a bit field)", value);
  }
  const auto bits = static_cast<unsigned>(value);
  if (bits == 0) return "no critical warning";
  std::vector<std::string_view> set;
  for (std::size_t i = 0; i < kWarningBits.size(); ++i) {
    if ((bits & (1U << i)) != 0) set.push_back(kWarningBits[i]);
  }
  if ((bits >> kWarningBits.size()) != 0) set.push_back("unknown warning bits");
  return fmt::format("critical warning 0x{:02x} ({})", bits, fmt::join(set, "; "));
}

ProbeResult parse_nvme_smart_log(const std::string& subject, std::string_view output) {
  const json doc = parse_tool_json(output);
  if (doc.is_discarded() || !doc.is_object()) {
    return ProbeResult::failure("nvme smart-log did not print JSON: \"" + first_line(output) +
                                "\"");
  }
  std::vector<Measurement> out;
  auto add = [&](std::string metric, double value, std::string unit, std::string words = {}) {
    out.push_back({subject, {}, std::move(metric), value, std::move(unit), std::move(words)});
  };
  if (auto warning = field(doc, {"critical_warning"})) {
    add("critical_warning", *warning, {}, critical_warning_words(*warning));
  }
  // Composite temperature in kelvin; 0 means the controller does not report it.
  if (auto kelvin = field(doc, {"temperature"}); kelvin && *kelvin > 0) {
    add("temperature", *kelvin - 273, "°C");
  }
  // nvme-cli 2.x spells them avail_spare / spare_thresh / percent_used; accept the
  // specification's names too.
  const auto spare = field(doc, {"avail_spare", "available_spare"});
  const auto threshold = field(doc, {"spare_thresh", "available_spare_threshold"});
  if (spare) add("available_spare", *spare, "%");
  if (spare && threshold) {
    add("spare_margin", *spare - *threshold, "%",
        fmt::format("available spare {}% (threshold {}%)", format_number(*spare),
                    format_number(*threshold)));
  }
  if (auto used = field(doc, {"percent_used", "percentage_used"})) {
    add("percentage_used", *used, "%");
  }
  if (auto errors = field(doc, {"media_errors"})) add("media_errors", *errors, "");
  if (out.empty()) {
    return ProbeResult::failure("nvme smart-log printed JSON without health fields: \"" +
                                first_line(output) + "\"");
  }
  ProbeResult result;
  result.measurements = std::move(out);
  return result;
}

}  // namespace wholesale_ha::health::detail
