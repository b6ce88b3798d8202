#include "cluster_input.hpp"

#include <wholesale_ha/model/json.hpp>

#if WHA_CLI_WITH_CIB
#include <wholesale_ha/cib/import.hpp>
#endif

namespace wha_cli {

namespace model = wholesale_ha::model;

bool cib_supported() noexcept { return WHA_CLI_WITH_CIB != 0; }

void add_cluster_input_options(CLI::App& app, ClusterInput& input) {
  auto* json = app.add_option("cluster", input.json_file,
                              "Cluster description (JSON, see docs/config.md)")
                   ->check(CLI::ExistingFile);
  auto* cib = app.add_option("--cib", input.cib_file,
                             cib_supported()
                                 ? "Read the cluster from a Pacemaker CIB (XML, as `cibadmin "
                                   "--query` prints it) instead of JSON; see docs/cib-import.md"
                                 : "Read the cluster from a Pacemaker CIB (not available: this "
                                   "build has no wholesale_ha::cib)")
                  ->check(CLI::ExistingFile);
  cib->type_name("FILE");
  app.parse_complete_callback([json, cib] {
    if (json->count() > 0 && cib->count() > 0) {
      throw CLI::ValidationError(
          "give either a cluster JSON file or --cib FILE, not both (the cluster comes from "
          "exactly one of them)");
    }
    if (json->count() == 0 && cib->count() == 0) {
      throw CLI::ValidationError(
          "a cluster is required: give a cluster JSON file or --cib FILE (a Pacemaker CIB)");
    }
    if (cib->count() > 0 && !cib_supported()) {
      throw CLI::ValidationError(
          "--cib: this build cannot read a Pacemaker CIB: wholesale_ha::cib was not built "
          "(it needs pugixml: apt-get install libpugixml-dev, then configure with "
          "-DWHOLESALE_HA_WITH_CIB=ON)");
    }
  });
}

wholesale_ha::Result<model::Cluster> load_cluster_input(const ClusterInput& input) {
  if (input.cib_file.empty()) return model::load_cluster_file(input.json_file);
#if WHA_CLI_WITH_CIB
  return model::import_cib_file(input.cib_file);
#else
  return Diagnostic::error(Errc::unsupported, "",
                           input.cib_file + ": cannot read a Pacemaker CIB: this build has no wholesale_ha::cib "
                                            "(needs pugixml; configure with -DWHOLESALE_HA_WITH_CIB=ON)");
#endif
}

}  // namespace wha_cli
