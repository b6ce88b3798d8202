// OCF resource agent meta-data XML (agents/ocf/metadata): an agent prints it, so it is
// outside input read by the daemon.

#include "agents/ocf/metadata.hpp"

#include "fuzz_check.hpp"

using namespace wholesale_ha;

namespace {

void check(std::string_view text) {
  const std::string xml{text};
  std::string error;
  const auto md = agents::detail::parse_ocf_metadata(xml, error);
  fuzz::check(md.has_value() == error.empty(), "a result and an error, or neither", error);
  fuzz::check_utf8(error, "error");
  if (!md) return;
  fuzz::check_utf8(md->name, "agent name");
  for (const auto& p : md->parameters) {
    fuzz::check(!p.name.empty(), "a parameter without a name was kept");
    fuzz::check_utf8(p.name, "parameter name");
    if (p.default_value) fuzz::check_utf8(*p.default_value, "parameter default");
  }
  for (const auto& [action, timeout] : md->actions) {
    fuzz::check_utf8(action, "action name");
    fuzz::check(timeout.count() >= 0, "negative action timeout", action);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::raw_then_captured(fuzz::as_text(data, size), check);
  return 0;
}
