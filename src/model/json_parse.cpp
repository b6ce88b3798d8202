// Structure of the cluster document: types, ranges and unknown keys. Cross-references are
// checked afterwards in json_validate.cpp.

#include <wholesale_ha/model/json.hpp>

#include <fmt/format.h>

#include "json_reader.hpp"
#include "json_validate.hpp"
#include "value_rules.hpp"

namespace wholesale_ha::model {
namespace {

using namespace detail;

auto int_in(IntRange range) {
  return [=](const json& v, const Path& at, Diagnostics& d) -> std::optional<std::int32_t> {
    if (auto value = read_int(v, at, d, range.min, range.max)) {
      return static_cast<std::int32_t>(*value);
    }
    return std::nullopt;
  };
}

std::optional<std::int64_t> read_timestamp(const json& v, const Path& at, Diagnostics& d) {
  return read_int(v, at, d, kTimestamp.min, kTimestamp.max);
}

template <class Enum>
auto enum_reader() {
  return [](const json& v, const Path& at, Diagnostics& d) { return read_enum<Enum>(v, at, d); };
}

void parse_meta(const json& v, const Path& at, Diagnostics& d, ResourceMeta& meta) {
  ObjectReader r{v, at, d};
  read_field(r, "allow_migrate", meta.allow_migrate, read_bool);
  read_field(r, "stickiness", meta.stickiness, read_score);
  read_field(r, "migration_threshold", meta.migration_threshold, int_in(kMigrationThreshold));
  read_field(r, "failure_timeout", meta.failure_timeout, read_duration);
  read_field(r, "priority", meta.priority, int_in(kPriority));
  read_field(r, "target_role", meta.target_role, enum_reader<TargetRole>());
  read_field(r, "allow_unhealthy_nodes", meta.allow_unhealthy_nodes, read_bool);
  read_field(r, "shutdown_policy", meta.shutdown_policy, enum_reader<ShutdownPolicy>());
  read_field(r, "failback", meta.failback, read_bool);
  read_field(r, "managed", meta.managed, read_bool);
  read_field(r, "max_restart", meta.max_restart, int_in(kMaxRestart));
  read_field(r, "max_relocate", meta.max_relocate, int_in(kMaxRelocate));
  r.finish();
}

void parse_health(const json& v, const Path& at, Diagnostics& d, HealthOptions& health) {
  ObjectReader r{v, at, d};
  read_field(r, "strategy", health.strategy, enum_reader<HealthStrategy>());
  read_field(r, "red", health.red, read_score);
  read_field(r, "yellow", health.yellow, read_score);
  read_field(r, "green", health.green, read_score);
  read_field(r, "base", health.base, read_score);
  r.finish();
}

FailoverCapacity parse_failover_capacity(const json& v, const Path& at, Diagnostics& d) {
  ObjectReader r{v, at, d};
  FailoverCapacity out;
  read_field(r, "percent", out.percent, read_utilization);
  read_field(r, "hosts", out.hosts, int_in(kFailoverHosts));
  read_field(r, "spare_nodes", out.spare_nodes, read_id_list);
  read_field(r, "failback", out.failback, read_bool);
  r.finish();
  return out;
}

void parse_options(const json& v, const Path& at, Diagnostics& d, ClusterOptions& options) {
  ObjectReader r{v, at, d};
  read_field(r, "cluster_name", options.cluster_name, read_string);
  if (const json* health = r.optional("health")) {
    parse_health(*health, Path{at, "health"}, d, options.health);
  }
  read_field(r, "placement_strategy", options.placement_strategy,
             enum_reader<PlacementStrategy>());
  read_field(r, "migration_limit", options.migration_limit, int_in(kMigrationLimit));
  read_field(r, "stonith_enabled", options.stonith_enabled, read_bool);
  read_field(r, "no_quorum_policy", options.no_quorum_policy, enum_reader<NoQuorumPolicy>());
  read_field(r, "symmetric_cluster", options.symmetric_cluster, read_bool);
  read_field(r, "shutdown_policy", options.shutdown_policy, enum_reader<ShutdownPolicy>());
  if (const json* capacity = r.optional("failover_capacity")) {
    options.failover_capacity = parse_failover_capacity(*capacity, Path{at, "failover_capacity"}, d);
  }
  if (const json* defaults = r.optional("resource_defaults")) {
    parse_meta(*defaults, Path{at, "resource_defaults"}, d, options.resource_defaults);
  }
  r.finish();
}

Node parse_node(const json& v, const Path& at, Diagnostics& d) {
  Node node;
  ObjectReader r{v, at, d};
  read_required(r, "id", node.id, read_id);
  read_field(r, "name", node.name, read_string);
  read_field(r, "standby", node.standby, read_bool);
  read_field(r, "maintenance", node.maintenance, read_bool);
  read_field(r, "attributes", node.attributes, read_string_map);
  read_field(r, "capacity", node.capacity, read_utilization);
  r.finish();
  if (node.name.empty()) node.name = node.id;
  return node;
}

void parse_operation(const json& v, const Path& at, Diagnostics& d, OperationSpec& op,
                     bool recurring) {
  ObjectReader r{v, at, d};
  if (recurring) read_field(r, "interval", op.interval, read_duration);
  read_field(r, "timeout", op.timeout, read_duration);
  read_field(r, "on_fail", op.on_fail, enum_reader<OnFail>());
  r.finish();
  if (op.interval && op.interval->count() == 0) {
    d.error(Errc::invalid_value, Path{at, "interval"}, std::string{kZeroInterval});
  }
  if (op.timeout && op.timeout->count() == 0) {
    d.error(Errc::invalid_value, Path{at, "timeout"}, std::string{kZeroTimeout});
  }
}

void parse_operations(const json& v, const Path& at, Diagnostics& d, Operations& ops) {
  ObjectReader r{v, at, d};
  struct Entry {
    const char* key;
    OperationSpec* spec;
    bool recurring;
  };
  for (const Entry& e : {Entry{"monitor", &ops.monitor, true}, Entry{"start", &ops.start, false},
                         Entry{"stop", &ops.stop, false}, Entry{"migrate", &ops.migrate, false}}) {
    if (const json* op = r.optional(e.key)) parse_operation(*op, Path{at, e.key}, d, *e.spec, e.recurring);
  }
  r.finish();
}

void parse_recovery(const json& v, const Path& at, Diagnostics& d, std::vector<RecoveryStep>& steps) {
  for_each_element(v, at, d, [&](const json& element, const Path& step_at) {
    ObjectReader r{element, step_at, d};
    RecoveryStep step;
    read_required(r, "action", step.action, read_id);
    read_field(r, "attempts", step.attempts, int_in(kRecoveryAttempts));
    read_field(r, "timeout", step.timeout, read_duration);
    r.finish();
    if (step.timeout && step.timeout->count() == 0) {
      d.error(Errc::invalid_value, Path{step_at, "timeout"}, std::string{kZeroTimeout});
    }
    steps.push_back(std::move(step));
  });
}

Resource parse_resource(const json& v, const Path& at, Diagnostics& d) {
  Resource resource;
  ObjectReader r{v, at, d};
  read_required(r, "id", resource.id, read_id);
  read_required(r, "backend", resource.backend, read_id);
  read_field(r, "type", resource.type, read_string);
  read_field(r, "params", resource.params, read_string_map);
  if (const json* meta = r.optional("meta")) parse_meta(*meta, Path{at, "meta"}, d, resource.meta);
  read_field(r, "utilization", resource.utilization, read_utilization);
  if (const json* clone = r.optional("clone")) {
    Path clone_at{at, "clone"};
    ObjectReader c{*clone, clone_at, d};
    CloneSpec spec;
    read_field(c, "max", spec.max, int_in(kCloneMax));
    read_field(c, "node_max", spec.node_max, int_in(kCloneNodeMax));
    c.finish();
    resource.clone = spec;
  }
  if (const json* ops = r.optional("operations")) {
    parse_operations(*ops, Path{at, "operations"}, d, resource.operations);
  }
  if (const json* recovery = r.optional("recovery")) {
    parse_recovery(*recovery, Path{at, "recovery"}, d, resource.recovery);
  }
  r.finish();
  return resource;
}

Group parse_group(const json& v, const Path& at, Diagnostics& d) {
  Group group;
  ObjectReader r{v, at, d};
  read_required(r, "id", group.id, read_id);
  read_required(r, "resources", group.resources, read_id_list);
  r.finish();
  return group;
}

Rule parse_rule(const json& v, const Path& at, Diagnostics& d) {
  Rule rule;
  ObjectReader r{v, at, d};
  read_required(r, "score", rule.score, read_score);
  read_field(r, "boolean_op", rule.boolean_op, enum_reader<BooleanOperator>());
  if (const json* expressions = r.required("expressions")) {
    Path list_at{at, "expressions"};
    for_each_element(*expressions, list_at, d, [&](const json& e, const Path& e_at) {
      RuleExpression expression;
      ObjectReader er{e, e_at, d};
      std::optional<RuleOperator> op;
      read_required(er, "attribute", expression.attribute, read_string);
      read_required(er, "op", op, enum_reader<RuleOperator>());
      read_field(er, "value", expression.value, read_string);
      er.finish();
      if (!op) return;  // already reported; checking its value would only add noise
      expression.op = *op;
      const bool unary = is_unary(*op);
      if (unary && expression.value) {
        d.error(Errc::invalid_value, Path{e_at, "value"}, unary_with_value_message(*op));
      } else if (!unary && !expression.value && er.valid()) {
        d.error(Errc::missing_field, e_at, missing_value_message(*op));
      }
      rule.expressions.push_back(std::move(expression));
    });
    if (expressions->is_array() && expressions->empty()) {
      d.error(Errc::invalid_value, list_at, std::string{kEmptyRule});
    }
  }
  r.finish();
  return rule;
}

std::optional<Constraint> parse_constraint(const json& v, const Path& at, Diagnostics& d) {
  ObjectReader r{v, at, d};
  if (!r.valid()) return std::nullopt;
  const json* type = r.required("type");
  if (type == nullptr) return std::nullopt;  // unknown shape: do not guess at its keys
  std::string id;
  read_required(r, "id", id, read_id);
  Path type_at{at, "type"};
  const std::string kind = type->is_string() ? type->get<std::string>() : std::string{};
  std::optional<Constraint> out;
  if (kind == "location") {
    LocationConstraint c;
    c.id = id;
    read_required(r, "resource", c.resource, read_id);
    read_field(r, "node", c.node, read_id);
    read_field(r, "score", c.score, read_score);
    if (const json* rule = r.optional("rule")) c.rule = parse_rule(*rule, Path{at, "rule"}, d);
    read_field(r, "offline", c.offline, read_bool);
    out = std::move(c);
  } else if (kind == "colocation") {
    ColocationConstraint c;
    c.id = id;
    read_required(r, "resource", c.resource, read_id);
    read_required(r, "with", c.with, read_id);
    read_field(r, "score", c.score, read_score);
    out = std::move(c);
  } else if (kind == "order") {
    OrderConstraint c;
    c.id = id;
    read_required(r, "first", c.first, read_id);
    read_required(r, "then", c.then, read_id);
    read_field(r, "kind", c.kind, enum_reader<OrderKind>());
    read_field(r, "symmetrical", c.symmetrical, read_bool);
    out = std::move(c);
  } else if (kind == "depends_on") {
    DependsOnConstraint c;
    c.id = id;
    read_required(r, "resource", c.resource, read_id);
    read_required(r, "on", c.on, read_id);
    out = std::move(c);
  } else {
    d.error(Errc::invalid_value, type_at, "expected one of \"location\", \"colocation\", \"order\", \"depends_on\", "
                     "got " + describe(*type));
    return std::nullopt;
  }
  r.finish();
  return out;
}

/// A list of {resource, node} records (frozen, returns).
template <class Record>
void parse_records(ObjectReader& r, const Path& at, Diagnostics& d, const char* key, std::vector<Record>& out) {
  const json* list = r.optional(key);
  if (list == nullptr) return;
  for_each_element(*list, Path{at, key}, d, [&](const json& e, const Path& e_at) {
    Record record;
    ObjectReader er{e, e_at, d};
    read_required(er, "resource", record.resource, read_id);
    read_required(er, "node", record.node, read_id);
    er.finish();
    out.push_back(std::move(record));
  });
}

void parse_status(const json& v, const Path& at, Diagnostics& d, ClusterState& state) {
  ObjectReader r{v, at, d};
  read_field(r, "now", state.now, read_timestamp);
  read_field(r, "quorate", state.quorate, read_bool);
  if (const json* nodes = r.optional("nodes")) {
    Path nodes_at{at, "nodes"};
    ObjectReader nodes_reader{*nodes, nodes_at, d};
    if (nodes_reader.valid()) {
      for (const auto& [id, node] : nodes->items()) {
        Path node_at{nodes_at, id};
        NodeStatus status;
        ObjectReader nr{node, node_at, d};
        read_field(nr, "state", status.state, enum_reader<NodeState>());
        read_field(nr, "attributes", status.attributes, read_string_map);
        read_field(nr, "shutdown", status.shutdown, enum_reader<ShutdownKind>());
        read_field(nr, "evacuate", status.evacuate, read_bool);
        nr.finish();
        state.nodes.emplace(id, std::move(status));
      }
    }
  }
  if (const json* resources = r.optional("resources")) {
    for_each_element(*resources, Path{at, "resources"}, d, [&](const json& e, const Path& e_at) {
      ResourcePlacement p;
      ObjectReader er{e, e_at, d};
      read_required(er, "resource", p.resource, read_id);
      read_required(er, "node", p.node, read_id);
      read_field(er, "state", p.state, enum_reader<ResourceState>());
      er.finish();
      state.resources.push_back(std::move(p));
    });
  }
  if (const json* failcounts = r.optional("failcounts")) {
    for_each_element(*failcounts, Path{at, "failcounts"}, d, [&](const json& e, const Path& e_at) {
      FailureRecord f;
      ObjectReader er{e, e_at, d};
      read_required(er, "resource", f.resource, read_id);
      read_required(er, "node", f.node, read_id);
      read_required(er, "count", f.count, int_in(kFailCount));
      read_field(er, "last_failure", f.last_failure, read_timestamp);
      er.finish();
      state.failcounts.push_back(std::move(f));
    });
  }
  if (const json* pending = r.optional("pending")) {
    for_each_element(*pending, Path{at, "pending"}, d, [&](const json& e, const Path& e_at) {
      PendingOperation op;
      ObjectReader er{e, e_at, d};
      read_required(er, "resource", op.resource, read_id);
      read_required(er, "node", op.node, read_id);
      read_required(er, "operation", op.operation, read_id);
      read_field(er, "target", op.target, read_id);
      read_field(er, "since", op.since, read_timestamp);
      er.finish();
      state.pending.push_back(std::move(op));
    });
  }
  parse_records(r, at, d, "frozen", state.frozen);
  parse_records(r, at, d, "returns", state.returns);
  read_field(r, "last_node", state.last_node, read_string_map);
  r.finish();
}

template <class T, class ParseFn>
void parse_list(ObjectReader& root, std::string_view key, std::vector<T>& out, ParseFn parse,
                std::vector<std::size_t>* source_index = nullptr) {
  const json* list = root.optional(key);
  if (list == nullptr) return;
  std::size_t index = 0;
  for_each_element(*list, Path{root.path(), key}, root.diagnostics(),
                   [&](const json& e, const Path& e_at) {
                     if (auto item = parse(e, e_at, root.diagnostics())) {
                       out.push_back(std::move(*item));
                       if (source_index != nullptr) source_index->push_back(index);
                     }
                     ++index;
                   });
}

}  // namespace

Result<Cluster> parse_cluster_document(const nlohmann::json& document) noexcept {
  try {
    Diagnostics d;
    Cluster cluster;
    Path root_path;
    ObjectReader root{document, root_path, d};
    if (const json* version = root.optional("version"); version && *version != 1) {
      d.error(Errc::unsupported, Path{root_path, "version"},
              "unsupported format version " + describe(*version) +
                  ": this library reads version 1 (or omit the key)");
    }
    if (const json* options = root.optional("options")) {
      parse_options(*options, Path{root_path, "options"}, d, cluster.config.options);
    }
    auto wrap = [](auto parse) {
      return [parse](const json& v, const Path& at, Diagnostics& dd) {
        return std::optional{parse(v, at, dd)};
      };
    };
    parse_list(root, "nodes", cluster.config.nodes, wrap(parse_node));
    parse_list(root, "resources", cluster.config.resources, wrap(parse_resource));
    parse_list(root, "groups", cluster.config.groups, wrap(parse_group));
    std::vector<std::size_t> constraint_index;  // document index of each parsed constraint
    parse_list(root, "constraints", cluster.config.constraints, parse_constraint,
               &constraint_index);
    if (const json* status = root.optional("status")) {
      parse_status(*status, Path{root_path, "status"}, d, cluster.state);
    }
    root.finish();
    if (root.valid()) validate_references(cluster, constraint_index, d);
    return d.result(std::move(cluster));
  } catch (const std::exception& e) {
    return Diagnostic::error(Errc::internal, "", e.what());
  }
}

Result<Cluster> parse_cluster(std::string_view json_text) noexcept {
  return detail::parse_json_text<Cluster>(json_text, [](const json& d) { return parse_cluster_document(d); });
}

Result<Cluster> load_cluster_file(const std::filesystem::path& path) noexcept {
  return detail::load_json_file<Cluster>(path, [](std::string_view text) { return parse_cluster(text); });
}

}  // namespace wholesale_ha::model
