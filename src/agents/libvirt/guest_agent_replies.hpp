#pragma once
// What the QEMU guest agent answers, decoded into checked values. The text comes from inside
// a guest, which may be hostile: nothing here throws, every size is bounded, and text becomes
// valid UTF-8. No libvirt here, so the fuzzer takes it alone (tests/fuzz/guest_agent_reply.cpp).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace wholesale_ha::agents::libvirt {

/// The "return" member of a reply, or `error` saying why there is none.
struct AgentReturn {
  std::optional<nlohmann::json> value;
  std::string error;
};
AgentReturn parse_agent_reply(std::string_view text);

/// guest-exec: {"pid": N}.
std::optional<std::int64_t> exec_pid(const nlohmann::json& value);

/// guest-exec-status: whether it exited, its exit code, stdout then stderr (decoded, valid
/// UTF-8, at most ~1 KiB). nullopt when the reply has the wrong shape.
struct ExecStatus {
  bool exited = false;
  int exit_code = -1;  ///< -1 when killed by a signal or not reported
  std::string output;
};
std::optional<ExecStatus> exec_status(const nlohmann::json& value);

/// guest-network-get-interfaces: IPv4 addresses other than loopback, in the agent's order.
std::vector<std::string> ipv4_addresses(const nlohmann::json& value);

/// Decodes base64 (the agent's encoding of captured output); nullopt when malformed.
std::optional<std::string> decode_base64(std::string_view text);

}  // namespace wholesale_ha::agents::libvirt
