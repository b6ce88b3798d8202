#pragma once
// Checking a cluster built in code, by the rules a cluster document is held to.

#include <vector>

#include <wholesale_ha/model/cluster.hpp>
#include <wholesale_ha/model/diagnostic.hpp>

namespace wholesale_ha::model {

/// Every error and warning parse_cluster() would report for to_json(cluster): ids, value
/// ranges, references, contradictions. Pointers name where the value sits in that document
/// ("/resources/3/meta/migration_threshold"). No errors means the planner and the controller
/// accept the cluster. Never throws.
std::vector<Diagnostic> validate(const Cluster& cluster) noexcept;

}  // namespace wholesale_ha::model
