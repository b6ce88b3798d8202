#include <wholesale_ha/agents/ocf.hpp>

#include <unistd.h>

#include <algorithm>
#include <mutex>

#include <fmt/format.h>

#include <wholesale_ha/process/child_process.hpp>
#include <wholesale_ha/utf8.hpp>

#include "../../model/json_reader.hpp"
#include "metadata.hpp"

namespace wholesale_ha::agents {
namespace {

using namespace std::chrono_literals;

struct AgentPath {
  std::string provider;
  std::string agent;
};

std::optional<AgentPath> split_type(const std::string& type) {
  auto colon = type.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == type.size()) return std::nullopt;
  return AgentPath{type.substr(0, colon), type.substr(colon + 1)};
}

/// OCF exit codes; anything else an agent returns is a bug in the agent, reported as such.
Status status_of(int exit_code) {
  switch (exit_code) {
    case 0: return Status::success;
    case 1: return Status::error_generic;
    case 2: return Status::error_arguments;
    case 3: return Status::unimplemented;
    case 4: return Status::error_permission;
    case 5: return Status::not_installed;
    case 6: return Status::not_configured;
    case 7: return Status::not_running;
    case 8: return Status::running_promoted;
    case 9: return Status::failed_promoted;
    case 190: return Status::degraded;
    case 191: return Status::degraded_promoted;
    default: return Status::error_generic;
  }
}

bool defined_exit_code(int code) { return (code >= 0 && code <= 9) || code == 190 || code == 191; }

/// The last non-empty line an agent printed, where agents put their complaint.
std::string last_line(const std::string& text) {
  std::string_view rest = text;
  while (!rest.empty() && (rest.back() == '\n' || rest.back() == ' ')) rest.remove_suffix(1);
  auto nl = rest.rfind('\n');
  std::string line{nl == std::string_view::npos ? rest : rest.substr(nl + 1)};
  constexpr std::size_t kMax = 300;
  if (line.size() > kMax) line = std::string{utf8_prefix(line, kMax)} + "...";
  return line;
}

using detail::OcfMetadata;

class OcfBackend;

class OcfAgent final : public Agent {
 public:
  OcfAgent(const AgentContext& context, std::filesystem::path program,
           std::map<std::string, std::string> base_env, bool migratable, bool reloadable)
      : Agent(context.executor),
        resource_(context.resource),
        program_(std::move(program)),
        env_(std::move(base_env)),
        migratable_(migratable),
        reloadable_(reloadable) {}

  [[nodiscard]] Capabilities capabilities() const override {
    return {.live_migratable = migratable_, .checkpointable = false, .clonable = true,
            .reloadable = reloadable_};
  }

  void start(std::chrono::milliseconds timeout, Handler done) override {
    run("start", timeout, {}, std::move(done));
  }
  void stop(std::chrono::milliseconds timeout, Handler done) override {
    run("stop", timeout, {}, std::move(done));
  }
  void monitor(std::chrono::milliseconds timeout, Handler done) override {
    run("monitor", timeout, {}, std::move(done));
  }
  void migrate_to(const std::string& target, std::chrono::milliseconds timeout,
                  Handler done) override {
    run("migrate_to", timeout, {{"OCF_RESKEY_CRM_meta_migrate_target", target}}, std::move(done));
  }
  void migrate_from(const std::string& source, std::chrono::milliseconds timeout,
                    Handler done) override {
    run("migrate_from", timeout, {{"OCF_RESKEY_CRM_meta_migrate_source", source}}, std::move(done));
  }
  void reload(std::chrono::milliseconds timeout, Handler done) override {
    run("reload", timeout, {}, std::move(done));
  }

 private:
  void run(const std::string& action, std::chrono::milliseconds timeout,
           std::map<std::string, std::string> extra_env, Handler done) {
    process::Command c;
    c.program = program_.string();
    c.args = {action};
    c.env = env_;
    c.env.merge(extra_env);
    c.env["OCF_RESKEY_CRM_meta_timeout"] = std::to_string(timeout.count());
    c.timeout = timeout;
    c.kill_grace = 2s;
    c.max_output = 64 * 1024;
    process::async_run(executor(), std::move(c),
                       [action, id = resource_->id, done = std::move(done)](process::Outcome r) {
                         done(interpret(action, id, r));
                       });
  }

  static Outcome interpret(const std::string& action, const std::string& id, const process::Outcome& r) {
    const std::string said = last_line(r.err.empty() ? r.out : r.err);
    auto with_output = [&](std::string text) {
      return said.empty() ? text : text + ": " + said;
    };
    if (r.spawn_error) {
      return {Status::not_installed, fmt::format("cannot run the agent for {}: {}", id, r.spawn_error.message()), r.elapsed};
    }
    if (r.timed_out) {
      return {Status::timed_out, with_output(fmt::format("{} {} timed out and was killed", action, id)), r.elapsed};
    }
    if (r.signal != 0) {
      return {Status::error_generic, with_output(fmt::format("{} {}: {}", action, id, r.describe())), r.elapsed};
    }
    if (!defined_exit_code(r.exit_code)) {
      return {Status::error_generic,
              with_output(fmt::format("{} {}: undefined OCF exit code {}", action, id, r.exit_code)),
              r.elapsed};
    }
    const Status status = status_of(r.exit_code);
    if (status == Status::success) return {status, said, r.elapsed};
    return {status, with_output(fmt::format("{} {}: exit {} ({})", action, id, r.exit_code, to_string(status))),
            r.elapsed};
  }

  std::shared_ptr<const model::Resource> resource_;
  std::filesystem::path program_;
  std::map<std::string, std::string> env_;
  bool migratable_;
  bool reloadable_;
};

class OcfBackend final : public Backend {
 public:
  explicit OcfBackend(OcfOptions options) : options_(std::move(options)) {}

  [[nodiscard]] Result<void> validate(const model::Resource& resource,
                                      const std::string& pointer) const override {
    std::vector<Diagnostic> out;
    auto error = [&](Errc code, std::string where, std::string message) {
      out.push_back(Diagnostic::error(code, std::move(where), std::move(message)));
    };
    std::string problem;
    const OcfMetadata* md = metadata(resource.type, problem);
    if (md == nullptr) {
      error(Errc::invalid_value, pointer + "/type", problem);
      return Result<void>{std::move(out)};
    }
    std::vector<std::string> names;
    for (const auto& p : md->parameters) names.push_back(p.name);
    for (const auto& [name, value] : resource.params) {
      if (std::find(names.begin(), names.end(), name) != names.end()) continue;
      std::string hint = model::detail::suggestion(name, names);
      error(Errc::invalid_value, pointer + "/params/" + name,
            fmt::format("agent {} has no parameter \"{}\" ({})", resource.type, name,
                        hint.empty() ? fmt::format("it accepts: {}", fmt::join(names, ", ")) : hint));
    }
    for (const auto& p : md->parameters) {
      if (p.required && !resource.params.contains(p.name)) {
        error(Errc::invalid_value, pointer + "/params",
              fmt::format("agent {} requires parameter \"{}\"", resource.type, p.name));
      }
    }
    for (const char* action : {"start", "stop", "monitor"}) {
      if (!md->supports(action)) {
        error(Errc::unsupported, pointer + "/type", fmt::format("agent {} does not support the \"{}\" action it must have",
                                             resource.type, action));
      }
    }
    return Result<void>{std::move(out)};
  }

  [[nodiscard]] std::unique_ptr<Agent> create(const AgentContext& context) override {
    std::string problem;
    const OcfMetadata* md = metadata(context.resource->type, problem);
    auto path = split_type(context.resource->type);
    if (md == nullptr || !path) return nullptr;
    std::map<std::string, std::string> env;
    env["OCF_ROOT"] = options_.ocf_root.string();
    env["OCF_FUNCTIONS_DIR"] = (options_.ocf_root / "lib" / "heartbeat").string();
    env["OCF_RA_VERSION_MAJOR"] = "1";
    env["OCF_RA_VERSION_MINOR"] = "1";
    env["OCF_RESOURCE_INSTANCE"] = context.resource->id;
    env["OCF_RESOURCE_TYPE"] = path->agent;
    env["OCF_RESOURCE_PROVIDER"] = path->provider;
    auto state_dir = options_.per_node_state ? options_.state_dir / context.node : options_.state_dir;
    std::error_code ignored;
    std::filesystem::create_directories(state_dir, ignored);
    env["HA_RSCTMP"] = state_dir.string();
    for (const auto& [name, value] : context.resource->params) env["OCF_RESKEY_" + name] = value;
    return std::make_unique<OcfAgent>(context, program(*path), std::move(env),
                                      md->supports("migrate_to") && md->supports("migrate_from"),
                                      md->supports("reload"));
  }

 private:
  [[nodiscard]] std::filesystem::path program(const AgentPath& path) const {
    return options_.ocf_root / "resource.d" / path.provider / path.agent;
  }

  /// The agent's meta-data, read once per type; nullptr and `problem` when unusable.
  const OcfMetadata* metadata(const std::string& type, std::string& problem) const {
    std::lock_guard lock{mutex_};
    if (auto it = cache_.find(type); it != cache_.end()) return &it->second;
    auto path = split_type(type);
    if (!path) {
      problem = fmt::format("OCF type \"{}\" must be \"provider:agent\", e.g. \"heartbeat:Dummy\"", type);
      return nullptr;
    }
    const auto exe = program(*path);
    if (::access(exe.c_str(), X_OK) != 0) {
      problem = fmt::format("OCF agent {} is not installed ({} is missing or not executable; "
                            "Debian ships the standard agents in the resource-agents package)",
                            type, exe.string());
      return nullptr;
    }
    process::Command c;
    c.program = exe.string();
    c.args = {"meta-data"};
    c.env = {{"OCF_ROOT", options_.ocf_root.string()}};
    c.timeout = 10s;
    auto r = process::run(std::move(c));
    if (!r.success()) {
      problem = fmt::format("OCF agent {}: meta-data failed: {}", type, r.describe());
      return nullptr;
    }
    std::string error;
    auto md = detail::parse_ocf_metadata(r.out, error);
    if (!md) {
      problem = fmt::format("OCF agent {}: {}", type, error);
      return nullptr;
    }
    return &cache_.emplace(type, std::move(*md)).first->second;
  }

  OcfOptions options_;
  mutable std::mutex mutex_;
  mutable std::map<std::string, detail::OcfMetadata> cache_;
};

}  // namespace

std::shared_ptr<Backend> make_ocf_backend(OcfOptions options) {
  return std::make_shared<OcfBackend>(std::move(options));
}

}  // namespace wholesale_ha::agents
