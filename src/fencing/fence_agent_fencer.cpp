#include <wholesale_ha/fencing/fence_agent.hpp>

#include <unistd.h>

#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include <wholesale_ha/process/child_process.hpp>

#include "agent_output.hpp"
#include "fence_agent_check.hpp"

namespace wholesale_ha::fencing {

namespace asio = boost::asio;
using agents::Outcome;
using agents::Status;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string_view to_string(FenceAction action) noexcept {
  return action == FenceAction::off ? "off" : "reboot";
}

/// What every call needs, shared with the calls in flight.
struct FenceAgentFencer::Shared {
  asio::any_io_executor executor;
  FenceAgentDevice device;
  FenceAgentMetadata metadata;
  std::filesystem::path program;
  std::string plug_parameter;
  bool verify = false;
  std::string label;
  Logger log;

  /// action=<action>, the device's parameters, the plug and nodename, one per line.
  [[nodiscard]] std::string stdin_for(std::string_view action, const std::string& node) const {
    std::string in = fmt::format("action={}\n", action);
    for (const auto& [key, value] : device.params) in += fmt::format("{}={}\n", key, value);
    if (!node.empty()) {
      const auto& plug = device.nodes.at(node);
      if (!plug.empty() && !plug_parameter.empty()) in += fmt::format("{}={}\n", plug_parameter, plug);
      in += fmt::format("nodename={}\n", node);
    }
    return in;
  }

  void run(std::string_view action, const std::string& node, milliseconds budget,
           process::CompletionHandler handler) const {
    process::Command c;
    c.program = program.string();
    c.stdin_data = stdin_for(action, node);
    c.timeout = std::max(budget, milliseconds{1});  // 0 would mean "no limit"
    c.kill_grace = std::min(milliseconds{1000}, c.timeout);
    process::async_run(executor, std::move(c), std::move(handler));
  }

  [[nodiscard]] std::string plug_text(const std::string& node) const {
    const auto& plug = device.nodes.at(node);
    return plug.empty() ? std::string{} : fmt::format(", {}={}", plug_parameter, plug);
  }
};

namespace {

milliseconds left_until(Clock::time_point deadline) {
  return std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
}

}  // namespace

Result<std::shared_ptr<FenceAgentFencer>> FenceAgentFencer::create(asio::any_io_executor executor,
                                                                   FenceAgentDevice device, Logger logger) {
  const auto program = detail::agent_program(device);
  const auto label = detail::device_label(device);
  if (device.agent.empty()) {
    return Diagnostic::error(Errc::missing_field, "/agent",
                             fmt::format("{}: no agent given (e.g. \"fence_ipmilan\")", label));
  }
  if (::access(program.c_str(), X_OK) != 0) {
    return Diagnostic::error(
        Errc::unavailable, "/agent",
        fmt::format("{}: fence agent {} is not installed ({} is missing or not executable; Debian ships the "
                    "agents in the fence-agents package)", label, device.agent, program.string()));
  }
  auto metadata = read_fence_agent_metadata(program, device.metadata_timeout);
  if (!metadata) {
    const auto& why = metadata.error();
    return Diagnostic::error(why.code, "/agent", fmt::format("{}: {}", label, why.message));
  }
  return create(std::move(executor), std::move(device), std::move(*metadata), std::move(logger));
}

Result<std::shared_ptr<FenceAgentFencer>> FenceAgentFencer::create(asio::any_io_executor executor,
                                                                   FenceAgentDevice device,
                                                                   FenceAgentMetadata metadata,
                                                                   Logger logger) {
  auto checked = detail::check_device(device, metadata);
  if (!checked.ok()) return Result<std::shared_ptr<FenceAgentFencer>>::failure(std::move(checked.diagnostics));
  auto shared = std::make_shared<Shared>();
  shared->executor = std::move(executor);
  shared->program = detail::agent_program(device);
  shared->label = detail::device_label(device);
  shared->log = logger.child("fencing/" + device.id);
  shared->device = std::move(device);
  shared->metadata = std::move(metadata);
  shared->plug_parameter = std::move(checked.plug_parameter);
  shared->verify = checked.verify;
  return Result<std::shared_ptr<FenceAgentFencer>>(std::make_shared<FenceAgentFencer>(Token{}, std::move(shared)),
                                                   std::move(checked.diagnostics));
}

FenceAgentFencer::FenceAgentFencer(Token, std::shared_ptr<const Shared> shared) : shared_(std::move(shared)) {}

const FenceAgentDevice& FenceAgentFencer::device() const noexcept { return shared_->device; }
const FenceAgentMetadata& FenceAgentFencer::metadata() const noexcept { return shared_->metadata; }
const std::string& FenceAgentFencer::plug_parameter() const noexcept { return shared_->plug_parameter; }
bool FenceAgentFencer::verifies() const noexcept { return shared_->verify; }

void FenceAgentFencer::fence(const std::string& node, milliseconds timeout, agents::Handler done) {
  auto s = shared_;
  const auto action = to_string(s->device.action);
  auto fail = [s, node, action, done](Status status, const std::string& why) {
    auto reason = fmt::format("fencing node {} with {} (action {}) failed: {}", node, s->label, action, why);
    s->log.error("{}", reason);
    done({status, std::move(reason)});
  };
  if (!s->device.nodes.contains(node)) {
    std::vector<std::string> known;
    for (const auto& [n, plug] : s->device.nodes) known.push_back(n);
    return asio::post(s->executor, [fail, known] {
      fail(Status::not_configured, fmt::format("the device does not fence this node (it fences {})", fmt::join(known, ", ")));
    });
  }
  const auto deadline = Clock::now() + timeout;
  const auto budget = s->verify ? timeout - timeout / 4 : timeout;
  s->log.info("fencing node {} with {}: action {}{}", node, s->label, action, s->plug_text(node));
  s->run(action, node, budget, [s, node, action, deadline, budget, fail, done](process::Outcome r) {
    if (!r.success()) return fail(detail::failure_status(r), "the agent " + detail::describe_outcome(r, budget));
    const auto said = detail::agent_said(r);
    if (!s->verify) {
      auto reason = fmt::format("node {} fenced by {} (action {}){}{}", node, s->label, action,
                                said.empty() ? "" : ": ", said);
      s->log.info("{}", reason);
      return done({Status::success, std::move(reason)});
    }
    const auto left = left_until(deadline);
    if (left <= milliseconds{0}) {
      return fail(Status::timed_out, "the agent reported success, but no time was left to confirm with status");
    }
    s->run("status", node, left, [s, node, left, fail, done](process::Outcome st) {
      if (st.exited_normally() && !st.timed_out && st.exit_code == 2) {
        auto reason = fmt::format("node {} fenced by {}: powered off, and status confirms it is OFF", node, s->label);
        s->log.info("{}", reason);
        return done({Status::success, std::move(reason)});
      }
      if (st.success()) {
        return fail(Status::error_generic, "the agent reported it powered off, but status says it is still ON");
      }
      fail(detail::failure_status(st),
           "the agent reported it powered off, but status could not confirm it: it " + detail::describe_outcome(st, left));
    });
  });
}

void FenceAgentFencer::monitor(milliseconds timeout, agents::Handler done) {
  auto s = shared_;
  const std::string_view action = s->metadata.supports("monitor") ? "monitor" : "status";
  if (!s->metadata.supports(action)) {
    return asio::post(s->executor, [s, done] {
      done({Status::unimplemented, fmt::format("{} has neither a monitor nor a status action", s->label)});
    });
  }
  s->run(action, "", timeout, [s, action, timeout, done](process::Outcome r) {
    if (r.success()) return done({Status::success, fmt::format("{} answers ({})", s->label, action)});
    auto reason = fmt::format("{} does not answer: {} {}", s->label, action, detail::describe_outcome(r, timeout));
    s->log.warn("{}", reason);
    done({detail::failure_status(r), std::move(reason)});
  });
}

void FenceAgentFencer::power_status(const std::string& node, milliseconds timeout, agents::Handler done) {
  auto s = shared_;
  if (!s->device.nodes.contains(node) || !s->metadata.supports("status")) {
    return asio::post(s->executor, [s, node, done] {
      done({Status::not_configured,
            fmt::format("{} cannot tell node {}'s power: it does not fence that node or has no status action",
                        s->label, node)});
    });
  }
  s->run("status", node, timeout, [s, node, timeout, done](process::Outcome r) {
    if (r.success()) return done({Status::success, fmt::format("node {} is ON ({})", node, s->label)});
    if (r.exited_normally() && !r.timed_out && r.exit_code == 2) {
      return done({Status::not_running, fmt::format("node {} is OFF ({})", node, s->label)});
    }
    done({detail::failure_status(r), fmt::format("status of node {} with {} failed: {}", node, s->label,
                                                 detail::describe_outcome(r, timeout))});
  });
}

}  // namespace wholesale_ha::fencing
