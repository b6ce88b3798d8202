// crm_config cluster properties and rsc_defaults → ClusterOptions.

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include <wholesale_ha/model/enum_names.hpp>

#include "import_steps.hpp"
#include "nvpairs.hpp"
#include "operations.hpp"
#include "pacemaker_values.hpp"
#include "resource_meta.hpp"
#include "value_readers.hpp"

namespace wholesale_ha::cib {
namespace {

struct IgnoredProperty {
  std::string_view name;
  /// The value under which ignoring the property changes no placement decision ("" = any).
  std::string_view harmless_value;
};

// Properties that do not change what the policy engine decides (timeouts, bookkeeping,
// history sizes), or do not while they have the harmless value. docs/cib-import.md lists them.
constexpr std::array kIgnoredProperties = {
    IgnoredProperty{"dc-version", ""},
    IgnoredProperty{"cluster-infrastructure", ""},
    IgnoredProperty{"have-watchdog", ""},
    IgnoredProperty{"last-lrm-refresh", ""},
    IgnoredProperty{"cluster-recheck-interval", ""},
    IgnoredProperty{"dc-deadtime", ""},
    IgnoredProperty{"election-timeout", ""},
    IgnoredProperty{"shutdown-escalation", ""},
    IgnoredProperty{"join-integration-timeout", ""},
    IgnoredProperty{"join-finalization-timeout", ""},
    IgnoredProperty{"transition-delay", ""},
    IgnoredProperty{"cluster-delay", ""},
    IgnoredProperty{"batch-limit", ""},
    IgnoredProperty{"node-action-limit", ""},
    IgnoredProperty{"load-threshold", ""},
    IgnoredProperty{"cluster-ipc-limit", ""},
    IgnoredProperty{"pe-error-series-max", ""},
    IgnoredProperty{"pe-warn-series-max", ""},
    IgnoredProperty{"pe-input-series-max", ""},
    IgnoredProperty{"stonith-timeout", ""},
    IgnoredProperty{"stonith-watchdog-timeout", ""},
    IgnoredProperty{"stonith-max-attempts", ""},
    IgnoredProperty{"concurrent-fencing", ""},
    IgnoredProperty{"fence-reaction", ""},
    IgnoredProperty{"priority-fencing-delay", ""},
    IgnoredProperty{"enable-acl", ""},
    IgnoredProperty{"enable-startup-probes", "true"},
    IgnoredProperty{"stop-all-resources", "false"},
    IgnoredProperty{"is-managed-default", "true"},
    IgnoredProperty{"start-failure-is-fatal", "true"},
    IgnoredProperty{"startup-fencing", "true"},
    IgnoredProperty{"stop-orphan-resources", "true"},
    IgnoredProperty{"stop-orphan-actions", "true"},
    IgnoredProperty{"remove-after-stop", "false"},
    IgnoredProperty{"stonith-action", "reboot"},
};

template <class Enum>
void read_enum(ImportContext& context, const NvPair& pair, Enum& field, std::string_view expected) {
  if (auto value = model::enum_from_string<Enum>(pair.value)) {
    field = *value;
  } else {
    context.error(Errc::invalid_value, pair.at, fmt::format("{}: expected one of {}, got \"{}\"", pair.name, expected,
                                       pair.value));
  }
}

void read_no_quorum_policy(ImportContext& context, const NvPair& pair,
                           model::NoQuorumPolicy& policy) {
  if (pair.value == "demote" || pair.value == "suicide") {
    context.error(Errc::unsupported, pair.at, fmt::format("no-quorum-policy \"{}\" is not supported; supported: "
                                       "stop, freeze, ignore",
                                       pair.value));
    return;
  }
  read_enum(context, pair, policy, "stop, freeze, ignore");
}

void report_ignored_property(ImportContext& context, const NvPair& pair) {
  auto known = std::find_if(kIgnoredProperties.begin(), kIgnoredProperties.end(),
                            [&](const IgnoredProperty& p) { return p.name == pair.name; });
  if (known == kIgnoredProperties.end()) {
    context.warning(Errc::unsupported, pair.at, fmt::format("cluster property \"{}\" is not supported and is "
                                         "ignored",
                                         pair.name));
    return;
  }
  if (known->harmless_value.empty()) return;
  auto value = parse_boolean(pair.value);
  auto harmless = parse_boolean(known->harmless_value);
  const bool same = value && harmless ? *value == *harmless : pair.value == known->harmless_value;
  if (!same) {
    context.warning(Errc::unsupported, pair.at, fmt::format("cluster property {}={} is not supported and is "
                                         "ignored (our engine behaves as with {})",
                                         pair.name, pair.value, known->harmless_value));
  }
}

/// Applies one crm_config property; the legacy default-resource-stickiness is handed back
/// because rsc_defaults, read later, wins over it.
void apply_property(ImportContext& context, const NvPair& pair, model::ClusterOptions& options,
                    std::optional<model::Score>& legacy_stickiness) {
  auto& health = options.health;
  const std::string_view name = pair.name;
  if (name == "stonith-enabled") {
    if (auto v = read_boolean(context, pair)) options.stonith_enabled = *v;
  } else if (name == "no-quorum-policy") {
    read_no_quorum_policy(context, pair, options.no_quorum_policy);
  } else if (name == "symmetric-cluster") {
    if (auto v = read_boolean(context, pair)) options.symmetric_cluster = *v;
  } else if (name == "placement-strategy") {
    read_enum(context, pair, options.placement_strategy, "default, utilization, balanced, minimal");
  } else if (name == "node-health-strategy") {
    read_enum(context, pair, health.strategy,
              "none, migrate-on-red, only-green, progressive, custom");
  } else if (name == "node-health-red") {
    if (auto v = read_score(context, pair)) health.red = *v;
  } else if (name == "node-health-yellow") {
    if (auto v = read_score(context, pair)) health.yellow = *v;
  } else if (name == "node-health-green") {
    if (auto v = read_score(context, pair)) health.green = *v;
  } else if (name == "node-health-base") {
    if (auto v = read_score(context, pair)) health.base = *v;
  } else if (name == "migration-limit") {
    if (auto v = read_integer(context, pair, -1, model::kInfinity)) {
      options.migration_limit = static_cast<std::int32_t>(*v);
    }
  } else if (name == "cluster-name") {
    options.cluster_name = pair.value;
  } else if (name == "shutdown-lock") {
    // Resources stay locked to a node shut down cleanly until it is back: freeze.
    if (auto v = read_boolean(context, pair)) {
      options.shutdown_policy = *v ? model::ShutdownPolicy::freeze : model::ShutdownPolicy::migrate;
    }
  } else if (name == "maintenance-mode") {
    // Every resource unmanaged: resource_defaults (a resource's own is-managed=true wins here,
    // unlike in Pacemaker).
    if (auto v = read_boolean(context, pair); v && *v) options.resource_defaults.managed = false;
  } else if (name == "default-resource-stickiness") {
    legacy_stickiness = read_score(context, pair);
  } else {
    report_ignored_property(context, pair);
  }
}

}  // namespace

void import_cluster_options(ImportContext& context, pugi::xml_node configuration) {
  auto& options = context.cluster.config.options;
  std::optional<model::Score> legacy_stickiness;
  for (const auto& pair : read_nvsets(context, configuration.child("crm_config"),
                                      "cluster_property_set", "cluster property sets")) {
    apply_property(context, pair, options, legacy_stickiness);
  }

  auto defaults = read_nvsets(context, configuration.child("rsc_defaults"), "meta_attributes",
                              "resource defaults");
  apply_resource_meta(context, defaults, options.resource_defaults);
  // The pre-1.1 property still works in Pacemaker; rsc_defaults wins when both are set.
  if (legacy_stickiness && !options.resource_defaults.stickiness) {
    options.resource_defaults.stickiness = legacy_stickiness;
  }
  context.op_defaults = import_op_defaults(context, configuration.child("op_defaults"));
}

}  // namespace wholesale_ha::cib
