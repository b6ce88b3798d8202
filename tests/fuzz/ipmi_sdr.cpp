// `ipmitool sdr elist` output (health/probes/ipmi_sdr).

#include "health/probes/ipmi_sdr.hpp"

#include "probe_check.hpp"

using namespace wholesale_ha;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::raw_then_captured(fuzz::as_text(data, size), [](std::string_view text) {
    const auto result = health::detail::parse_sdr_elist(text);
    fuzz::check_probe_result(result);
    for (const auto& m : result.measurements) {
      if (m.metric == "state") fuzz::check(m.value >= 0 && m.value <= 3, "sdr state out of 0..3");
    }
  });
  return 0;
}
