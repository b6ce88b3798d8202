#pragma once

#include <string>

#include <wholesale_ha/model/cluster.hpp>

namespace wholesale_ha::model {

/// A human-readable overview of a cluster: nodes with state and health attributes, resources
/// with where they run, constraints and failcounts. Plain text, no trailing newline issues.
std::string format_summary(const Cluster& cluster);

/// "2025-11-25T05:53:20Z".
std::string format_timestamp(Timestamp timestamp);

}  // namespace wholesale_ha::model
