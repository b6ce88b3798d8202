#pragma once
// The cluster a command-line tool works on: a JSON file (and, when built with the cib
// target, a Pacemaker CIB with --cib).

#include <string>

#include <CLI/CLI.hpp>

#include <wholesale_ha/model/cluster.hpp>
#include <wholesale_ha/model/diagnostic.hpp>

namespace wha_cli {

struct ClusterInput {
  std::string json_file;
  std::string cib_file;
};

void add_cluster_input_options(CLI::App& app, ClusterInput& input);

wholesale_ha::model::LoadResult<wholesale_ha::model::Cluster> load_cluster_input(
    const ClusterInput& input);

}  // namespace wha_cli
