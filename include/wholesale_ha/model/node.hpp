#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace wholesale_ha::model {

/// Free-form node attributes ("rack" → "r1", "#health-disk" → "red"); values are strings as
/// in Pacemaker, rules compare them numerically when both sides are numbers.
using Attributes = std::map<std::string, std::string, std::less<>>;

/// Named amounts ("cpu" → 8, "memory" → 16384): a node's capacity or a resource's demand.
using Utilization = std::map<std::string, std::int64_t, std::less<>>;

/// A machine that can run resources, as configured by the operator. Whether it is up right
/// now is live state (NodeStatus), not configuration.
struct Node {
  std::string id;
  std::string name;          ///< Host name for display and backends; defaults to id.
  bool standby = false;      ///< Runs nothing; its resources move away.
  bool maintenance = false;  ///< Resources on it are left alone: neither monitored nor moved.
  Attributes attributes;
  Utilization capacity;

  friend bool operator==(const Node&, const Node&) = default;
};

}  // namespace wholesale_ha::model
