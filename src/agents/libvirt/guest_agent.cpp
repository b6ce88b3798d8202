#include "guest_agent.hpp"

#include <libvirt/libvirt-qemu.h>

#include <cstdlib>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <wholesale_ha/json_depth.hpp>
#include <wholesale_ha/utf8.hpp>

namespace wholesale_ha::agents::libvirt {
namespace {

using nlohmann::json;

// A reply comes from inside the guest: bounded before it is parsed.
constexpr std::size_t kMaxReplyBytes = 1 << 20;
constexpr std::size_t kMaxReplyDepth = 16;
constexpr std::size_t kMaxOutputBytes = 1024;

/// The "return" member of the agent's reply to `command`, or the reason there is none.
std::optional<json> command(const Domain& dom, const json& request, int timeout_s, AgentReply& reply) {
  char* raw = virDomainQemuAgentCommand(dom.get(), request.dump().c_str(), timeout_s, 0);
  if (raw == nullptr) {
    const int code = last_error_code();
    // No agent channel in the domain, or a driver without guest agents (not QEMU).
    reply.state = code == VIR_ERR_ARGUMENT_UNSUPPORTED || code == VIR_ERR_NO_SUPPORT ? AgentState::not_configured
                                                                                    : AgentState::unresponsive;
    reply.detail = last_error();
    return std::nullopt;
  }
  std::string text{raw};
  std::free(raw);  // NOLINT(cppcoreguidelines-no-malloc): libvirt allocates it with malloc
  reply.state = AgentState::answered;
  if (text.size() > kMaxReplyBytes || json_too_deep(text, kMaxReplyDepth)) {
    reply.state = AgentState::unresponsive;
    reply.detail = fmt::format("the guest agent's reply to {} is too large or too deep", request.value("execute", "?"));
    return std::nullopt;
  }
  json parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("return")) {
    reply.state = AgentState::unresponsive;
    reply.detail = fmt::format("the guest agent's reply to {} is not a result: {}", request.value("execute", "?"),
                               valid_utf8(utf8_prefix(text, 200)));
    return std::nullopt;
  }
  return std::move(parsed["return"]);
}

int seconds_for(std::chrono::milliseconds timeout) {
  return static_cast<int>(std::max<std::int64_t>(1, (timeout.count() + 999) / 1000));
}

}  // namespace

AgentReply guest_ping(const Domain& dom, std::chrono::seconds timeout) {
  AgentReply reply;
  command(dom, {{"execute", "guest-ping"}}, static_cast<int>(std::max<std::int64_t>(1, timeout.count())), reply);
  return reply;
}

std::vector<std::string> guest_addresses(const Domain& dom, std::chrono::seconds timeout, AgentReply& reply) {
  std::vector<std::string> out;
  auto interfaces = command(dom, {{"execute", "guest-network-get-interfaces"}},
                            static_cast<int>(std::max<std::int64_t>(1, timeout.count())), reply);
  if (!interfaces || !interfaces->is_array()) return out;
  for (const auto& interface : *interfaces) {
    if (!interface.is_object() || interface.value("name", "") == "lo") continue;
    const auto it = interface.find("ip-addresses");
    if (it == interface.end() || !it->is_array()) continue;
    for (const auto& address : *it) {
      if (!address.is_object() || address.value("ip-address-type", "") != "ipv4") continue;
      const auto ip = address.value("ip-address", "");
      if (!ip.empty() && !ip.starts_with("127.")) out.push_back(valid_utf8(utf8_prefix(ip, 64)));
    }
  }
  return out;
}

GuestExec guest_exec(const Domain& dom, const std::string& cmd, std::chrono::milliseconds timeout) {
  GuestExec out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const json start = {{"execute", "guest-exec"},
                      {"arguments", {{"path", "/bin/sh"}, {"arg", {"-c", cmd}}, {"capture-output", true}}}};
  auto started = command(dom, start, seconds_for(timeout), out.reply);
  if (!started) return out;
  const auto pid = started->is_object() ? started->value("pid", std::int64_t{-1}) : std::int64_t{-1};
  if (pid < 0) {
    out.reply = {AgentState::unresponsive, "guest-exec returned no pid"};
    return out;
  }
  // Poll until it exits: short at first (a check is usually quick), then every 100 ms.
  auto pause = std::chrono::milliseconds{10};
  for (int round = 0; round < 100'000 && std::chrono::steady_clock::now() < deadline; ++round) {
    auto status = command(dom, {{"execute", "guest-exec-status"}, {"arguments", {{"pid", pid}}}},
                          seconds_for(std::chrono::duration_cast<std::chrono::milliseconds>(
                              deadline - std::chrono::steady_clock::now())),
                          out.reply);
    if (!status) return out;
    if (status->is_object() && status->value("exited", false)) {
      out.exited = true;
      const auto code = status->value("exitcode", std::int64_t{-1});
      out.exit_code = code >= 0 && code < 256 ? static_cast<int>(code) : -1;
      for (const char* key : {"out-data", "err-data"}) {
        if (auto data = status->find(key); data != status->end() && data->is_string()) {
          if (auto decoded = decode_base64(data->get<std::string>())) out.output += *decoded;
        }
      }
      out.output = valid_utf8(utf8_prefix(out.output, kMaxOutputBytes));
      return out;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds{100});
  }
  return out;  // still running: the caller reports a timeout
}

std::optional<std::string> decode_base64(const std::string& text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t buffer = 0;
  int bits = 0;
  std::size_t padding = 0;
  for (char c : text) {
    if (c == '=') {
      ++padding;
      continue;
    }
    const int v = value(c);
    if (v < 0 || padding > 0) return std::nullopt;  // a stray byte, or data after padding
    buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFFU));
    }
  }
  if (padding > 2 || (text.size() % 4) != 0) return std::nullopt;
  return out;
}

}  // namespace wholesale_ha::agents::libvirt
