// validate(): the single-value checks of json_parse.cpp, run on typed values, then the same
// cross-reference checks (json_validate.cpp). Cheaper than writing the cluster as JSON and
// parsing it back, which is what the CIB importer and the controller did before.

#include <numeric>

#include <wholesale_ha/model/validate.hpp>

#include "json_reader.hpp"
#include "json_validate.hpp"
#include "value_rules.hpp"

namespace wholesale_ha::model {
namespace {

using namespace detail;

class ValueChecker {
 public:
  explicit ValueChecker(Diagnostics& d) : d_(d) {}

  void check(const Cluster& cluster) {
    const auto& config = cluster.config;
    Path root;
    Path options{root, "options"};
    integer(config.options.migration_limit, kMigrationLimit, Path{options, "migration_limit"});
    meta(config.options.resource_defaults, Path{options, "resource_defaults"});
    if (const auto& f = config.options.failover_capacity) {
      Path at{options, "failover_capacity"};
      amounts(f->percent, Path{at, "percent"});
      each(f->spare_nodes, Path{at, "spare_nodes"}, [&](const std::string& n, const Path& n_at) { id(n, n_at); });
    }
    each(config.nodes, Path{root, "nodes"}, [&](const Node& n, const Path& at) { node(n, at); });
    each(config.resources, Path{root, "resources"},
         [&](const Resource& r, const Path& at) { resource(r, at); });
    each(config.groups, Path{root, "groups"}, [&](const Group& g, const Path& at) {
      id(g.id, Path{at, "id"});
      each(g.resources, Path{at, "resources"},
           [&](const std::string& member, const Path& m_at) { id(member, m_at); });
    });
    each(config.constraints, Path{root, "constraints"},
         [&](const Constraint& c, const Path& at) { constraint(c, at); });
    status(cluster.state, Path{root, "status"});
  }

 private:
  template <class T, class Fn>
  static void each(const std::vector<T>& items, const Path& at, Fn fn) {
    for (std::size_t i = 0; i < items.size(); ++i) fn(items[i], Path{at, i});
  }

  void id(const std::string& value, const Path& at) {
    if (!is_valid_id(value)) d_.error(Errc::invalid_value, at, invalid_id_message(value, describe(json(value))));
  }

  void integer(std::int64_t value, IntRange range, const Path& at) {
    if (!in_range(value, range)) {
      d_.error(Errc::invalid_value, at, expected_integer(range) + ", got " + std::to_string(value));
    }
  }

  void amounts(const Utilization& amounts, const Path& at) {
    for (const auto& [name, amount] : amounts) integer(amount, kAmount, Path{at, name});
  }

  /// False (after reporting) when the duration is negative.
  bool duration(const std::optional<Duration>& value, const Path& at) {
    if (!value || value->count() >= 0) return true;
    d_.error(Errc::invalid_value, at, "a duration cannot be negative, got " + std::to_string(value->count()) + "ms");
    return false;
  }

  void meta(const ResourceMeta& m, const Path& at) {
    if (m.migration_threshold) {
      integer(*m.migration_threshold, kMigrationThreshold, Path{at, "migration_threshold"});
    }
    if (m.max_restart) integer(*m.max_restart, kMaxRestart, Path{at, "max_restart"});
    if (m.max_relocate) integer(*m.max_relocate, kMaxRelocate, Path{at, "max_relocate"});
    duration(m.failure_timeout, Path{at, "failure_timeout"});
  }

  void node(const Node& n, const Path& at) {
    id(n.id, Path{at, "id"});
    amounts(n.capacity, Path{at, "capacity"});
  }

  void operation(const OperationSpec& op, const Path& at, bool recurring) {
    Path interval{at, "interval"};
    if (op.interval && !recurring) {
      d_.error(Errc::invalid_value, interval, "only the monitor operation repeats; remove the interval");
    } else if (duration(op.interval, interval) && op.interval && op.interval->count() == 0) {
      d_.error(Errc::invalid_value, interval, std::string{kZeroInterval});
    }
    Path timeout{at, "timeout"};
    if (duration(op.timeout, timeout) && op.timeout && op.timeout->count() == 0) {
      d_.error(Errc::invalid_value, timeout, std::string{kZeroTimeout});
    }
  }

  void resource(const Resource& r, const Path& at) {
    id(r.id, Path{at, "id"});
    id(r.backend, Path{at, "backend"});
    meta(r.meta, Path{at, "meta"});
    amounts(r.utilization, Path{at, "utilization"});
    if (r.clone) {
      Path clone{at, "clone"};
      if (r.clone->max) integer(*r.clone->max, kCloneMax, Path{clone, "max"});
      integer(r.clone->node_max, kCloneNodeMax, Path{clone, "node_max"});
    }
    Path ops{at, "operations"};
    operation(r.operations.monitor, Path{ops, "monitor"}, true);
    operation(r.operations.start, Path{ops, "start"}, false);
    operation(r.operations.stop, Path{ops, "stop"}, false);
    operation(r.operations.migrate, Path{ops, "migrate"}, false);
    each(r.recovery, Path{at, "recovery"}, [&](const RecoveryStep& step, const Path& step_at) {
      id(step.action, Path{step_at, "action"});
      integer(step.attempts, kRecoveryAttempts, Path{step_at, "attempts"});
      Path timeout{step_at, "timeout"};
      if (duration(step.timeout, timeout) && step.timeout && step.timeout->count() == 0) {
        d_.error(Errc::invalid_value, timeout, std::string{kZeroTimeout});
      }
    });
  }

  void rule(const Rule& rule, const Path& at) {
    Path list{at, "expressions"};
    if (rule.expressions.empty()) d_.error(Errc::invalid_value, list, std::string{kEmptyRule});
    each(rule.expressions, list, [&](const RuleExpression& e, const Path& e_at) {
      if (is_unary(e.op) && e.value) {
        d_.error(Errc::invalid_value, Path{e_at, "value"}, unary_with_value_message(e.op));
      } else if (!is_unary(e.op) && !e.value) {
        d_.error(Errc::missing_field, e_at, missing_value_message(e.op));
      }
    });
  }

  void constraint(const Constraint& constraint, const Path& at) {
    id(constraint_id(constraint), Path{at, "id"});
    std::visit(
        [&](const auto& c) {
          using T = std::decay_t<decltype(c)>;
          if constexpr (std::is_same_v<T, LocationConstraint>) {
            id(c.resource, Path{at, "resource"});
            if (c.node) id(*c.node, Path{at, "node"});
            if (c.rule) rule(*c.rule, Path{at, "rule"});
          } else if constexpr (std::is_same_v<T, ColocationConstraint>) {
            id(c.resource, Path{at, "resource"});
            id(c.with, Path{at, "with"});
          } else if constexpr (std::is_same_v<T, OrderConstraint>) {
            id(c.first, Path{at, "first"});
            id(c.then, Path{at, "then"});
          } else {
            id(c.resource, Path{at, "resource"});
            id(c.on, Path{at, "on"});
          }
        },
        constraint);
  }

  void status(const ClusterState& state, const Path& at) {
    integer(state.now, kTimestamp, Path{at, "now"});
    each(state.resources, Path{at, "resources"},
         [&](const ResourcePlacement& p, const Path& p_at) {
           id(p.resource, Path{p_at, "resource"});
           id(p.node, Path{p_at, "node"});
         });
    each(state.failcounts, Path{at, "failcounts"}, [&](const FailureRecord& f, const Path& f_at) {
      id(f.resource, Path{f_at, "resource"});
      id(f.node, Path{f_at, "node"});
      integer(f.count, kFailCount, Path{f_at, "count"});
      integer(f.last_failure, kTimestamp, Path{f_at, "last_failure"});
    });
    each(state.pending, Path{at, "pending"}, [&](const PendingOperation& op, const Path& op_at) {
      id(op.resource, Path{op_at, "resource"});
      id(op.node, Path{op_at, "node"});
      id(op.operation, Path{op_at, "operation"});
      if (op.target) id(*op.target, Path{op_at, "target"});
      integer(op.since, kTimestamp, Path{op_at, "since"});
    });
    each(state.frozen, Path{at, "frozen"}, [&](const FrozenResource& f, const Path& f_at) {
      id(f.resource, Path{f_at, "resource"});
      id(f.node, Path{f_at, "node"});
    });
    each(state.returns, Path{at, "returns"}, [&](const ReturningResource& f, const Path& f_at) {
      id(f.resource, Path{f_at, "resource"});
      id(f.node, Path{f_at, "node"});
    });
  }

  Diagnostics& d_;
};

}  // namespace

Result<void> validate(const Cluster& cluster) noexcept {
  try {
    Diagnostics d;
    ValueChecker{d}.check(cluster);
    std::vector<std::size_t> constraint_index(cluster.config.constraints.size());
    std::iota(constraint_index.begin(), constraint_index.end(), std::size_t{0});
    validate_references(cluster, constraint_index, d);
    return Result<void>{d.take()};
  } catch (const std::exception& e) {
    return Diagnostic::error(Errc::internal, "", e.what());
  }
}

}  // namespace wholesale_ha::model
