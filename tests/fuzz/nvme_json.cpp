// `nvme smart-log -o json` output (health/probes/nvme_health).

#include "health/probes/nvme_health.hpp"

#include "probe_check.hpp"

using namespace wholesale_ha;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::raw_then_captured(fuzz::as_text(data, size), [](std::string_view text) {
    const auto result = health::detail::parse_nvme_smart_log("nvme0", text);
    fuzz::check_probe_result(result);
    for (const auto& m : result.measurements) {
      if (m.metric == "critical_warning") {
        fuzz::check_utf8(health::detail::critical_warning_words(m.value), "critical warning words");
      }
    }
  });
  return 0;
}
