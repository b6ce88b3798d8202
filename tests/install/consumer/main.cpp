// A program outside the source tree that uses the installed library.

#include <cstdio>

#include <wholesale_ha/model/json.hpp>
#include <wholesale_ha/version.hpp>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  auto loaded = wholesale_ha::model::load_cluster_file(argv[1]);
  if (!loaded.ok()) return 1;
  std::printf("wholesale_ha %s: %zu nodes, %zu resources\n", wholesale_ha::kVersion,
              loaded.value->config.nodes.size(), loaded.value->config.resources.size());
  return 0;
}
