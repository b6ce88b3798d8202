#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <wholesale_ha/model/score.hpp>

namespace wholesale_ha::model {

enum class RuleOperator { eq, ne, lt, lte, gt, gte, defined, not_defined };
enum class BooleanOperator { and_, or_ };

/// `attribute op value` over a node's attributes; comparisons are numeric when both sides
/// parse as integers, lexical otherwise.
struct RuleExpression {
  std::string attribute;
  RuleOperator op = RuleOperator::eq;
  std::optional<std::string> value;  ///< required, except for defined / not_defined

  friend bool operator==(const RuleExpression&, const RuleExpression&) = default;
};

/// Applies `score` to every node whose attributes satisfy the expressions.
struct Rule {
  Score score = 0;
  BooleanOperator boolean_op = BooleanOperator::and_;
  std::vector<RuleExpression> expressions;

  friend bool operator==(const Rule&, const Rule&) = default;
};

/// Prefer (score > 0) or avoid (score < 0) a node for a resource; exactly one of `node`
/// and `rule` is set.
struct LocationConstraint {
  std::string id;
  std::string resource;
  std::optional<std::string> node;
  Score score = 0;
  std::optional<Rule> rule;
  /// An offline move (`move --offline`, Proxmox VE's relocate): while it stands, the resource
  /// is stopped and started to get to `node`, never live-migrated there. Needs a node and a
  /// positive score.
  bool offline = false;

  friend bool operator==(const LocationConstraint&, const LocationConstraint&) = default;
};

/// Place `resource` relative to `with`: +INFINITY = same node, -INFINITY = never the same
/// node, anything else a preference. `with` is placed first.
struct ColocationConstraint {
  std::string id;
  std::string resource;
  std::string with;
  Score score = kInfinity;

  friend bool operator==(const ColocationConstraint&, const ColocationConstraint&) = default;
};

enum class OrderKind { mandatory, optional, serialize };

/// Start `first` before `then` (and, when symmetrical, stop `then` before `first`).
struct OrderConstraint {
  std::string id;
  std::string first;
  std::string then;
  OrderKind kind = OrderKind::mandatory;
  bool symmetrical = true;

  friend bool operator==(const OrderConstraint&, const OrderConstraint&) = default;
};

/// `resource` needs `on`: shorthand for a mandatory order (on → resource) plus an INFINITY
/// colocation of resource with on. The policy treats it as the dependency in the
/// migrate-vs-stop/start rule.
struct DependsOnConstraint {
  std::string id;
  std::string resource;
  std::string on;

  friend bool operator==(const DependsOnConstraint&, const DependsOnConstraint&) = default;
};

using Constraint = std::variant<LocationConstraint, ColocationConstraint, OrderConstraint,
                                DependsOnConstraint>;

/// The constraint's id, whatever its kind.
const std::string& constraint_id(const Constraint& constraint) noexcept;

}  // namespace wholesale_ha::model
