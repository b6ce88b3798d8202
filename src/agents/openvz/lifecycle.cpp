// start, stop and monitor.

#include <fmt/format.h>

#include "exit_codes.hpp"
#include "operations.hpp"
#include "tool.hpp"

namespace wholesale_ha::agents::openvz {
namespace {

using Kind = ContainerState::Kind;

/// The tool's normal stop first; when that fails or outlasts stop_timeout (default: half of
/// what is left), the forced one: vzctl stop --fast (reboot(2) instead of halt) or prlctl
/// stop --kill.
void stop_now(const Ctx& ctx, Deadline deadline, Handler done) {
  const auto now = std::chrono::steady_clock::now();
  const auto clean_for = ctx->settings.stop_timeout.value_or(
      std::chrono::duration_cast<std::chrono::milliseconds>((deadline - now) / 2));
  const Deadline clean_deadline = std::min(deadline, now + clean_for);
  const Tool tool = ctx->ctl();
  std::vector<std::string> args{"stop", ctx->settings.ctid};
  const std::string what = command_line(tool, args);
  run_tool(*ctx, tool, args, clean_deadline,
           [ctx, tool, what, deadline, done = std::move(done)](const process::Outcome& r) mutable {
             // A stop killed at stop_timeout goes on to the forced stop; other abnormal ends do not.
             if (r.spawn_error || (r.signal != 0 && !r.timed_out)) return done(*abnormal(tool, what, r));
             const bool vz = ctx->openvz();
             if (!r.timed_out && r.exit_code == 0) return done({Status::success, ctx->ct() + " stopped"});
             // Not on this node, or no OpenVZ here: it cannot be running here either.
             if (!r.timed_out && vz && vzctl_failure_status(*ctx, r.exit_code) == Status::not_installed) {
               return done({Status::success, fmt::format("{} is not running on node {}: {}", ctx->ct(), ctx->node,
                                                         failure(what, r, vzctl_meaning(r.exit_code)))});
             }
             const std::string why = r.timed_out ? fmt::format("{} did not finish in time", what)
                                                 : failure(what, r, vz ? vzctl_meaning(r.exit_code) : "");
             std::vector<std::string> forced{"stop", ctx->settings.ctid, vz ? "--fast" : "--kill"};
             const std::string forced_what = command_line(tool, forced);
             run_tool(*ctx, tool, std::move(forced), deadline,
                      [ctx, tool, why, forced_what, done = std::move(done)](const process::Outcome& f) {
                        if (auto bad = abnormal(tool, forced_what, f)) {
                          bad->reason = why + "; then " + bad->reason;
                          return done(*bad);
                        }
                        if (f.exit_code == 0) {
                          return done({Status::success, fmt::format("{} stopped by {} ({})", ctx->ct(), forced_what, why)});
                        }
                        const bool on_openvz = ctx->openvz();
                        done({on_openvz ? vzctl_failure_status(*ctx, f.exit_code) : Status::error_generic,
                              why + "; then " + failure(forced_what, f, on_openvz ? vzctl_meaning(f.exit_code) : "")});
                      });
           });
}

void start_now(const Ctx& ctx, Deadline deadline, Handler done) {
  const Tool tool = ctx->ctl();
  std::vector<std::string> args{"start", ctx->settings.ctid};
  const std::string what = command_line(tool, args);
  run_tool(*ctx, tool, std::move(args), deadline, [ctx, tool, what, done = std::move(done)](const process::Outcome& r) {
    if (auto bad = abnormal(tool, what, r)) return done(*bad);
    if (r.exit_code == 0) return done({Status::success, ctx->ct() + " started"});
    if (!ctx->openvz()) return done({Status::error_generic, failure(what, r, "")});
    if (r.exit_code == 32) return done({Status::success, ctx->ct() + " was already running"});
    done({vzctl_failure_status(*ctx, r.exit_code), failure(what, r, vzctl_meaning(r.exit_code))});
  });
}

}  // namespace

void monitor(const Ctx& ctx, Deadline deadline, Handler done) {
  query_state(ctx, deadline, [ctx, done = std::move(done)](StateOrError s) {
    if (auto* error = std::get_if<Outcome>(&s)) return done(std::move(*error));
    const auto& state = std::get<ContainerState>(s);
    switch (state.kind) {
      case Kind::running:
        return done({Status::success, fmt::format("{} {}", ctx->ct(), state.text)});
      case Kind::stopped:
        return done({Status::not_running, fmt::format("{} {}", ctx->ct(), state.text)});
      case Kind::absent:
        return done({Status::not_running, fmt::format("{} is not on node {} ({})", ctx->ct(), ctx->node, state.text)});
      case Kind::other:
        break;
    }
    done({Status::error_generic, fmt::format("{} is neither running nor stopped: {}", ctx->ct(), state.text)});
  });
}

void start(const Ctx& ctx, Deadline deadline, Handler done) {
  // vzctl reports "already running" and "does not exist" by exit code; prlctl documents no
  // codes, so its status is asked first.
  if (ctx->openvz()) return start_now(ctx, deadline, std::move(done));
  query_state(ctx, deadline, [ctx, deadline, done = std::move(done)](StateOrError s) mutable {
    if (auto* error = std::get_if<Outcome>(&s)) return done(std::move(*error));
    const auto& state = std::get<ContainerState>(s);
    if (state.kind == Kind::running) return done({Status::success, ctx->ct() + " was already running"});
    if (state.kind == Kind::absent) {
      return done({Status::not_installed, fmt::format("{} is not on node {} ({})", ctx->ct(), ctx->node, state.text)});
    }
    start_now(ctx, deadline, std::move(done));
  });
}

void stop(const Ctx& ctx, Deadline deadline, Handler done) {
  // `vzctl stop` of a stopped container exits 0 ("Unable to stop: container is not running").
  if (ctx->openvz()) return stop_now(ctx, deadline, std::move(done));
  query_state(ctx, deadline, [ctx, deadline, done = std::move(done)](StateOrError s) mutable {
    if (auto* error = std::get_if<Outcome>(&s)) return done(std::move(*error));
    const auto& state = std::get<ContainerState>(s);
    if (state.kind == Kind::absent) {
      return done({Status::success, fmt::format("{} is not on node {}: nothing to stop", ctx->ct(), ctx->node)});
    }
    if (state.kind == Kind::stopped) return done({Status::success, fmt::format("{} {}", ctx->ct(), state.text)});
    stop_now(ctx, deadline, std::move(done));
  });
}

}  // namespace wholesale_ha::agents::openvz
