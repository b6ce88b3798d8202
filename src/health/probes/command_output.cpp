#include "command_output.hpp"

#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tool.hpp"

namespace wholesale_ha::health::detail {
namespace {

using nlohmann::json;

constexpr std::string_view kExpected =
    "expected a colour, a score or a JSON object with \"value\" or \"metrics\"";

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

ProbeResult garbage(std::string_view output) {
  return ProbeResult::failure(fmt::format("printed \"{}\": {}", first_line(output), kExpected));
}

std::optional<HealthValue> json_value(const json& v) {
  if (v.is_string()) return parse_health_value(v.get_ref<const std::string&>());
  if (v.is_number_integer()) return parse_health_value(v.dump());
  return std::nullopt;
}

ProbeResult parse_json(std::string_view output, const std::string& default_subject) {
  const json doc = parse_tool_json(output);
  if (doc.is_discarded() || !doc.is_object()) return garbage(output);
  const bool has_value = doc.contains("value");
  const bool has_metrics = doc.contains("metrics");
  if (has_value == has_metrics) return garbage(output);
  std::string evidence;
  if (auto it = doc.find("evidence"); it != doc.end() && it->is_string()) evidence = it->get<std::string>();
  if (has_value) {
    auto value = json_value(doc["value"]);
    if (!value) return garbage(output);
    return ProbeResult::judged(*value, std::move(evidence));
  }
  const json& metrics = doc["metrics"];
  if (!metrics.is_object() || metrics.empty()) return garbage(output);
  std::string subject = default_subject;
  if (auto it = doc.find("subject"); it != doc.end() && it->is_string()) subject = it->get<std::string>();
  ProbeResult result;
  for (const auto& [name, number] : metrics.items()) {
    if (!number.is_number()) return garbage(output);
    result.measurements.push_back({subject, evidence, name, number.get<double>(), "", ""});
  }
  return result;
}

}  // namespace

ProbeResult parse_command_output(std::string_view output, const std::string& subject) {
  const std::string_view text = trim(output);
  if (text.empty()) return ProbeResult::failure(fmt::format("printed nothing: {}", kExpected));
  if (text.front() == '{') return parse_json(text, subject);
  const auto end = text.find('\n');
  const auto value = parse_health_value(trim(text.substr(0, end)));
  if (!value) return garbage(text);
  std::vector<std::string_view> rest;
  for (std::string_view tail = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
       !tail.empty();) {
    const auto next = tail.find('\n');
    if (auto line = trim(tail.substr(0, next)); !line.empty()) rest.push_back(line);
    if (next == std::string_view::npos) break;
    tail.remove_prefix(next + 1);
  }
  return ProbeResult::judged(*value, fmt::format("{}", fmt::join(rest, "; ")));
}

}  // namespace wholesale_ha::health::detail
