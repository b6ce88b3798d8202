#pragma once
// The files wha-node reads at start and again on every reload (SIGHUP, wha-mon --reload):
// the cluster description and this node's health probes, checked as one — neither is used
// unless both are valid. Its own node configuration (socket, fencing, libvirt) is read once.

#include <optional>
#include <string>
#include <vector>

#include <wholesale_ha/health/config.hpp>
#include <wholesale_ha/model/cluster.hpp>

#include "node_config.hpp"

namespace wha_node {

struct NodeFiles {
  wholesale_ha::model::Config cluster;
  std::optional<wholesale_ha::health::HealthConfig> health;
};

struct LoadedFiles {
  std::optional<NodeFiles> files;  ///< set only when there was no error
  /// Every diagnostic, each prefixed with its file: "cluster.json: /resources/2: ...".
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
};

[[nodiscard]] LoadedFiles load_node_files(const NodeConfig& node);

}  // namespace wha_node
