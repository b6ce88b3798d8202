// Cluster → JSON. Mirrors json_parse.cpp: whatever this writes, parse_cluster reads back
// into an equal Cluster.

#include <nlohmann/json.hpp>

#include <wholesale_ha/model/enum_names.hpp>
#include <wholesale_ha/model/json.hpp>

namespace wholesale_ha::model {
namespace {

using nlohmann::json;

json score_json(Score score) {
  if (score >= kInfinity) return "INFINITY";
  if (score <= kMinusInfinity) return "-INFINITY";
  return score;
}

json duration_json(Duration duration) {
  if (duration.count() % 1000 == 0) return duration.count() / 1000;
  return duration_to_string(duration);
}

template <class T, class Convert>
void put_optional(json& out, const char* key, const std::optional<T>& value, Convert convert) {
  if (value) out[key] = convert(*value);
}

template <class Map>
void put_map(json& out, const char* key, const Map& map) {
  if (!map.empty()) out[key] = map;
}

json meta_json(const ResourceMeta& meta) {
  json out = json::object();
  auto same = [](auto v) { return v; };
  auto name = [](auto v) { return to_string(v); };
  put_optional(out, "allow_migrate", meta.allow_migrate, same);
  put_optional(out, "stickiness", meta.stickiness, score_json);
  put_optional(out, "migration_threshold", meta.migration_threshold, same);
  put_optional(out, "failure_timeout", meta.failure_timeout, duration_json);
  put_optional(out, "priority", meta.priority, same);
  put_optional(out, "target_role", meta.target_role, name);
  put_optional(out, "allow_unhealthy_nodes", meta.allow_unhealthy_nodes, same);
  put_optional(out, "shutdown_policy", meta.shutdown_policy, name);
  put_optional(out, "failback", meta.failback, same);
  put_optional(out, "managed", meta.managed, same);
  put_optional(out, "max_restart", meta.max_restart, same);
  put_optional(out, "max_relocate", meta.max_relocate, same);
  return out;
}

json options_json(const ClusterOptions& options) {
  const ClusterOptions defaults;
  json out = json::object();
  if (!options.cluster_name.empty()) out["cluster_name"] = options.cluster_name;
  if (options.health != defaults.health) {
    out["health"] = {{"strategy", to_string(options.health.strategy)},
                     {"red", score_json(options.health.red)},
                     {"yellow", score_json(options.health.yellow)},
                     {"green", score_json(options.health.green)},
                     {"base", score_json(options.health.base)}};
  }
  out["placement_strategy"] = to_string(options.placement_strategy);
  out["migration_limit"] = options.migration_limit;
  out["stonith_enabled"] = options.stonith_enabled;
  out["no_quorum_policy"] = to_string(options.no_quorum_policy);
  out["symmetric_cluster"] = options.symmetric_cluster;
  out["shutdown_policy"] = to_string(options.shutdown_policy);
  if (const auto& f = options.failover_capacity) {
    json& capacity = out["failover_capacity"] = json::object();
    if (!f->percent.empty()) capacity["percent"] = f->percent;
    if (f->hosts != 0) capacity["hosts"] = f->hosts;
    if (!f->spare_nodes.empty()) capacity["spare_nodes"] = f->spare_nodes;
    if (f->failback) capacity["failback"] = true;
  }
  if (auto meta = meta_json(options.resource_defaults); !meta.empty()) {
    out["resource_defaults"] = std::move(meta);
  }
  return out;
}

json node_json(const Node& node) {
  json out = {{"id", node.id}};
  if (node.name != node.id) out["name"] = node.name;
  if (node.standby) out["standby"] = true;
  if (node.maintenance) out["maintenance"] = true;
  put_map(out, "attributes", node.attributes);
  put_map(out, "capacity", node.capacity);
  return out;
}

json operations_json(const Operations& ops) {
  json out = json::object();
  auto one = [](const OperationSpec& op) {
    json o = json::object();
    put_optional(o, "interval", op.interval, duration_json);
    put_optional(o, "timeout", op.timeout, duration_json);
    put_optional(o, "on_fail", op.on_fail, [](OnFail v) { return to_string(v); });
    return o;
  };
  for (const auto& [key, spec] : {std::pair{"monitor", &ops.monitor}, std::pair{"start", &ops.start},
                                  std::pair{"stop", &ops.stop}, std::pair{"migrate", &ops.migrate}}) {
    if (auto o = one(*spec); !o.empty()) out[key] = std::move(o);
  }
  return out;
}

json resource_json(const Resource& resource) {
  json out = {{"id", resource.id}, {"backend", resource.backend}};
  if (!resource.type.empty()) out["type"] = resource.type;
  put_map(out, "params", resource.params);
  if (auto meta = meta_json(resource.meta); !meta.empty()) out["meta"] = std::move(meta);
  put_map(out, "utilization", resource.utilization);
  if (resource.clone) {
    json clone = {{"node_max", resource.clone->node_max}};
    if (resource.clone->max) clone["max"] = *resource.clone->max;
    out["clone"] = std::move(clone);
  }
  if (auto ops = operations_json(resource.operations); !ops.empty()) out["operations"] = std::move(ops);
  if (!resource.recovery.empty()) {
    json steps = json::array();
    for (const auto& step : resource.recovery) {
      json o = {{"action", step.action}, {"attempts", step.attempts}};
      put_optional(o, "timeout", step.timeout, duration_json);
      steps.push_back(std::move(o));
    }
    out["recovery"] = std::move(steps);
  }
  return out;
}

json rule_json(const Rule& rule) {
  json expressions = json::array();
  for (const auto& e : rule.expressions) {
    json expression = {{"attribute", e.attribute}, {"op", to_string(e.op)}};
    if (e.value) expression["value"] = *e.value;
    expressions.push_back(std::move(expression));
  }
  return {{"score", score_json(rule.score)},
          {"boolean_op", to_string(rule.boolean_op)},
          {"expressions", std::move(expressions)}};
}

json constraint_json(const Constraint& constraint) {
  return std::visit(
      [](const auto& c) -> json {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, LocationConstraint>) {
          json out = {{"type", "location"}, {"id", c.id}, {"resource", c.resource}};
          if (c.node) {
            out["node"] = *c.node;
            out["score"] = score_json(c.score);
          }
          if (c.rule) out["rule"] = rule_json(*c.rule);
          if (c.offline) out["offline"] = true;
          return out;
        } else if constexpr (std::is_same_v<T, ColocationConstraint>) {
          return {{"type", "colocation"}, {"id", c.id},
                  {"resource", c.resource}, {"with", c.with},
                  {"score", score_json(c.score)}};
        } else if constexpr (std::is_same_v<T, OrderConstraint>) {
          return {{"type", "order"},        {"id", c.id},
                  {"first", c.first},       {"then", c.then},
                  {"kind", to_string(c.kind)}, {"symmetrical", c.symmetrical}};
        } else {
          return {{"type", "depends_on"}, {"id", c.id}, {"resource", c.resource}, {"on", c.on}};
        }
      },
      constraint);
}

json status_json(const ClusterState& state) {
  json out = {{"now", state.now}, {"quorate", state.quorate}};
  if (!state.nodes.empty()) {
    json nodes = json::object();
    for (const auto& [id, node] : state.nodes) {
      json entry = {{"state", to_string(node.state)}};
      put_map(entry, "attributes", node.attributes);
      if (node.shutdown) entry["shutdown"] = to_string(*node.shutdown);
      if (node.evacuate) entry["evacuate"] = true;
      nodes[id] = std::move(entry);
    }
    out["nodes"] = std::move(nodes);
  }
  if (!state.resources.empty()) {
    json& list = out["resources"] = json::array();
    for (const auto& p : state.resources) {
      list.push_back({{"resource", p.resource}, {"node", p.node}, {"state", to_string(p.state)}});
    }
  }
  if (!state.failcounts.empty()) {
    json& list = out["failcounts"] = json::array();
    for (const auto& f : state.failcounts) {
      list.push_back({{"resource", f.resource},
                      {"node", f.node},
                      {"count", f.count},
                      {"last_failure", f.last_failure}});
    }
  }
  if (!state.pending.empty()) {
    json& list = out["pending"] = json::array();
    for (const auto& op : state.pending) {
      json entry = {{"resource", op.resource},
                    {"node", op.node},
                    {"operation", op.operation},
                    {"since", op.since}};
      if (op.target) entry["target"] = *op.target;
      list.push_back(std::move(entry));
    }
  }
  if (!state.frozen.empty()) {
    json& list = out["frozen"] = json::array();
    for (const auto& f : state.frozen) list.push_back({{"resource", f.resource}, {"node", f.node}});
  }
  put_map(out, "last_node", state.last_node);
  if (!state.returns.empty()) {
    json& list = out["returns"] = json::array();
    for (const auto& f : state.returns) list.push_back({{"resource", f.resource}, {"node", f.node}});
  }
  return out;
}

template <class T, class Convert>
json list_json(const std::vector<T>& items, Convert convert) {
  json out = json::array();
  for (const auto& item : items) out.push_back(convert(item));
  return out;
}

}  // namespace

nlohmann::json to_json(const Cluster& cluster) {
  const auto& config = cluster.config;
  json out = {{"version", 1},
              {"options", options_json(config.options)},
              {"nodes", list_json(config.nodes, node_json)},
              {"resources", list_json(config.resources, resource_json)}};
  if (!config.groups.empty()) {
    out["groups"] = list_json(config.groups, [](const Group& g) {
      return json{{"id", g.id}, {"resources", g.resources}};
    });
  }
  if (!config.constraints.empty()) {
    out["constraints"] = list_json(config.constraints, constraint_json);
  }
  out["status"] = status_json(cluster.state);
  return out;
}

std::string to_json_string(const Cluster& cluster, int indent) {
  // A cluster built in code may hold any bytes; U+FFFD rather than an exception.
  return to_json(cluster).dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace wholesale_ha::model
