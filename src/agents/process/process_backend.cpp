#include <wholesale_ha/agents/process.hpp>

#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include <wholesale_ha/process/child_process.hpp>

#include "../params.hpp"
#include "health_checks.hpp"

namespace wholesale_ha::agents {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using detail::ParamKind;

const std::vector<detail::ParamSpec>& process_params() {
  static const std::vector<detail::ParamSpec> specs = {
      {"command", true, ParamKind::string},        {"directory", false, ParamKind::string},
      {"log_file", false, ParamKind::string},      {"stop_grace", false, ParamKind::duration},
      {"check_tcp", false, ParamKind::address},    {"check_http", false, ParamKind::url},
      {"check_command", false, ParamKind::string}, {"start_settle", false, ParamKind::duration},
  };
  return specs;
}

constexpr std::string_view kEnvPrefix = "env.";
constexpr auto kPollInterval = 100ms;

/// Everything callbacks touch lives here, so a callback that outlives the agent is harmless.
struct Supervised : std::enable_shared_from_this<Supervised> {
  Supervised(const asio::any_io_executor& ex, std::shared_ptr<const model::Resource> r)
      : executor(ex), definition(std::move(r)), resource(*definition), timer(ex) {}

  asio::any_io_executor executor;
  std::shared_ptr<const model::Resource> definition;
  const model::Resource& resource;
  asio::steady_timer timer;
  std::shared_ptr<process::Child> child;
  std::optional<process::Result> exit;  ///< how the last child ended
  std::vector<std::function<void()>> on_exit;

  [[nodiscard]] bool running() const { return child && !exit; }

  [[nodiscard]] bool has_checks() const {
    return resource.params.contains("check_tcp") || resource.params.contains("check_http") ||
           resource.params.contains("check_command");
  }

  std::error_code spawn() {
    process::Command c;
    c.program = "/bin/sh";
    c.args = {"-c", "exec " + resource.params.at("command")};
    for (const auto& [name, value] : resource.params) {
      if (name.starts_with(kEnvPrefix)) c.env[name.substr(kEnvPrefix.size())] = value;
    }
    if (auto dir = detail::string_param(resource, "directory")) c.working_directory = *dir;
    c.capture_output = false;
    if (auto log = detail::string_param(resource, "log_file")) c.output_file = *log;
    exit.reset();
    child = process::Child::spawn(executor, std::move(c));
    if (auto ec = child->spawn_error()) return ec;
    child->async_wait([self = shared_from_this(), me = child.get()](process::Result r) {
      if (self->child.get() != me) return;  // an older child
      self->exit = std::move(r);
      for (auto& waiter : std::exchange(self->on_exit, {})) waiter();
    });
    return {};
  }

  /// Runs every configured check in turn; `done(nullopt)` when all pass.
  void run_checks(std::chrono::milliseconds timeout, detail::CheckHandler done) {
    struct Check {
      const char* param;
      void (*run)(const asio::any_io_executor&, const std::string&, std::chrono::milliseconds,
                  detail::CheckHandler);
    };
    static constexpr Check kChecks[] = {{"check_tcp", detail::check_tcp},
                                        {"check_http", detail::check_http},
                                        {"check_command", detail::check_command}};
    auto step = std::make_shared<std::function<void(std::size_t)>>();
    *step = [self = shared_from_this(), timeout, done = std::move(done), step](std::size_t i) {
      for (; i < std::size(kChecks); ++i) {
        auto value = detail::string_param(self->resource, kChecks[i].param);
        if (!value) continue;
        kChecks[i].run(self->executor, *value, timeout, [step, i, done](auto problem) {
          if (problem) return done(problem);
          (*step)(i + 1);
        });
        return;
      }
      done(std::nullopt);
      *step = nullptr;  // break the self-reference
    };
    (*step)(0);
  }

  std::string exit_text() const {
    return exit ? fmt::format("process {} {}", child->pid(), exit->describe()) : std::string{};
  }
};

class ProcessAgent final : public Agent {
 public:
  explicit ProcessAgent(const AgentContext& context)
      : Agent(context.executor), s_(std::make_shared<Supervised>(context.executor, context.resource)) {}

  ~ProcessAgent() override { s_->timer.cancel(); }

  [[nodiscard]] Capabilities capabilities() const override {
    return {.live_migratable = false, .checkpointable = false, .clonable = true, .reloadable = false};
  }

  void start(std::chrono::milliseconds timeout, Handler done) override {
    if (s_->running()) {
      return complete(std::move(done), {Status::success, fmt::format("already running as pid {}", s_->child->pid())});
    }
    if (auto ec = s_->spawn()) {
      const bool missing = ec == std::errc::no_such_file_or_directory;
      return complete(std::move(done), {missing ? Status::not_installed : Status::error_generic,
                                        fmt::format("cannot start: {}", ec.message())});
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    if (s_->has_checks()) {
      confirm_started(s_, deadline, std::move(done), {});
    } else {
      settle(s_, std::move(done));
    }
  }

  void stop(std::chrono::milliseconds timeout, Handler done) override {
    s_->timer.cancel();
    if (!s_->running()) return complete(std::move(done), {Status::success, "not running"});
    const auto grace = std::min(detail::duration_param(s_->resource, "stop_grace", 10s),
                                std::chrono::duration_cast<model::Duration>(timeout));
    s_->on_exit.push_back([s = s_, done = std::move(done)]() mutable {
      done({Status::success, s->exit_text()});
    });
    s_->child->terminate(grace);
  }

  void monitor(std::chrono::milliseconds timeout, Handler done) override {
    if (!s_->child) return complete(std::move(done), {Status::not_running, "not started"});
    if (s_->exit) return complete(std::move(done), {Status::not_running, s_->exit_text()});
    s_->run_checks(timeout, [s = s_, done = std::move(done)](std::optional<std::string> problem) mutable {
      if (s->exit) return done({Status::not_running, s->exit_text()});
      if (problem) return done({Status::error_generic, *problem});
      done({Status::success, fmt::format("pid {} running", s->child->pid())});
    });
  }

 private:
  /// Without checks: started when it is still up after start_settle.
  static void settle(const std::shared_ptr<Supervised>& s, Handler done) {
    s->timer.expires_after(detail::duration_param(s->resource, "start_settle", 500ms));
    s->timer.async_wait([s, done = std::move(done)](const boost::system::error_code& ec) mutable {
      if (ec) return done({Status::cancelled, "start abandoned"});
      if (s->exit) return done({Status::error_generic, "exited while starting: " + s->exit_text()});
      done({Status::success, fmt::format("pid {} running", s->child->pid())});
    });
  }

  /// With checks: poll until they pass, the process dies, or the start timeout runs out.
  static void confirm_started(const std::shared_ptr<Supervised>& s,
                              std::chrono::steady_clock::time_point deadline, Handler done,
                              std::string last_problem) {
    if (s->exit) return done({Status::error_generic, "exited while starting: " + s->exit_text()});
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) {
      return done({Status::timed_out, "checks did not pass before the start timeout: " + last_problem});
    }
    s->run_checks(std::min(left, std::chrono::milliseconds{2000}),
                  [s, deadline, done = std::move(done)](std::optional<std::string> problem) mutable {
                    if (!problem && !s->exit) {
                      return done({Status::success,
                                   fmt::format("pid {} running, checks pass", s->child->pid())});
                    }
                    s->timer.expires_after(kPollInterval);
                    s->timer.async_wait([s, deadline, done = std::move(done),
                                         problem = problem.value_or("")](
                                            const boost::system::error_code& ec) mutable {
                      if (ec) return done({Status::cancelled, "start abandoned"});
                      confirm_started(s, deadline, std::move(done), std::move(problem));
                    });
                  });
  }

  std::shared_ptr<Supervised> s_;
};

class ProcessBackend final : public Backend {
 public:
  [[nodiscard]] std::vector<model::Diagnostic> validate(const model::Resource& resource,
                                                        const std::string& pointer) const override {
    return detail::check_params(resource, pointer, process_params(), {std::string{kEnvPrefix}});
  }

  [[nodiscard]] std::unique_ptr<Agent> create(const AgentContext& context) override {
    return std::make_unique<ProcessAgent>(context);
  }
};

}  // namespace

std::shared_ptr<Backend> make_process_backend() { return std::make_shared<ProcessBackend>(); }

}  // namespace wholesale_ha::agents
