#include "guest_agent.hpp"

#include <libvirt/libvirt-qemu.h>

#include <cstdlib>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace wholesale_ha::agents::libvirt {
namespace {

using nlohmann::json;

/// The "return" member of the agent's reply to `request`, or the reason there is none.
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
  const std::string text{raw};
  std::free(raw);  // NOLINT(cppcoreguidelines-no-malloc): libvirt allocates it with malloc
  AgentReturn decoded = parse_agent_reply(text);
  if (!decoded.value) {
    reply = {AgentState::unresponsive,
             fmt::format("the guest agent's reply to {} is unusable: {}", request.value("execute", "?"), decoded.error)};
    return std::nullopt;
  }
  reply = {AgentState::answered, {}};
  return std::move(decoded.value);
}

/// libvirt's agent timeouts are whole seconds: rounded up, at least one.
int seconds_for(std::chrono::milliseconds timeout) {
  return static_cast<int>(std::max<std::int64_t>(1, (timeout.count() + 999) / 1000));
}

}  // namespace

AgentReply guest_ping(const Domain& dom, std::chrono::milliseconds timeout) {
  AgentReply reply;
  command(dom, {{"execute", "guest-ping"}}, seconds_for(timeout), reply);
  return reply;
}

std::vector<std::string> guest_addresses(const Domain& dom, std::chrono::milliseconds timeout, AgentReply& reply) {
  auto interfaces = command(dom, {{"execute", "guest-network-get-interfaces"}}, seconds_for(timeout), reply);
  return interfaces ? ipv4_addresses(*interfaces) : std::vector<std::string>{};
}

GuestExec guest_exec(const Domain& dom, const std::string& cmd, std::chrono::milliseconds timeout) {
  GuestExec out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const json start = {{"execute", "guest-exec"},
                      {"arguments", {{"path", "/bin/sh"}, {"arg", {"-c", cmd}}, {"capture-output", true}}}};
  auto started = command(dom, start, seconds_for(timeout), out.reply);
  if (!started) return out;
  const auto pid = exec_pid(*started);
  if (!pid) {
    out.reply = {AgentState::unresponsive, "guest-exec returned no pid"};
    return out;
  }
  // Poll until it exits: short at first (a check is usually quick), then every 100 ms.
  auto pause = std::chrono::milliseconds{10};
  for (int round = 0; round < 100'000 && std::chrono::steady_clock::now() < deadline; ++round) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto status = command(dom, {{"execute", "guest-exec-status"}, {"arguments", {{"pid", *pid}}}}, seconds_for(left),
                          out.reply);
    if (!status) return out;
    auto decoded = exec_status(*status);
    if (!decoded) {
      out.reply = {AgentState::unresponsive, "guest-exec-status answered with something else than a status"};
      return out;
    }
    if (decoded->exited) {
      out.exited = true;
      out.exit_code = decoded->exit_code;
      out.output = std::move(decoded->output);
      return out;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds{100});
  }
  return out;  // still running: the caller reports a timeout
}

}  // namespace wholesale_ha::agents::libvirt
