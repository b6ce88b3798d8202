#include "node_files.hpp"

#include <wholesale_ha/model/json.hpp>

namespace wha_node {

namespace model = wholesale_ha::model;

namespace {

void collect(const std::string& file, const wholesale_ha::ResultBase& loaded, LoadedFiles& out) {
  for (const auto& d : loaded.diagnostics()) (d.is_error() ? out.errors : out.warnings).push_back(file + ": " + d.to_string());
}

}  // namespace

LoadedFiles load_node_files(const NodeConfig& node) {
  LoadedFiles out;
  auto cluster = model::load_cluster_file(node.cluster_file);
  collect(node.cluster_file, cluster, out);
  std::optional<wholesale_ha::health::HealthConfig> health;
  if (!node.health_file.empty()) {
    auto loaded = wholesale_ha::health::load_health_config_file(node.health_file);
    collect(node.health_file, loaded, out);
    health = std::move(loaded).take();
  }
  if (cluster.ok() && out.errors.empty()) out.files = NodeFiles{std::move(cluster->config), std::move(health)};
  return out;
}

}  // namespace wha_node
