#include "cluster_input.hpp"

#include <wholesale_ha/model/json.hpp>

namespace wha_cli {

void add_cluster_input_options(CLI::App& app, ClusterInput& input) {
  app.add_option("cluster", input.json_file, "Cluster description (JSON, see docs/config.md)")
      ->check(CLI::ExistingFile)
      ->required();
}

wholesale_ha::model::LoadResult<wholesale_ha::model::Cluster> load_cluster_input(
    const ClusterInput& input) {
  return wholesale_ha::model::load_cluster_file(input.json_file);
}

}  // namespace wha_cli
