#pragma once

#include <string_view>
#include <vector>

#include <wholesale_ha/model/constraint.hpp>
#include <wholesale_ha/model/node.hpp>
#include <wholesale_ha/model/options.hpp>
#include <wholesale_ha/model/resource.hpp>
#include <wholesale_ha/model/status.hpp>

namespace wholesale_ha::model {

/// What the operator configured: the desired shape of the cluster.
struct Config {
  ClusterOptions options;
  std::vector<Node> nodes;
  std::vector<Resource> resources;
  std::vector<Group> groups;
  std::vector<Constraint> constraints;

  [[nodiscard]] const Node* find_node(std::string_view id) const noexcept;
  [[nodiscard]] const Resource* find_resource(std::string_view id) const noexcept;

  friend bool operator==(const Config&, const Config&) = default;
};

/// A configuration with its live status: what a cluster JSON file holds.
struct Cluster {
  Config config;
  ClusterState state;

  friend bool operator==(const Cluster&, const Cluster&) = default;
};

}  // namespace wholesale_ha::model
