// `smartctl --json -a` and `smartctl --json --scan` output (health/probes/smartctl_json).

#include "health/probes/smartctl_json.hpp"

#include "probe_check.hpp"

using namespace wholesale_ha;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::raw_then_captured(fuzz::as_text(data, size), [](std::string_view text) {
    fuzz::check_probe_result(health::detail::parse_smartctl_device("sda", text));
    std::string error;
    for (const auto& device : health::detail::parse_smartctl_scan(text, error)) {
      fuzz::check_utf8(device.path, "scan device path");
      fuzz::check_utf8(device.type, "scan device type");
    }
    fuzz::check_utf8(error, "scan error");
  });
  return 0;
}
