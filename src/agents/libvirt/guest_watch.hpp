#pragma once
// Looking inside a running guest (docs/libvirt.md, "Guest liveness"): the QEMU guest agent's
// ping, a command run inside through it, TCP/HTTP checks aimed at the guest's address, and the
// virtual watchdog — each optional per resource — and the repairs in place that answer them.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <wholesale_ha/agents/agent.hpp>
#include <wholesale_ha/model/resource.hpp>
#include <wholesale_ha/result.hpp>

#include "handles.hpp"

namespace wholesale_ha::agents::libvirt {

struct GuestSettings {
  bool agent = false;  ///< guest_agent: ping the QEMU guest agent on every monitor
  std::chrono::milliseconds agent_timeout{5'000};
  bool watchdog = false;        ///< watchdog: the domain's watchdog firing is a failure
  std::string check_exec;       ///< guest_check_exec: run inside through the agent, exit 0 = healthy
  std::string check_tcp;        ///< guest_check_tcp: a port on the guest's address
  std::string check_http;       ///< guest_check_http: "/path" or ":port/path" on the guest's address
  std::string address;          ///< guest_address: else the agent's first non-loopback IPv4
  std::string restart_command;  ///< guest_restart_command: the restart_application repair
  /// guest_boot_grace: after a start, reset or migration, failures inside the guest do not
  /// count until every check has passed once or this much time has passed.
  std::chrono::milliseconds boot_grace{120'000};

  [[nodiscard]] static GuestSettings of(const model::Resource& resource);
  /// Anything asked of the guest through its agent.
  [[nodiscard]] bool uses_agent() const { return agent || !check_exec.empty() || needs_address(); }
  [[nodiscard]] bool needs_address() const { return address.empty() && (!check_tcp.empty() || !check_http.empty()); }
  [[nodiscard]] bool looks_inside() const { return uses_agent() || !check_tcp.empty() || !check_http.empty(); }
  [[nodiscard]] std::vector<std::string> repair_actions() const;
};

/// Parameter problems of the guest_* family (the names are declared with the backend's).
[[nodiscard]] std::vector<Diagnostic> check_guest_params(const model::Resource& resource, const std::string& pointer);

/// What the agent-side checks of one monitor found (blocking; worker thread).
struct InsideReport {
  std::optional<std::string> problem;  ///< the first check that failed, in words
  bool no_agent_channel = false;       ///< the domain has no agent: its state alone counts
  std::string address;                 ///< where the network checks go ("" = none known)
  bool not_asked = false;              ///< the domain is not running (paused): nothing was asked
};
InsideReport look_inside(const Domain& dom, const GuestSettings& settings);

/// The domain runs (not paused, suspended or shutting down): a guest that can answer.
bool is_running(const Domain& dom);

/// The repairs (blocking; worker thread). "reset" refuses while a job (a migration, a save)
/// runs on the domain or it is not running.
Outcome reset_guest(const Domain& dom);
Outcome restart_application(const Domain& dom, const GuestSettings& settings, std::chrono::milliseconds timeout);

}  // namespace wholesale_ha::agents::libvirt
