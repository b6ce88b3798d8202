#pragma once

#include <cstddef>
#include <vector>

#include <wholesale_ha/model/cluster.hpp>

#include "json_reader.hpp"

namespace wholesale_ha::model::detail {

/// Checks what a single value cannot show on its own: unique ids, references to nodes and
/// resources that exist, contradictory settings. `constraint_index[i]` is the position in
/// the document of cluster.config.constraints[i].
void validate_references(const Cluster& cluster, const std::vector<std::size_t>& constraint_index,
                         Diagnostics& diagnostics);

}  // namespace wholesale_ha::model::detail
