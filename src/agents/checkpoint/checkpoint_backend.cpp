#include <wholesale_ha/checkpoint/backend.hpp>

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <mutex>

#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include "../params.hpp"
#include "../process/supervised.hpp"
#include "criu.hpp"

namespace wholesale_ha::agents {
namespace {

namespace fs = std::filesystem;
using detail::ParamKind;

const std::vector<detail::ParamSpec>& checkpoint_params() {
  static const std::vector<detail::ParamSpec> specs = {
      {"command", true, ParamKind::string},        {"checkpoint_dir", true, ParamKind::string},
      {"restore_command", false, ParamKind::string}, {"checkpoint_signal", false, ParamKind::string},
      {"mode", false, ParamKind::string},          {"directory", false, ParamKind::string},
      {"log_file", false, ParamKind::string},      {"stop_grace", false, ParamKind::duration},
      {"check_tcp", false, ParamKind::address},    {"check_http", false, ParamKind::url},
      {"check_command", false, ParamKind::string}, {"start_settle", false, ParamKind::duration},
  };
  return specs;
}

/// The checkpoint is complete only once this marker exists: a half-written one is never used.
constexpr const char* kMarker = ".wha-checkpoint-complete";

std::optional<int> signal_number(const std::string& name) {
  static const std::pair<const char*, int> kSignals[] = {
      {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"TERM", SIGTERM}, {"INT", SIGINT}, {"HUP", SIGHUP}};
  std::string bare = name.starts_with("SIG") ? name.substr(3) : name;
  for (const auto& [n, number] : kSignals) {
    if (bare == n) return number;
  }
  return std::nullopt;
}

std::string replace_all(std::string text, const std::string& what, const std::string& with) {
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size())) {
    text.replace(at, what.size(), with);
  }
  return text;
}

class CheckpointAgent final : public Agent {
 public:
  CheckpointAgent(const AgentContext& context, std::string criu)
      : Agent(context.executor),
        s_(std::make_shared<detail::Supervised>(context.executor, context.resource)),
        criu_(std::move(criu)) {
    const auto& r = *context.resource;
    dir_ = r.params.at("checkpoint_dir");
    command_ = r.params.at("command");
    restore_ = replace_all(replace_all(detail::string_param(r, "restore_command").value_or("{command} --restore {dir}"),
                                       "{command}", command_),
                           "{dir}", dir_);
    signal_ = signal_number(detail::string_param(r, "checkpoint_signal").value_or("USR1")).value_or(SIGUSR1);
    criu_mode_ = detail::string_param(r, "mode").value_or("cooperative") == "criu";
  }

  ~CheckpointAgent() override { s_->timer.cancel(); }

  [[nodiscard]] Capabilities capabilities() const override {
    return {.live_migratable = false, .checkpointable = true, .clonable = false, .reloadable = false};
  }

  /// From a complete checkpoint when there is one (e.g. after a migration whose target side
  /// failed and fell back to a start), otherwise fresh.
  void start(std::chrono::milliseconds timeout, Handler done) override {
    if (s_->running()) return complete(std::move(done), {Status::success, "already running"});
    launch(has_checkpoint() ? restore_ : command_, timeout, std::move(done));
  }

  void stop(std::chrono::milliseconds timeout, Handler done) override {
    if (restored_) return stop_restored(timeout, std::move(done));
    s_->stop(timeout, std::move(done));
  }

  void monitor(std::chrono::milliseconds timeout, Handler done) override {
    if (restored_) {
      // A CRIU-restored process is not our child: liveness is all we can see directly.
      const bool alive = ::kill(*restored_, 0) == 0;
      return complete(std::move(done), {alive ? Status::success : Status::not_running,
                                        fmt::format("restored pid {} {}", *restored_, alive ? "running" : "is gone")});
    }
    s_->monitor(timeout, std::move(done));
  }

  /// Source side: ask for a checkpoint and wait for a clean exit.
  void migrate_to(const std::string&, std::chrono::milliseconds timeout, Handler done) override {
    if (!s_->running()) {
      return complete(std::move(done), {Status::not_running, "nothing to checkpoint: not running"});
    }
    std::error_code ignored;
    fs::create_directories(dir_, ignored);
    fs::remove(fs::path{dir_} / kMarker, ignored);
    if (criu_mode_) return criu_dump(timeout, std::move(done));
    const pid_t pid = s_->child->pid();
    s_->when_exited([s = s_, dir = dir_, pid, done = std::move(done)]() mutable {
      const auto& r = *s->exit;
      if (!r.exited_normally() || r.exit_code != 0) {
        return done({Status::error_generic,
                     fmt::format("checkpoint of pid {} failed: it {}; nothing is restored from it", pid, r.describe())});
      }
      std::ofstream{fs::path{dir} / kMarker} << pid << "\n";
      done({Status::success, fmt::format("pid {} checkpointed into {}", pid, dir)});
    });
    s_->child->signal(signal_);
    // A program that ignores the request is killed at the timeout; the executor then falls
    // back to stop + start (state from before the request is not restored: no marker).
    s_->timer.expires_after(timeout);
    s_->timer.async_wait([s = s_](const boost::system::error_code& ec) {
      if (!ec && s->running()) s->child->terminate(std::chrono::milliseconds{1000});
    });
  }

  /// Target side: start from the checkpoint the source left.
  void migrate_from(const std::string& source, std::chrono::milliseconds timeout, Handler done) override {
    if (!has_checkpoint()) {
      return complete(std::move(done), {Status::error_generic,
                                        fmt::format("no complete checkpoint from {} in {}", source, dir_)});
    }
    if (criu_mode_) return criu_restore(timeout, std::move(done));
    launch(restore_, timeout, std::move(done));
  }

 private:
  [[nodiscard]] bool has_checkpoint() const {
    std::error_code ignored;
    return fs::exists(fs::path{dir_} / kMarker, ignored);
  }

  void launch(const std::string& command, std::chrono::milliseconds timeout, Handler done) {
    const bool restoring = command == restore_;
    if (auto ec = s_->spawn(command)) {
      return complete(std::move(done), {Status::error_generic, fmt::format("cannot start: {}", ec.message())});
    }
    s_->confirm_start(timeout, [dir = dir_, restoring, done = std::move(done)](Outcome r) mutable {
      if (r.ok() && restoring) {
        // Consumed: a later plain start must not resurrect an old state.
        std::error_code ignored;
        fs::remove(fs::path{dir} / kMarker, ignored);
        r.reason += ", restored from the checkpoint";
      }
      done(std::move(r));
    });
  }

  void criu_dump(std::chrono::milliseconds timeout, Handler done) {
    detail::criu_dump(executor(), criu_, s_->child->pid(), dir_, timeout,
                      [s = s_, dir = dir_, done = std::move(done)](Outcome r) mutable {
                        if (r.ok()) std::ofstream{fs::path{dir} / kMarker} << "criu\n";
                        done(std::move(r));
                      });
  }

  void criu_restore(std::chrono::milliseconds timeout, Handler done) {
    detail::criu_restore(executor(), criu_, dir_, timeout, [this, done = std::move(done)](Outcome r) mutable {
      if (r.ok()) {
        std::ifstream in{fs::path{dir_} / "restored.pid"};
        pid_t pid = 0;
        if (in >> pid && pid > 0) restored_ = pid;
        std::error_code ignored;
        fs::remove(fs::path{dir_} / kMarker, ignored);
      }
      done(std::move(r));
    });
  }

  /// SIGTERM, then SIGKILL after stop_grace, polling for the end (it is not our child).
  void stop_restored(std::chrono::milliseconds timeout, Handler done) {
    const pid_t pid = *restored_;
    ::kill(pid, SIGTERM);
    const auto kill_at = std::chrono::steady_clock::now() +
                         std::min(detail::duration_param(s_->resource, "stop_grace", std::chrono::seconds{10}),
                                  std::chrono::duration_cast<model::Duration>(timeout));
    poll_gone(pid, kill_at, std::move(done));
  }

  void poll_gone(pid_t pid, std::chrono::steady_clock::time_point kill_at, Handler done) {
    if (::kill(pid, 0) != 0) {
      restored_.reset();
      return complete(std::move(done), {Status::success, fmt::format("restored pid {} stopped", pid)});
    }
    if (std::chrono::steady_clock::now() >= kill_at) ::kill(pid, SIGKILL);
    s_->timer.expires_after(std::chrono::milliseconds{100});
    s_->timer.async_wait([this, pid, kill_at, done = std::move(done)](const boost::system::error_code& ec) mutable {
      if (ec) return done({Status::cancelled, "stop abandoned"});
      poll_gone(pid, kill_at, std::move(done));
    });
  }

  std::shared_ptr<detail::Supervised> s_;
  std::string criu_;
  std::string dir_;
  std::string command_;
  std::string restore_;
  int signal_ = SIGUSR1;
  bool criu_mode_ = false;
  std::optional<pid_t> restored_;  ///< a CRIU-restored process (not a child of ours)
};

class CheckpointBackend final : public Backend {
 public:
  explicit CheckpointBackend(CheckpointOptions options) : options_(std::move(options)) {}

  [[nodiscard]] Result<void> validate(const model::Resource& resource,
                                      const std::string& pointer) const override {
    auto out = detail::check_params(resource, pointer, checkpoint_params(), {"env."});
    auto error = [&](Errc code, std::string where, std::string message) {
      out.push_back(Diagnostic::error(code, std::move(where), std::move(message)));
    };
    if (auto sig = detail::string_param(resource, "checkpoint_signal"); sig && !signal_number(*sig)) {
      error(Errc::invalid_value, pointer + "/params/checkpoint_signal",
            fmt::format("expected USR1, USR2, TERM, INT or HUP, got \"{}\"", *sig));
    }
    const auto mode = detail::string_param(resource, "mode").value_or("cooperative");
    if (mode != "cooperative" && mode != "criu") {
      error(Errc::invalid_value, pointer + "/params/mode", fmt::format("expected \"cooperative\" or \"criu\", got \"{}\"", mode));
    } else if (mode == "criu") {
      if (auto problem = criu_problem()) error(Errc::invalid_value, pointer + "/params/mode", *problem);
    }
    return Result<void>{std::move(out)};
  }

  [[nodiscard]] std::unique_ptr<Agent> create(const AgentContext& context) override {
    return std::make_unique<CheckpointAgent>(context, options_.criu);
  }

 private:
  /// `criu check`, run once: CRIU depends on kernel features it verifies itself.
  std::optional<std::string> criu_problem() const {
    std::lock_guard lock{mutex_};
    if (!criu_checked_) {
      criu_problem_ = detail::criu_check(options_.criu);
      criu_checked_ = true;
    }
    return criu_problem_;
  }

  CheckpointOptions options_;
  mutable std::mutex mutex_;
  mutable bool criu_checked_ = false;
  mutable std::optional<std::string> criu_problem_;
};

}  // namespace

std::shared_ptr<Backend> make_checkpoint_backend(CheckpointOptions options) {
  return std::make_shared<CheckpointBackend>(std::move(options));
}

}  // namespace wholesale_ha::agents
