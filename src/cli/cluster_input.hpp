#pragma once
// The cluster a command-line tool works on: a JSON file (docs/config.md) or, with --cib, a
// Pacemaker CIB (docs/cib-import.md; needs the optional wholesale_ha::cib target).

#include <string>

#include <CLI/CLI.hpp>

#include <wholesale_ha/model/cluster.hpp>
#include <wholesale_ha/result.hpp>

namespace wha_cli {

struct ClusterInput {
  std::string json_file;  ///< the positional argument
  std::string cib_file;   ///< --cib FILE
};

/// True when this build can read a CIB (wholesale_ha::cib was built).
bool cib_supported() noexcept;

/// Adds the positional JSON file and --cib FILE. Exactly one of them must be given; the
/// check runs when parsing completes (it installs the app's parse-complete callback) and
/// fails with a usage error that says so.
void add_cluster_input_options(CLI::App& app, ClusterInput& input);

/// Loads whichever input was given. Every diagnostic is returned (for a CIB: warnings for
/// what was left out, located by an XPath-like pointer). --cib in a build without
/// wholesale_ha::cib is an error saying so.
wholesale_ha::Result<wholesale_ha::model::Cluster> load_cluster_input(
    const ClusterInput& input);

}  // namespace wha_cli
