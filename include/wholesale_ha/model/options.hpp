#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <wholesale_ha/model/resource.hpp>
#include <wholesale_ha/model/score.hpp>

namespace wholesale_ha::model {

/// How #health-* node attributes turn into placement scores (Pacemaker's
/// node-health-strategy).
enum class HealthStrategy {
  none,            ///< health attributes are ignored
  migrate_on_red,  ///< red = -INFINITY, yellow = green = 0
  only_green,      ///< red = yellow = -INFINITY, green = 0
  progressive,     ///< colours score as configured, added to `base`
  custom,          ///< colours score as configured
};

struct HealthOptions {
  HealthStrategy strategy = HealthStrategy::none;
  /// Colour scores; used by progressive and custom, fixed by the other strategies.
  Score red = kMinusInfinity;
  Score yellow = 0;
  Score green = 0;
  /// Progressive only: the starting score every node has before its colours are added.
  Score base = 0;

  friend bool operator==(const HealthOptions&, const HealthOptions&) = default;
};

/// Pacemaker's placement-strategy.
enum class PlacementStrategy {
  default_,     ///< ignore utilization
  utilization,  ///< utilization is a hard capacity limit, otherwise as default
  balanced,     ///< capacity limit, and spread load by free capacity
  minimal,      ///< capacity limit, and pack resources onto as few nodes as possible
};

/// Admission control (docs/policy.md §11): room kept for failover, in exactly one of three
/// modes. A new resource (one that never ran) is not started when that would break it.
struct FailoverCapacity {
  /// vSphere HA's "cluster resource percentage": per utilization attribute, the share of the
  /// hosting nodes' total capacity kept free (0-100).
  Utilization percent;
  /// vSphere HA's "host failures cluster tolerates": room for the loss of this many hosting
  /// nodes, counted as the capacity of the largest ones (0: mode not chosen).
  std::int32_t hosts = 0;
  /// Masakari's reserved hosts, vSphere HA's dedicated failover hosts: these nodes run nothing
  /// (but clones) until a lost or red node's resources need them, and are their first choice
  /// among nodes that score alike.
  std::vector<std::string> spare_nodes;
  /// With spare_nodes: once every other node is back online and not red, what runs on a spare
  /// leaves it for a regular node that can take it. Off: it stays until an operator moves it.
  bool failback = false;

  friend bool operator==(const FailoverCapacity&, const FailoverCapacity&) = default;
};

/// What a partition without quorum does with its resources.
enum class NoQuorumPolicy { stop, freeze, ignore };

struct ClusterOptions {
  std::string cluster_name;
  HealthOptions health;
  PlacementStrategy placement_strategy = PlacementStrategy::default_;
  /// Concurrent migrations a node may take part in; -1 = unlimited.
  std::int32_t migration_limit = -1;
  bool stonith_enabled = true;
  NoQuorumPolicy no_quorum_policy = NoQuorumPolicy::stop;
  /// When false, resources run only on nodes a location constraint allows (opt-in cluster).
  bool symmetric_cluster = true;
  /// For resources whose meta (or resource_defaults) sets none.
  ShutdownPolicy shutdown_policy = ShutdownPolicy::migrate;
  /// Admission control; none by default.
  std::optional<FailoverCapacity> failover_capacity;
  ResourceMeta resource_defaults;

  friend bool operator==(const ClusterOptions&, const ClusterOptions&) = default;
};

}  // namespace wholesale_ha::model
