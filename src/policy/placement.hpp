#pragma once
// Where every resource should be: units placed one at a time by preference and capacity
// (docs/policy.md §3).

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "compiled.hpp"
#include "scoring.hpp"

namespace wholesale_ha::policy::detail {

/// Why a resource is not placed anywhere.
enum class Unplaced {
  placed,
  target_stopped,   ///< target_role stopped
  needs_other,      ///< requires / depends on / is ordered after something that will not run
  no_node,          ///< no node can take it
  blocked_unclean,  ///< may still run on a lost node that cannot be fenced
  unmanaged,        ///< meta managed: false and not running: the cluster does not start it
  relocations_spent,  ///< failed on more nodes than max_relocate allows
  admission_control,  ///< a new start that would eat into the room kept for failover
};

struct Placement {
  /// Primitives: the node each resource should run on, or kNone.
  std::vector<Index> node_of;
  /// Clones: one entry per instance (a node may repeat up to clone_node_max).
  std::vector<std::vector<Index>> clone_nodes;
  std::vector<Unplaced> why;
  /// For needs_other: the resource it waits on.
  std::vector<Index> needs;
  /// Units in the order they were placed.
  std::vector<Index> unit_order;
  /// Resources left exactly as they are (maintenance node, or blocked by a lost node).
  std::vector<char> pinned;  ///< char: no bit packing on a per-resource hot path
  /// Capacity used per node and utilization key (node * keys + key) once all are placed.
  std::vector<std::int64_t> used;
  /// admission_control: which reserve it would break, and by how much.
  std::map<Index, std::string> held_back;
};

/// Receives every colocation term applied while placing (for explain()).
using ColocationObserver = std::function<void(Index resource, const Term&)>;

Placement place(const Compiled& c, const ColocationObserver& observe = {});

}  // namespace wholesale_ha::policy::detail
