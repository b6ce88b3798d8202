// migrate_to and migrate_from: vzmigrate or prlctl migrate run on the source and leave the
// container running on the target, which only confirms it; migration "checkpoint" dumps on
// the source and restores on the target through shared storage.

#include <filesystem>

#include <fmt/format.h>

#include "exit_codes.hpp"
#include "operations.hpp"
#include "tool.hpp"

namespace wholesale_ha::agents::openvz {
namespace {

namespace fs = std::filesystem;
using Kind = ContainerState::Kind;

std::string address_of(const Context& ctx, const std::string& node) {
  if (auto it = ctx.settings.target_addresses.find(node); it != ctx.settings.target_addresses.end()) {
    return it->second;
  }
  if (auto it = ctx.options.node_addresses.find(node); it != ctx.options.node_addresses.end()) return it->second;
  return node;
}

Status vzmigrate_status(int code) {
  if (code == 1) return Status::error_arguments;
  if (code == 14) return Status::not_installed;
  return Status::error_generic;
}

/// vzmigrate(8): "vzmigrate [--online] destination_address CTID". --online is the
/// spelling both vzctl 3.x and 4.x accept (4.x documents it as an alias of --live).
void vzmigrate(const Ctx& ctx, const std::string& target, Deadline deadline, Handler done) {
  const Tool tool = ctx->vzmigrate();
  const std::string address = address_of(*ctx, target);
  std::vector<std::string> args;
  if (ctx->settings.online) args.emplace_back("--online");
  args.push_back(address);
  args.push_back(ctx->settings.ctid);
  const std::string what = command_line(tool, args);
  run_tool(*ctx, tool, std::move(args), deadline,
           [ctx, tool, what, target, address, done = std::move(done)](const process::Outcome& r) {
             if (auto bad = abnormal(tool, what, r)) return done(*bad);
             if (r.exit_code != 0) {
               return done({vzmigrate_status(r.exit_code), failure(what, r, vzmigrate_meaning(r.exit_code))});
             }
             done({Status::success,
                   ctx->settings.online
                       ? fmt::format("{} live-migrated to {} ({})", ctx->ct(), target, address)
                       : fmt::format("{} stopped, moved to {} ({}) and started again", ctx->ct(), target, address)});
           });
}

/// prlctl(8): "prlctl migrate <[src/]ID> <dst[/NAME]>". A running container is copied, then
/// suspended briefly; offline migration stops it first (migrate_from starts it again).
void prlctl_migrate(const Ctx& ctx, const std::string& target, Deadline deadline, Handler done) {
  auto migrate = [ctx, target, deadline](Handler finished) {
    const Tool tool = ctx->ctl();
    const std::string address = address_of(*ctx, target);
    std::vector<std::string> args{"migrate", ctx->settings.ctid, address};
    const std::string what = command_line(tool, args);
    run_tool(*ctx, tool, std::move(args), deadline,
             [ctx, tool, what, target, finished = std::move(finished)](const process::Outcome& r) {
               if (auto bad = abnormal(tool, what, r)) return finished(*bad);
               if (r.exit_code != 0) return finished({Status::error_generic, failure(what, r, "")});
               finished({Status::success, fmt::format("{} migrated to {}", ctx->ct(), target)});
             });
  };
  if (ctx->settings.online) return migrate(std::move(done));
  stop(ctx, deadline, [migrate, done = std::move(done)](Outcome r) mutable {
    if (!r.ok()) return done(std::move(r));
    migrate(std::move(done));
  });
}

/// vzctl(8): "chkpnt CTID [--dumpfile name]" dumps the container and stops it.
void checkpoint_out(const Ctx& ctx, Deadline deadline, Handler done) {
  const std::string dump = dump_file(ctx->settings);
  std::error_code ec;
  fs::create_directories(ctx->settings.chkpnt_dir, ec);
  // A dump left by an earlier attempt must never be restored in place of this one.
  fs::remove(dump, ec);
  if (ec) {
    return finish(*ctx, std::move(done),
                  {Status::error_generic, fmt::format("cannot remove the old dump {}: {}", dump, ec.message())});
  }
  const Tool tool = ctx->ctl();
  std::vector<std::string> args{"chkpnt", ctx->settings.ctid, "--dumpfile", dump};
  const std::string what = command_line(tool, args);
  run_tool(*ctx, tool, std::move(args), deadline, [ctx, tool, what, dump, done = std::move(done)](const process::Outcome& r) {
    if (auto bad = abnormal(tool, what, r)) return done(*bad);
    if (r.exit_code != 0) {
      return done({vzctl_failure_status(*ctx, r.exit_code), failure(what, r, vzctl_meaning(r.exit_code))});
    }
    done({Status::success, fmt::format("{} checkpointed into {}", ctx->ct(), dump)});
  });
}

/// vzctl(8): "restore CTID [--dumpfile name]"; the dump is removed once restored, so a later
/// migration cannot bring back this old state.
void checkpoint_in(const Ctx& ctx, const std::string& source, Deadline deadline, Handler done) {
  const std::string dump = dump_file(ctx->settings);
  std::error_code ec;
  if (!fs::exists(dump, ec)) {
    return finish(*ctx, std::move(done),
                  {Status::error_generic, fmt::format("no dump {} from {}: the checkpoint did not complete", dump, source)});
  }
  const Tool tool = ctx->ctl();
  std::vector<std::string> args{"restore", ctx->settings.ctid, "--dumpfile", dump};
  const std::string what = command_line(tool, args);
  run_tool(*ctx, tool, std::move(args), deadline, [ctx, tool, what, dump, done = std::move(done)](const process::Outcome& r) {
    if (auto bad = abnormal(tool, what, r)) return done(*bad);
    if (r.exit_code != 0) {
      return done({vzctl_failure_status(*ctx, r.exit_code), failure(what, r, vzctl_meaning(r.exit_code))});
    }
    std::error_code ignored;
    fs::remove(dump, ignored);
    done({Status::success, fmt::format("{} restored from {}", ctx->ct(), dump)});
  });
}

}  // namespace

void migrate_to(const Ctx& ctx, const std::string& target_node, Deadline deadline, Handler done) {
  if (ctx->settings.migration == Migration::checkpoint) return checkpoint_out(ctx, deadline, std::move(done));
  if (ctx->openvz()) return vzmigrate(ctx, target_node, deadline, std::move(done));
  prlctl_migrate(ctx, target_node, deadline, std::move(done));
}

void migrate_from(const Ctx& ctx, const std::string& source_node, Deadline deadline, Handler done) {
  if (ctx->settings.migration == Migration::checkpoint) {
    return checkpoint_in(ctx, source_node, deadline, std::move(done));
  }
  // The source's tool did the whole move; here it only has to be running.
  query_state(ctx, deadline, [ctx, source_node, deadline, done = std::move(done)](StateOrError s) mutable {
    if (auto* error = std::get_if<Outcome>(&s)) return done(std::move(*error));
    const auto& state = std::get<ContainerState>(s);
    if (state.kind == Kind::running) {
      return done({Status::success,
                   fmt::format("{} runs on {} after migration from {}", ctx->ct(), ctx->node, source_node)});
    }
    if (state.kind == Kind::stopped && !ctx->settings.online) return start(ctx, deadline, std::move(done));
    done({Status::error_generic, fmt::format("{} is not running on {} after migration from {} ({})", ctx->ct(),
                                             ctx->node, source_node, state.text)});
  });
}

}  // namespace wholesale_ha::agents::openvz
