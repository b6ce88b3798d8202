// The health configuration document (docs/health.md): read with the model's JSON readers so
// errors look the same as in cluster files.

#include <wholesale_ha/health/config.hpp>

#include <limits>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "../model/json_reader.hpp"
#include "enum_tables.hpp"

namespace wholesale_ha::health {
namespace {

using namespace model::detail;

template <class Enum>
auto enum_reader() {
  return [](const json& v, const Path& at, Diagnostics& d) { return read_enum<Enum>(v, at, d); };
}

std::optional<double> read_number(const json& v, const Path& at, Diagnostics& d) {
  if (v.is_number()) return v.get<double>();
  d.error(Errc::invalid_value, at, "expected a number, got " + describe(v));
  return std::nullopt;
}

std::optional<double> read_non_negative(const json& v, const Path& at, Diagnostics& d) {
  auto number = read_number(v, at, d);
  if (number && *number < 0) {
    d.error(Errc::invalid_value, at, "expected a number >= 0, got " + describe(v));
    return std::nullopt;
  }
  return number;
}

std::optional<model::Duration> read_positive_duration(const json& v, const Path& at,
                                                      Diagnostics& d) {
  auto duration = read_duration(v, at, d);
  if (duration && duration->count() <= 0) {
    d.error(Errc::invalid_value, at, "must be longer than 0, got " + describe(v));
    return std::nullopt;
  }
  return duration;
}

std::optional<std::string> read_non_empty(const json& v, const Path& at, Diagnostics& d) {
  auto text = read_string(v, at, d);
  if (text && text->empty()) {
    d.error(Errc::invalid_value, at, "must not be empty");
    return std::nullopt;
  }
  return text;
}

std::optional<std::vector<std::string>> read_strings(const json& v, const Path& at,
                                                     Diagnostics& d) {
  std::vector<std::string> out;
  bool ok = v.is_array();
  for_each_element(v, at, d, [&](const json& element, const Path& path) {
    if (auto text = read_non_empty(element, path, d)) {
      out.push_back(std::move(*text));
    } else {
      ok = false;
    }
  });
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::vector<std::string>> read_non_empty_strings(const json& v, const Path& at,
                                                               Diagnostics& d) {
  auto list = read_strings(v, at, d);
  if (list && list->empty()) {
    d.error(Errc::invalid_value, at, "must list at least one entry");
    return std::nullopt;
  }
  return list;
}

std::optional<std::string> read_attribute(const json& v, const Path& at, Diagnostics& d) {
  auto name = read_string(v, at, d);
  if (name && (!name->starts_with("#health-") || name->size() == 8)) {
    d.error(Errc::invalid_value, at, "expected an attribute named \"#health-<name>\" (the policy engine reads only "
                "those), got " + describe(v));
    return std::nullopt;
  }
  return name;
}

std::optional<HealthValue> read_health_value(const json& v, const Path& at, Diagnostics& d) {
  if (v.is_string()) {
    if (auto value = parse_health_value(v.get_ref<const std::string&>())) return value;
  } else if (v.is_number_integer()) {
    if (auto score = read_score(v, at, d)) return HealthValue::score(*score);
    return std::nullopt;
  }
  d.error(Errc::invalid_value, at, "expected \"green\", \"yellow\", \"red\" or an integer score, got " + describe(v));
  return std::nullopt;
}

/// "keep" (the default), or the value a failing probe's attribute takes.
void read_on_error(ObjectReader& r, ErrorPolicy& policy) {
  const json* v = r.optional("on_error");
  if (v == nullptr) return;
  Path at{r.path(), "on_error"};
  if (v->is_string() && v->get_ref<const std::string&>() == "keep") {
    policy.value.reset();
    return;
  }
  if (v->is_string() && !parse_health_value(v->get_ref<const std::string&>())) {
    r.diagnostics().error(Errc::invalid_value, at, "expected \"keep\", a colour or an integer score, got " +
                                  describe(*v));
    return;
  }
  if (auto value = read_health_value(*v, at, r.diagnostics())) policy.value = *value;
}

void check_metric(const Rule& rule, ProbeType type, const Path& at, Diagnostics& d) {
  const auto known = probe_metrics(type);
  if (known.empty() || rule.metric.empty()) return;
  if (std::find(known.begin(), known.end(), rule.metric) != known.end()) return;
  std::string message =
      fmt::format("unknown metric \"{}\" for {} probes", rule.metric, to_string(type));
  if (auto hint = suggestion(rule.metric, known); !hint.empty()) {
    message += " (" + hint + ")";
  } else {
    message += fmt::format(" (known: {})", fmt::join(known, ", "));
  }
  d.error(Errc::invalid_value, Path{at, "metric"}, std::move(message));
}

void check_rule(const Rule& rule, bool has_window, const Path& at, Diagnostics& d) {
  if (!rule.yellow && !rule.red) d.error(Errc::invalid_value, at, "a rule needs a \"yellow\" or a \"red\" threshold");
  if (rule.trend != Trend::none && !has_window) {
    d.error(Errc::invalid_value, at, "a \"trend\" rule needs a \"window\"");
  } else if (rule.trend != Trend::none && rule.window.count() <= 0) {
    d.error(Errc::invalid_value, Path{at, "window"}, "must be longer than 0");
  } else if (rule.trend == Trend::none && has_window) {
    d.error(Errc::invalid_value, Path{at, "window"}, "has no effect without \"trend\" (\"increase\" or \"slope\")");
  }
  if (rule.yellow && rule.red) {
    const bool above = rule.direction == Direction::above;
    if (above ? *rule.yellow > *rule.red : *rule.yellow < *rule.red) {
      d.error(Errc::invalid_value, Path{at, "yellow"},
              fmt::format("yellow threshold {} is past the red one {}: with direction \"{}\" "
                          "yellow must be {} red",
                          *rule.yellow, *rule.red, above ? "above" : "below",
                          above ? "<=" : ">="));
    }
  }
  if (rule.sticky && !rule.red) d.error(Errc::invalid_value, Path{at, "sticky"}, "sticky needs a \"red\" threshold");
}

Rule parse_rule(const json& v, const Path& at, Diagnostics& d, ProbeType type) {
  Rule rule;
  ObjectReader r{v, at, d};
  read_required(r, "metric", rule.metric, read_non_empty);
  read_field(r, "subject", rule.subject, read_non_empty);
  read_field(r, "trend", rule.trend, enum_reader<Trend>());
  const bool has_window = r.optional("window") != nullptr;
  read_field(r, "window", rule.window, read_duration);
  read_field(r, "direction", rule.direction, enum_reader<Direction>());
  read_field(r, "yellow", rule.yellow, read_number);
  read_field(r, "red", rule.red, read_number);
  read_field(r, "hysteresis", rule.hysteresis, read_non_negative);
  read_field(r, "sticky", rule.sticky, read_bool);
  r.finish();
  if (!r.valid()) return rule;
  check_metric(rule, type, at, d);
  check_rule(rule, has_window, at, d);
  return rule;
}

std::optional<SmartDevice> read_smart_device(const json& v, const Path& at, Diagnostics& d) {
  SmartDevice device;
  if (v.is_string()) {
    auto path = read_non_empty(v, at, d);
    if (!path) return std::nullopt;
    device.path = std::move(*path);
    return device;
  }
  if (!v.is_object()) {
    d.error(Errc::invalid_value, at, "expected a device path or {\"path\": ..., \"type\": ...}, got " + describe(v));
    return std::nullopt;
  }
  ObjectReader r{v, at, d};
  read_required(r, "path", device.path, read_non_empty);
  read_field(r, "type", device.type, read_non_empty);
  r.finish();
  if (device.path.empty()) return std::nullopt;
  return device;
}

void parse_options(ObjectReader& r, SmartOptions& o) {
  read_field(r, "tool", o.tool, read_non_empty);
  if (const json* devices = r.optional("devices")) {
    for_each_element(*devices, Path{r.path(), "devices"}, r.diagnostics(),
                     [&](const json& element, const Path& at) {
                       if (auto device = read_smart_device(element, at, r.diagnostics())) {
                         o.devices.push_back(std::move(*device));
                       }
                     });
  }
}

void parse_options(ObjectReader& r, NvmeOptions& o) {
  read_field(r, "tool", o.tool, read_non_empty);
  read_required(r, "devices", o.devices, read_non_empty_strings);
}

template <class SysfsOptions>
void parse_root(ObjectReader& r, SysfsOptions& o) {
  std::optional<std::string> root;
  read_field(r, "root", root, read_non_empty);
  if (root) o.root = *root;
}

void parse_options(ObjectReader& r, EdacOptions& o) { parse_root(r, o); }
void parse_options(ObjectReader& r, HwmonOptions& o) { parse_root(r, o); }
void parse_options(ObjectReader& r, CpuOptions& o) { parse_root(r, o); }

void parse_options(ObjectReader& r, IpmiOptions& o) {
  read_field(r, "tool", o.tool, read_non_empty);
  read_field(r, "args", o.args, read_strings);
}

void parse_options(ObjectReader& r, CommandOptions& o) {
  read_required(r, "command", o.command, read_non_empty_strings);
}

std::optional<ProbeSpec> parse_probe(const json& v, const Path& at, Diagnostics& d) {
  ObjectReader r{v, at, d};
  std::optional<ProbeType> type;
  read_required(r, "type", type, enum_reader<ProbeType>());
  // Without a type the allowed keys are unknown: report nothing more than the type.
  if (!type) return std::nullopt;

  ProbeSpec spec = default_probe(*type);
  ProbeSettings& s = spec.settings;
  read_field(r, "id", s.id, read_id);
  read_field(r, "attribute", s.attribute, read_attribute);
  read_field(r, "interval", s.interval, read_positive_duration);
  read_field(r, "timeout", s.timeout, read_positive_duration);
  read_field(r, "confirm", s.stability.confirm, read_duration);
  read_field(r, "min_dwell", s.stability.min_dwell, read_duration);
  read_on_error(r, s.on_error);
  read_field(r, "on_error_after", s.on_error.after,
             [](const json& value, const Path& path, Diagnostics& diag) -> std::optional<std::uint32_t> {
               if (auto n = read_int(value, path, diag, 1, std::numeric_limits<std::uint32_t>::max())) {
                 return static_cast<std::uint32_t>(*n);
               }
               return std::nullopt;
             });
  if (const json* rules = r.optional("rules")) {
    s.rules.clear();
    for_each_element(*rules, Path{at, "rules"}, d, [&](const json& element, const Path& path) {
      s.rules.push_back(parse_rule(element, path, d, *type));
    });
  }
  std::visit([&](auto& options) { parse_options(r, options); }, spec.options);
  r.finish();
  if (r.valid() && s.attribute.empty()) {
    d.error(Errc::missing_field, at, fmt::format("missing required key \"attribute\" ({} probes have no default)",
                            to_string(*type)));
  }
  if (r.valid() && !s.on_error.value && v.contains("on_error_after")) {
    d.warning(Errc::invalid_value, Path{at, "on_error_after"}, "has no effect while on_error is \"keep\"");
  }
  return spec;
}

/// Ids and attributes must be unique: two probes setting one attribute would overwrite each
/// other's verdicts.
void check_unique(const std::vector<std::pair<ProbeSpec, std::string>>& probes, Diagnostics& d) {
  std::map<std::string, std::string, std::less<>> ids;
  std::map<std::string, std::string, std::less<>> attributes;
  for (const auto& [spec, pointer] : probes) {
    if (auto [it, fresh] = ids.emplace(spec.settings.id, pointer); !fresh) {
      d.error(Errc::duplicate, pointer, fmt::format("duplicate probe id \"{}\" (first at {}); give each probe its "
                                   "own \"id\"",
                                   spec.settings.id, it->second));
    }
    if (spec.settings.attribute.empty()) continue;
    if (auto [it, fresh] = attributes.emplace(spec.settings.attribute, pointer); !fresh) {
      d.error(Errc::duplicate, pointer, fmt::format("attribute \"{}\" is already set by the probe at {}; give "
                                   "each probe its own attribute",
                                   spec.settings.attribute, it->second));
    }
  }
}

}  // namespace

Result<HealthConfig> parse_health_config_document(const nlohmann::json& document) noexcept {
  try {
    Diagnostics d;
    Path root;
    ObjectReader r{document, root, d};
    if (const json* version = r.optional("version")) {
      read_int(*version, Path{root, "version"}, d, 1, 1);
    }
    std::vector<std::pair<ProbeSpec, std::string>> probes;
    if (const json* list = r.optional("probes")) {
      for_each_element(*list, Path{root, "probes"}, d, [&](const json& element, const Path& at) {
        if (auto spec = parse_probe(element, at, d)) probes.emplace_back(std::move(*spec), at.pointer());
      });
    }
    r.finish();
    check_unique(probes, d);
    HealthConfig config;
    if (!d.has_errors()) {
      for (auto& [spec, pointer] : probes) config.probes.push_back(std::move(spec));
    }
    return d.result(std::move(config));
  } catch (const std::exception& e) {
    return Diagnostic::error(Errc::internal, "", e.what());
  }
}

Result<HealthConfig> parse_health_config(std::string_view json_text) noexcept {
  return model::detail::parse_json_text<HealthConfig>(
      json_text, [](const json& d) { return parse_health_config_document(d); });
}

Result<HealthConfig> load_health_config_file(const std::filesystem::path& path) noexcept {
  return model::detail::load_json_file<HealthConfig>(path,
                                                     [](std::string_view text) { return parse_health_config(text); });
}

}  // namespace wholesale_ha::health
