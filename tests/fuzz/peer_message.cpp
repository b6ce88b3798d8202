// What one member broadcasts reaches every node: the corosync envelope, then each message in
// it decoded against the configuration and handed to a running controller core. Nothing may
// throw or crash; whatever decodes must encode and decode to the same message, as valid UTF-8.

#include <wholesale_ha/corosync/membership.hpp>

#include "controller/core.hpp"
#include "controller/protocol.hpp"
#include "fuzz_check.hpp"
#include "membership/envelope.hpp"
#include "sim/scenario.hpp"

using namespace wholesale_ha;

namespace {

core::Core started_member() {
  core::Settings settings;
  settings.local = "n2";
  settings.clustered = true;
  settings.anywhere_backends = {"vm"};
  core::Core c(settings, sim::generated_config(3, 6, 1), Logger(make_null_sink(), LogLevel::off));
  membership::View view;
  view.quorate = true;
  view.coordinator = "n1";
  for (const char* n : {"n1", "n2", "n3"}) view.nodes.push_back({n, model::NodeState::online});
  c.step(core::Start{view, "n2"}, {});
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const model::Config config = sim::generated_config(3, 6, 1);
  const auto envelope = membership::decode_envelope(fuzz::as_text(data, size), membership::kMessageFormatVersion);
  fuzz::check_utf8(envelope.error, "envelope error");
  if (envelope.items.empty()) return 0;
  core::Core member = started_member();
  for (const auto& item : envelope.items) {
    fuzz::check_utf8(item.type, "message type");
    const auto decoded = protocol::decode(item.type, item.body, config);
    fuzz::check_utf8(decoded.error, "decode error");
    if (decoded.message) {
      const auto body = protocol::encode_body(*decoded.message);
      const std::string dumped = fuzz::dump(body);
      const auto again = protocol::decode(protocol::type_name(*decoded.message), body, config);
      fuzz::check(again.message.has_value(), "an encoded message does not decode", dumped);
      fuzz::check(protocol::encode_body(*again.message) == body, "decode/encode changed a message", dumped);
    }
    for (const char* from : {"n1", "n3", "n2"}) {
      member.step(core::Delivered{std::make_shared<const membership::Message>(membership::Message{from, item.type, item.body})}, {std::chrono::milliseconds{1000}, 1'800'000'000});
    }
  }
  return 0;
}
