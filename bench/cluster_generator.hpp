#pragma once
// Synthetic clusters for benchmarks: N nodes, M migratable VMs running round-robin with
// stickiness under migrate-on-red, optionally with constraints and utilization.

#include <string>

#include <wholesale_ha/model/cluster.hpp>

namespace wha_bench {

struct ClusterShape {
  int nodes = 32;
  int resources = 1000;
  bool utilization = false;     ///< capacities + demands, placement strategy "balanced"
  bool constraints = false;     ///< a location preference per resource, colocation chains of 4
};

/// Every resource runs on node (index % nodes); nothing is wrong yet.
wholesale_ha::model::Cluster make_cluster(const ClusterShape& shape);

/// Scenario mutations.
void turn_red(wholesale_ha::model::Cluster& cluster, int node);
void lose_node(wholesale_ha::model::Cluster& cluster, int node);

}  // namespace wha_bench
