// The Pacemaker CIB importer (model::import_cib). A cluster it returns must pass
// parse_cluster() validation (its documented promise) after a trip through JSON.

#include <nlohmann/json.hpp>

#include <wholesale_ha/cib/import.hpp>
#include <wholesale_ha/model/json.hpp>

#include "fuzz_check.hpp"

using namespace wholesale_ha;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto imported = model::import_cib(fuzz::as_text(data, size));
  fuzz::check_diagnostics(imported.diagnostics());
  if (!imported.ok()) return 0;

  const std::string dumped = fuzz::dump(model::to_json(*imported));
  const auto reparsed = model::parse_cluster(dumped);
  fuzz::check(reparsed.ok(), "an imported cluster fails parse_cluster validation", dumped);
  return 0;
}
