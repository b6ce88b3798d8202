// A program outside the source tree that uses the installed library (and, when asked for,
// the components it was configured with).

#include <cstdio>
#include <string_view>

#include <wholesale_ha/model/json.hpp>
#include <wholesale_ha/version.hpp>
#ifdef WITH_LIBVIRT
#include <wholesale_ha/libvirt/backend.hpp>
#endif
#ifdef WITH_COROSYNC
#include <wholesale_ha/corosync/membership.hpp>
#endif
#ifdef WITH_CIB
#include <wholesale_ha/cib/import.hpp>
#endif
#ifdef WITH_CHECKPOINT
#include <wholesale_ha/checkpoint/backend.hpp>
#endif
#ifdef WITH_OPENVZ
#include <wholesale_ha/openvz/backend.hpp>
#endif

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  // The headers and the library linked agree.
  if (wholesale_ha::version() != std::string_view{wholesale_ha::kVersion}) return 3;
  auto loaded = wholesale_ha::model::load_cluster_file(argv[1]);
  if (!loaded) return 1;
#ifdef WITH_CHECKPOINT
  if (!wholesale_ha::agents::make_checkpoint_backend()) return 4;
#endif
#ifdef WITH_CIB
  // An error with its code, not a crash.
  if (wholesale_ha::model::import_cib("<not-a-cib/>").error().code != wholesale_ha::Errc::invalid_value) return 5;
#endif
#ifdef WITH_OPENVZ
  if (!wholesale_ha::agents::make_openvz_backend()) return 6;
#endif
  std::printf("wholesale_ha %s: %zu nodes, %zu resources\n", wholesale_ha::kVersion,
              loaded->config.nodes.size(), loaded->config.resources.size());
  return 0;
}
