// What a `command` health probe prints (health/probes/command_output): a colour or score
// line, or one of two JSON forms.

#include "health/probes/command_output.hpp"

#include "probe_check.hpp"

using namespace wholesale_ha;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::raw_then_captured(fuzz::as_text(data, size), [](std::string_view text) {
    fuzz::check_probe_result(health::detail::parse_command_output(text, "cmd"));
  });
  return 0;
}
