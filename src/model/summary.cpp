#include <wholesale_ha/model/summary.hpp>

#include <ctime>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include <wholesale_ha/model/enum_names.hpp>

namespace wholesale_ha::model {
namespace {

constexpr std::string_view kHealthPrefix = "#health-";

std::string health_of(const Node& node, const ClusterState& state) {
  Attributes merged;
  for (const auto& [k, v] : node.attributes) {
    if (k.starts_with(kHealthPrefix)) merged[k] = v;
  }
  if (auto it = state.nodes.find(node.id); it != state.nodes.end()) {
    for (const auto& [k, v] : it->second.attributes) {
      if (k.starts_with(kHealthPrefix)) merged[k] = v;
    }
  }
  std::vector<std::string> parts;
  for (const auto& [k, v] : merged) parts.push_back(k.substr(kHealthPrefix.size()) + "=" + v);
  return parts.empty() ? "-" : fmt::format("{}", fmt::join(parts, " "));
}

std::string where(const Resource& resource, const ClusterState& state) {
  std::vector<std::string> places;
  for (const auto& p : state.resources) {
    if (p.resource != resource.id) continue;
    places.push_back(p.state == ResourceState::failed ? p.node + " (FAILED)" : p.node);
  }
  if (places.empty()) return "stopped";
  return fmt::format("on {}", fmt::join(places, ", "));
}

std::string describe_constraint(const Constraint& constraint) {
  return std::visit(
      [](const auto& c) -> std::string {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, LocationConstraint>) {
          if (c.node) {
            return fmt::format("location   {}: {} on {} score {}{}", c.id, c.resource, *c.node,
                               score_to_string(c.score), c.offline ? " (offline: stop and start)" : "");
          }
          std::vector<std::string> terms;
          for (const auto& e : c.rule->expressions) {
            terms.push_back(fmt::format("{} {}{}", e.attribute, to_string(e.op),
                                        e.value ? " " + *e.value : std::string{}));
          }
          return fmt::format("location   {}: {} score {} where {}", c.id, c.resource,
                             score_to_string(c.rule->score),
                             fmt::join(terms, fmt::format(" {} ", to_string(c.rule->boolean_op))));
        } else if constexpr (std::is_same_v<T, ColocationConstraint>) {
          return fmt::format("colocation {}: {} with {} score {}", c.id, c.resource, c.with,
                             score_to_string(c.score));
        } else if constexpr (std::is_same_v<T, OrderConstraint>) {
          return fmt::format("order      {}: {} then {} ({}{})", c.id, c.first, c.then,
                             to_string(c.kind), c.symmetrical ? ", symmetrical" : "");
        } else {
          return fmt::format("depends_on {}: {} needs {}", c.id, c.resource, c.on);
        }
      },
      constraint);
}

}  // namespace

std::string format_timestamp(Timestamp timestamp) {
  std::time_t t = timestamp;
  std::tm utc{};
  gmtime_r(&t, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

std::string format_summary(const Cluster& cluster) {
  const auto& config = cluster.config;
  const auto& state = cluster.state;
  const auto& options = config.options;
  std::string out = fmt::format(
      "Cluster {}: {} nodes, {} resources, {}\n"
      "  health strategy {}, placement {}, stonith {}, no-quorum policy {}, migration limit {}\n",
      options.cluster_name.empty() ? "(unnamed)" : "\"" + options.cluster_name + "\"",
      config.nodes.size(), config.resources.size(), state.quorate ? "quorate" : "WITHOUT QUORUM",
      to_string(options.health.strategy), to_string(options.placement_strategy),
      options.stonith_enabled ? "enabled" : "disabled", to_string(options.no_quorum_policy),
      options.migration_limit < 0 ? std::string{"none"} : std::to_string(options.migration_limit));

  out += "\nNodes\n";
  for (const auto& node : config.nodes) {
    auto it = state.nodes.find(node.id);
    auto node_state = it == state.nodes.end() ? NodeState::online : it->second.state;
    // Pacemaker's maintenance (hands off) from the configuration; maintenance mode (evacuated)
    // and a clean shutdown in progress from the status.
    std::string mode = node.maintenance ? "unmanaged" : node.standby ? "standby" : "";
    if (it != state.nodes.end() && it->second.evacuate) mode = "maintenance";
    if (it != state.nodes.end() && it->second.shutdown) mode = "shutting-down";
    out += fmt::format("  {:<14} {:<8} {:<12} health: {}\n", node.id, to_string(node_state), mode,
                       health_of(node, state));
  }

  out += "\nResources\n";
  for (const auto& resource : config.resources) {
    auto meta = effective_meta(resource.meta, options.resource_defaults);
    std::string kind = resource.type.empty() ? resource.backend : resource.backend + ":" + resource.type;
    std::vector<std::string> traits;
    if (meta.allow_migrate) traits.emplace_back("migratable");
    if (resource.clone) traits.emplace_back("clone");
    if (meta.target_role == TargetRole::stopped) traits.emplace_back("target-role=stopped");
    if (meta.allow_unhealthy_nodes) traits.emplace_back("ignores-health");
    if (!meta.managed) traits.emplace_back("unmanaged");
    out += fmt::format("  {:<14} {:<22} {:<24} {}\n", resource.id, kind, where(resource, state),
                       fmt::join(traits, ", "));
  }

  if (!config.groups.empty()) {
    out += "\nGroups\n";
    for (const auto& group : config.groups) {
      out += fmt::format("  {:<14} {}\n", group.id, fmt::join(group.resources, " -> "));
    }
  }
  if (!config.constraints.empty()) {
    out += "\nConstraints\n";
    for (const auto& c : config.constraints) out += "  " + describe_constraint(c) + "\n";
  }
  if (!state.failcounts.empty()) {
    out += "\nFailcounts\n";
    for (const auto& f : state.failcounts) {
      out += fmt::format("  {} on {}: {} (last {})\n", f.resource, f.node, f.count,
                         format_timestamp(f.last_failure));
    }
  }
  if (!state.pending.empty()) {
    out += "\nPending operations\n";
    for (const auto& op : state.pending) {
      out += fmt::format("  {} {} on {}{} since {}\n", op.operation, op.resource, op.node,
                         op.target ? " -> " + *op.target : std::string{},
                         format_timestamp(op.since));
    }
  }
  return out;
}

}  // namespace wholesale_ha::model
