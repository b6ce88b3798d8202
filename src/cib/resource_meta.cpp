#include "resource_meta.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include <fmt/format.h>

#include "pacemaker_values.hpp"
#include "value_readers.hpp"

namespace wholesale_ha::cib {
namespace {

struct IgnoredMeta {
  std::string_view name;
  /// The value under which ignoring the attribute changes nothing ("" = any value).
  std::string_view harmless_value;
  std::string_view why;
};

// Meta attributes the model has no field for. A value equal to harmless_value is what our
// engine does anyway; any other value is reported.
constexpr std::array kIgnoredMeta = {
    IgnoredMeta{"multiple-active", "stop_start", "only stop_start recovery is supported"},
    IgnoredMeta{"critical", "true", "non-critical colocations are not supported"},
    IgnoredMeta{"requires", "", ""},
    IgnoredMeta{"description", "", ""},
    IgnoredMeta{"restart-type", "ignore", "restart-type is not supported"},
    IgnoredMeta{"globally-unique", "false", "globally unique clones are not supported"},
    IgnoredMeta{"interleave", "false", "interleaved clone ordering is not supported"},
    IgnoredMeta{"ordered", "false", "ordered clones are not supported"},
    IgnoredMeta{"notify", "false", "clone notifications are not supported"},
    IgnoredMeta{"container-attribute-target", "", "bundle attributes are not supported"},
    IgnoredMeta{"remote-node", "", "guest nodes are not supported"},
    IgnoredMeta{"remote-port", "", "guest nodes are not supported"},
    IgnoredMeta{"remote-addr", "", "guest nodes are not supported"},
    IgnoredMeta{"remote-connect-timeout", "", "guest nodes are not supported"},
    IgnoredMeta{"remote-allow-migrate", "", "guest nodes are not supported"},
};

bool same_value(std::string_view name, std::string_view a, std::string_view b) {
  // Booleans compare by meaning ("yes" == "true"), the rest case-insensitively.
  if (name != "multiple-active" && name != "restart-type") {
    auto x = parse_boolean(a);
    auto y = parse_boolean(b);
    if (x && y) return *x == *y;
  }
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char p, char q) {
    return std::tolower(static_cast<unsigned char>(p)) ==
           std::tolower(static_cast<unsigned char>(q));
  });
}

void read_target_role(ImportContext& context, const NvPair& pair, model::ResourceMeta& meta) {
  std::string role = pair.value;
  std::transform(role.begin(), role.end(), role.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (role == "started") {
    meta.target_role = model::TargetRole::started;
  } else if (role == "stopped") {
    meta.target_role = model::TargetRole::stopped;
  } else if (role == "promoted" || role == "unpromoted" || role == "master" || role == "slave") {
    // For a resource that is not promotable Pacemaker treats these as Started.
    meta.target_role = model::TargetRole::started;
    context.warning(Errc::unsupported, pair.at, fmt::format("target-role \"{}\" is imported as \"started\": "
                                         "promotion roles are not supported",
                                         pair.value));
  } else {
    context.error(Errc::invalid_value, pair.at,
                  fmt::format("target-role: expected Started or Stopped, got \"{}\"", pair.value));
  }
}

void report_ignored(ImportContext& context, const NvPair& pair) {
  auto known = std::find_if(kIgnoredMeta.begin(), kIgnoredMeta.end(),
                            [&](const IgnoredMeta& m) { return m.name == pair.name; });
  if (known == kIgnoredMeta.end()) {
    context.warning(Errc::unsupported, 
        pair.at, fmt::format("meta attribute \"{}\" is not supported and is ignored", pair.name));
    return;
  }
  if (known->why.empty()) return;  // informational only
  if (!known->harmless_value.empty() && same_value(pair.name, pair.value, known->harmless_value)) {
    return;
  }
  context.warning(Errc::unsupported, pair.at, fmt::format("{}={} is ignored: {}", pair.name, pair.value, known->why));
}

}  // namespace

void apply_resource_meta(ImportContext& context, const std::vector<NvPair>& pairs,
                         model::ResourceMeta& meta) {
  for (const auto& pair : pairs) {
    const std::string_view name = pair.name;
    if (name == "allow-migrate") {
      if (auto v = read_boolean(context, pair)) meta.allow_migrate = v;
    } else if (name == "resource-stickiness") {
      if (auto v = read_score(context, pair)) meta.stickiness = v;
    } else if (name == "migration-threshold") {
      if (auto v = read_integer(context, pair, 0, model::kInfinity)) {
        meta.migration_threshold = static_cast<std::int32_t>(*v);
      }
    } else if (name == "failure-timeout") {
      if (auto v = read_duration(context, pair)) meta.failure_timeout = v;
    } else if (name == "priority") {
      if (auto v = read_integer(context, pair, model::kMinusInfinity, model::kInfinity)) {
        meta.priority = static_cast<std::int32_t>(*v);
      }
    } else if (name == "target-role") {
      read_target_role(context, pair, meta);
    } else if (name == "allow-unhealthy-nodes") {
      if (auto v = read_boolean(context, pair)) meta.allow_unhealthy_nodes = v;
    } else if (name == "is-managed") {
      if (auto v = read_boolean(context, pair)) meta.managed = v;
    } else if (name == "maintenance") {
      // A resource in maintenance is unmanaged (Pacemaker also stops monitoring it).
      if (auto v = read_boolean(context, pair); v && *v) meta.managed = false;
    } else {
      report_ignored(context, pair);
    }
  }
}

std::vector<NvPair> inherit_pairs(std::vector<NvPair> own, const std::vector<NvPair>& inherited) {
  for (const auto& pair : inherited) {
    if (!find_pair(own, pair.name)) own.push_back(pair);
  }
  return own;
}

}  // namespace wholesale_ha::cib
