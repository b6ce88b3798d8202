#pragma once
// The QEMU guest agent, through libvirt (virDomainQemuAgentCommand): ping, the guest's
// addresses, and commands run inside the guest (guest-exec). Replies are decoded by
// guest_agent_replies.hpp. Blocking: worker threads only.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "guest_agent_replies.hpp"
#include "handles.hpp"

namespace wholesale_ha::agents::libvirt {

enum class AgentState {
  answered,        ///< the agent replied
  not_configured,  ///< the domain has no guest agent channel: nothing to ask
  unresponsive,    ///< configured, but it did not answer (guest hung, agent dead, still booting)
};

struct AgentReply {
  AgentState state = AgentState::unresponsive;
  std::string detail;  ///< libvirt's or the agent's words when it did not answer
};

AgentReply guest_ping(const Domain& dom, std::chrono::milliseconds timeout);

/// IPv4 addresses of the guest's interfaces other than loopback, in the agent's order.
std::vector<std::string> guest_addresses(const Domain& dom, std::chrono::milliseconds timeout, AgentReply& reply);

struct GuestExec {
  AgentReply reply;
  bool exited = false;  ///< false: still running at the deadline
  int exit_code = -1;
  std::string output;  ///< stdout then stderr, valid UTF-8, at most ~1 KiB
};

/// Runs `/bin/sh -c command` inside the guest and waits for it until `timeout`.
GuestExec guest_exec(const Domain& dom, const std::string& command, std::chrono::milliseconds timeout);

}  // namespace wholesale_ha::agents::libvirt
