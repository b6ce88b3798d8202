// Reading a container's state with the flavour's status command.

#include <fmt/format.h>

#include "exit_codes.hpp"
#include "operations.hpp"
#include "tool.hpp"

namespace wholesale_ha::agents::openvz {

Status vzctl_failure_status(const Context& ctx, int exit_code) {
  // vzctl resolves a name to a CT ID first and answers "Bad CT ID <name>" (21) when no
  // container on this node has that name.
  if (exit_code == 21 && !ctx.settings.numeric_ctid) return Status::not_installed;
  return vzctl_status(exit_code);
}

void query_state(const Ctx& ctx, Deadline deadline, std::function<void(StateOrError)> done) {
  const Tool tool = ctx->ctl();
  std::vector<std::string> args{"status", ctx->settings.ctid};
  const std::string what = command_line(tool, args);
  run_tool(*ctx, tool, std::move(args), deadline, [ctx, tool, what, done = std::move(done)](const process::Outcome& r) {
    if (auto bad = abnormal(tool, what, r)) return done(*bad);
    const bool vz = ctx->openvz();
    if (vz && r.exit_code == 21 && !ctx->settings.numeric_ctid) {
      return done(ContainerState{ContainerState::Kind::absent, "no container of that name"});
    }
    if (r.exit_code != 0) {
      return done(Outcome{vz ? vzctl_failure_status(*ctx, r.exit_code) : Status::error_generic,
                         failure(what, r, vz ? vzctl_meaning(r.exit_code) : "")});
    }
    const auto& s = ctx->settings;
    auto state = vz ? parse_vzctl_status(r.out, s.numeric_ctid ? s.ctid : "") : parse_prlctl_status(r.out, s.ctid);
    if (!state) {
      return done(Outcome{Status::error_generic,
                         fmt::format("{}: unexpected output \"{}\" (expected \"{}\")", what, excerpt(r.out),
                                     vz ? "CTID <id> exist|deleted mounted|unmounted running|down"
                                        : "CT <id> exist <state>")});
    }
    done(*state);
  });
}

}  // namespace wholesale_ha::agents::openvz
