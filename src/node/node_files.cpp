#include "node_files.hpp"

#include <wholesale_ha/model/json.hpp>

namespace wha_node {

namespace model = wholesale_ha::model;

namespace {

template <class T>
void collect(const std::string& file, const model::LoadResult<T>& loaded, LoadedFiles& out) {
  for (const auto& d : loaded.diagnostics) {
    (d.severity == model::Diagnostic::Severity::error ? out.errors : out.warnings)
        .push_back(file + ": " + d.to_string());
  }
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
    health = std::move(loaded.value);
  }
  if (cluster.ok() && out.errors.empty()) out.files = NodeFiles{std::move(cluster.value->config), std::move(health)};
  return out;
}

}  // namespace wha_node
