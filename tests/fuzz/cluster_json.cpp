// The cluster JSON loader (model::parse_cluster). Whatever it accepts must write back with
// to_json, dump as valid UTF-8 without throwing, and parse again to the same document.

#include <nlohmann/json.hpp>

#include <wholesale_ha/model/json.hpp>

#include "fuzz_check.hpp"

using namespace wholesale_ha;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto loaded = model::parse_cluster(fuzz::as_text(data, size));
  fuzz::check_diagnostics(loaded.diagnostics());
  if (!loaded.ok()) return 0;

  const nlohmann::json written = model::to_json(*loaded);
  const std::string dumped = fuzz::dump(written);
  fuzz::check_utf8(dumped, "to_json dump");

  const auto again = model::parse_cluster(dumped);
  fuzz::check(again.ok(), "to_json output is rejected by parse_cluster", dumped);
  fuzz::check(model::to_json(*again) == written, "round trip changed the cluster", dumped);
  return 0;
}
