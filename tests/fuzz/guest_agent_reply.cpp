// What a QEMU guest agent answers comes from inside a guest, which may be hostile: the reply
// decoders give checked values or nothing, never an exception; addresses are dotted IPv4,
// output is valid UTF-8 and bounded.

#include "agents/libvirt/guest_agent_replies.hpp"
#include "fuzz_check.hpp"

using namespace wholesale_ha;
namespace lv = wholesale_ha::agents::libvirt;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = fuzz::as_text(data, size);
  const auto reply = lv::parse_agent_reply(text);
  fuzz::check(reply.value.has_value() != !reply.error.empty(), "a value or an error, never both");
  fuzz::check_utf8(reply.error, "reply error");
  if (reply.value) {
    (void)lv::exec_pid(*reply.value);
    if (const auto status = lv::exec_status(*reply.value)) {
      fuzz::check_utf8(status->output, "exec output");
      fuzz::check(status->output.size() <= 1024, "exec output bounded");
      fuzz::check(status->exit_code >= -1 && status->exit_code < 256, "exit code in range");
    }
    for (const auto& address : lv::ipv4_addresses(*reply.value)) {
      fuzz::check(!address.empty() && address.find_first_not_of("0123456789.") == std::string::npos, "dotted IPv4",
                  address);
    }
  }
  (void)lv::decode_base64(text);
  return 0;
}
