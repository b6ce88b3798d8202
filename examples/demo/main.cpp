// The main demo: loads a cluster description and shows what the library sees in it.
// It grows with the library: planning, health, agents and live migration join it as they land.

#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include <wholesale_ha/model/json.hpp>
#include <wholesale_ha/model/summary.hpp>
#include <wholesale_ha/version.hpp>

int main(int argc, char** argv) {
  const std::string path =
      argc > 1 ? argv[1] : std::string{WHA_EXAMPLES_DIR} + "/clusters/mixed-datacenter.json";
  fmt::print("wholesale_ha {} demo: loading {}\n\n", wholesale_ha::kVersion, path);

  auto loaded = wholesale_ha::model::load_cluster_file(path);
  for (const auto& d : loaded.diagnostics) {
    const bool is_error = d.severity == wholesale_ha::model::Diagnostic::Severity::error;
    fmt::print(stderr, "{}: {}\n", is_error ? "error" : "warning", d.to_string());
  }
  if (!loaded.ok()) {
    fmt::print(stderr, "the cluster description has {} error(s); nothing was loaded\n",
               loaded.errors().size());
    return EXIT_FAILURE;
  }
  fmt::print("{}", wholesale_ha::model::format_summary(*loaded.value));
  return EXIT_SUCCESS;
}
