#include "guest_watch.hpp"

#include <fmt/format.h>

#include "../params.hpp"
#include "guest_agent.hpp"

namespace wholesale_ha::agents::libvirt {
namespace {

using namespace std::chrono_literals;

std::string exec_problem(const std::string& what, const std::string& command, const GuestExec& run) {
  if (run.reply.state != AgentState::answered) {
    return fmt::format("{}: the guest agent did not answer: {}", what, run.reply.detail);
  }
  if (!run.exited) return fmt::format("{} `{}` did not finish in time inside the guest", what, command);
  std::string out = run.output;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return fmt::format("{} `{}` exited {} inside the guest{}{}", what, command, run.exit_code, out.empty() ? "" : ": ", out);
}

}  // namespace

GuestSettings GuestSettings::of(const model::Resource& r) {
  GuestSettings s;
  s.agent = detail::bool_param(r, "guest_agent", false);
  s.agent_timeout = detail::duration_param(r, "guest_agent_timeout", 5s);
  s.watchdog = detail::bool_param(r, "watchdog", false);
  s.check_exec = detail::string_param(r, "guest_check_exec").value_or("");
  s.check_tcp = detail::string_param(r, "guest_check_tcp").value_or("");
  s.check_http = detail::string_param(r, "guest_check_http").value_or("");
  s.address = detail::string_param(r, "guest_address").value_or("");
  s.restart_command = detail::string_param(r, "guest_restart_command").value_or("");
  s.boot_grace = detail::duration_param(r, "guest_boot_grace", 120s);
  return s;
}

std::vector<std::string> GuestSettings::repair_actions() const {
  std::vector<std::string> out{"reset"};
  if (!restart_command.empty()) out.insert(out.begin(), "restart_application");
  return out;
}

std::vector<Diagnostic> check_guest_params(const model::Resource& r, const std::string& pointer) {
  std::vector<Diagnostic> out;
  if (auto port = detail::string_param(r, "guest_check_tcp")) {
    const auto n = port->find_first_not_of("0123456789") == std::string::npos && !port->empty() && port->size() <= 5
                       ? std::stoi(*port)
                       : 0;
    if (n < 1 || n > 65535) {
      out.push_back(Diagnostic::error(Errc::invalid_value, pointer + "/params/guest_check_tcp",
                                      fmt::format("expected a port (1-65535) on the guest's address, got \"{}\"", *port)));
    }
  }
  if (auto http = detail::string_param(r, "guest_check_http"); http && !http->starts_with("/") && !http->starts_with(":")) {
    out.push_back(Diagnostic::error(Errc::invalid_value, pointer + "/params/guest_check_http",
                                    fmt::format("expected \"/path\" or \":port/path\" on the guest's address, "
                                                "got \"{}\"",
                                                *http)));
  }
  for (const char* key : {"guest_check_exec", "guest_restart_command"}) {
    if (auto v = detail::string_param(r, key); v && v->empty()) {
      out.push_back(Diagnostic::error(Errc::invalid_value, pointer + "/params/" + key, "the command is empty"));
    }
  }
  return out;
}

InsideReport look_inside(const Domain& dom, const GuestSettings& s) {
  InsideReport report;
  report.address = s.address;
  if (!s.uses_agent()) return report;
  const auto timeout = s.agent_timeout;
  // Ping first: it tells a guest without an agent channel from one whose agent is silent.
  AgentReply ping = guest_ping(dom, timeout);
  if (ping.state == AgentState::not_configured) {
    report.no_agent_channel = true;
    return report;
  }
  if (ping.state != AgentState::answered) {
    report.problem = fmt::format("the guest agent does not answer: {}", ping.detail);
    return report;
  }
  if (!s.check_exec.empty()) {
    GuestExec run = guest_exec(dom, s.check_exec, s.agent_timeout);
    if (run.reply.state != AgentState::answered || !run.exited || run.exit_code != 0) {
      report.problem = exec_problem("the check", s.check_exec, run);
      return report;
    }
  }
  if (s.needs_address()) {
    AgentReply reply;
    auto addresses = guest_addresses(dom, timeout, reply);
    if (reply.state != AgentState::answered) {
      report.problem = fmt::format("cannot ask the guest agent for the guest's address: {}", reply.detail);
    } else if (addresses.empty()) {
      report.problem = "the guest reports no IPv4 address to check (set guest_address)";
    } else {
      report.address = addresses.front();
    }
  }
  return report;
}

bool is_running(const Domain& dom) {
  int state = -1;
  int reason = 0;
  return virDomainGetState(dom.get(), &state, &reason, 0) == 0 && state == VIR_DOMAIN_RUNNING;
}

Outcome reset_guest(const Domain& dom) {
  virDomainJobInfo job{};
  if (virDomainGetJobInfo(dom.get(), &job) == 0 && job.type != VIR_DOMAIN_JOB_NONE) {
    return {Status::error_generic, "not reset: a job (a migration or a save) runs on the domain"};
  }
  if (!is_running(dom)) return {Status::error_generic, "not reset: the domain is not running (paused, migrating or stopped)"};
  if (virDomainReset(dom.get(), 0) < 0) return {Status::error_generic, fmt::format("reset failed: {}", last_error())};
  return {Status::success, "the guest was reset (a hardware reset: it boots again)"};
}

Outcome restart_application(const Domain& dom, const GuestSettings& s, std::chrono::milliseconds timeout) {
  GuestExec run = guest_exec(dom, s.restart_command, timeout);
  if (run.reply.state == AgentState::answered && run.exited && run.exit_code == 0) {
    return {Status::success, fmt::format("`{}` restarted it inside the guest", s.restart_command)};
  }
  return {Status::error_generic, exec_problem("the restart", s.restart_command, run)};
}

}  // namespace wholesale_ha::agents::libvirt
