// fence-agents metadata XML (fencing/fence_agent_metadata): printed by `fence_* -o metadata`,
// so outside input checked before a device is used.

#include <wholesale_ha/fencing/fence_agent.hpp>

#include "fuzz_check.hpp"

using namespace wholesale_ha;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string xml{fuzz::as_text(data, size)};
  const auto md = fencing::parse_fence_agent_metadata(xml);
  fuzz::check(md.has_value() == md.errors().empty(), "a result and an error, or neither", md.to_string());
  fuzz::check_diagnostics(md.diagnostics());
  if (!md) return 0;
  fuzz::check_utf8(md->name, "agent name");
  fuzz::check_utf8(md->description, "agent description");
  for (const auto& p : md->parameters) {
    fuzz::check(md->parameter(p.name) != nullptr, "a listed parameter is not found by name", p.name);
    for (const auto* text : {&p.name, &p.obsoletes, &p.type, &p.description}) {
      fuzz::check_utf8(*text, "parameter field");
    }
    if (p.default_value) fuzz::check_utf8(*p.default_value, "parameter default");
  }
  for (const auto& action : md->actions) fuzz::check_utf8(action, "action name");
  return 0;
}
