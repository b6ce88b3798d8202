#pragma once
// Checking a cluster built in code, by the rules a cluster document is held to.

#include <vector>

#include <wholesale_ha/model/cluster.hpp>
#include <wholesale_ha/result.hpp>

namespace wholesale_ha::model {

/// The rules parse_cluster() holds a document to, applied to a cluster built in code: ids,
/// value ranges, references, contradictions; every error and warning, not just the first.
/// Pointers name where the value would sit in to_json(cluster)
/// ("/resources/3/meta/migration_threshold"). No errors means the planner and the controller
/// accept the cluster. Never throws.
Result<void> validate(const Cluster& cluster) noexcept;

}  // namespace wholesale_ha::model
