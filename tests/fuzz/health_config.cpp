// The health probe configuration (health::parse_health_config). It has no writer to round
// trip through, so the cheap invariant is that parsing is deterministic.

#include <wholesale_ha/health/config.hpp>

#include "fuzz_check.hpp"

using namespace wholesale_ha;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = fuzz::as_text(data, size);
  const auto parsed = health::parse_health_config(text);
  fuzz::check_diagnostics(parsed.diagnostics());
  fuzz::check(parsed.ok() == parsed.errors().empty(), "a configuration returned with errors");
  if (!parsed.ok()) return 0;
  const auto again = health::parse_health_config(text);
  fuzz::check(again.ok() && *again == *parsed, "parsing the same text twice differs");
  for (const auto& probe : parsed->probes) {
    fuzz::check_utf8(probe.settings.id, "probe id");
    fuzz::check_utf8(probe.settings.attribute, "probe attribute");
  }
  return 0;
}
