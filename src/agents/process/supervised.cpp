#include "supervised.hpp"

#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include "../params.hpp"

namespace wholesale_ha::agents::detail {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr std::string_view kEnvPrefix = "env.";
constexpr auto kPollInterval = 100ms;

void poll_checks(const std::shared_ptr<Supervised>& s, std::chrono::steady_clock::time_point deadline,
                 Handler done, std::string last_problem) {
  if (s->exit) return done({Status::error_generic, "exited while starting: " + s->exit_text()});
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left <= 0ms) {
    return done({Status::timed_out, "checks did not pass before the start timeout: " + last_problem});
  }
  s->run_checks(std::min(left, std::chrono::milliseconds{2000}),
                [s, deadline, done = std::move(done)](std::optional<std::string> problem) mutable {
                  if (!problem && !s->exit) {
                    return done({Status::success, fmt::format("pid {} running, checks pass", s->child->pid())});
                  }
                  s->timer.expires_after(kPollInterval);
                  s->timer.async_wait([s, deadline, done = std::move(done), problem = problem.value_or("")](
                                          const boost::system::error_code& ec) mutable {
                    if (ec) return done({Status::cancelled, "start abandoned"});
                    poll_checks(s, deadline, std::move(done), std::move(problem));
                  });
                });
}

}  // namespace

Supervised::Supervised(const asio::any_io_executor& ex, std::shared_ptr<const model::Resource> r)
    : executor(ex), definition(std::move(r)), resource(*definition), timer(ex) {}

bool Supervised::has_checks() const {
  return resource.params.contains("check_tcp") || resource.params.contains("check_http") ||
         resource.params.contains("check_command");
}

std::string Supervised::exit_text() const {
  return exit ? fmt::format("process {} {}", child->pid(), exit->describe()) : std::string{};
}

std::error_code Supervised::spawn(const std::string& command) {
  process::Command c;
  c.program = "/bin/sh";
  c.args = {"-c", "exec " + command};
  for (const auto& [name, value] : resource.params) {
    if (name.starts_with(kEnvPrefix)) c.env[name.substr(kEnvPrefix.size())] = value;
  }
  if (auto dir = string_param(resource, "directory")) c.working_directory = *dir;
  c.capture_output = false;
  if (auto log = string_param(resource, "log_file")) c.output_file = *log;
  exit.reset();
  child = process::Child::spawn(executor, std::move(c));
  if (auto ec = child->spawn_error()) return ec;
  child->async_wait([self = shared_from_this(), me = child.get()](process::Outcome r) {
    if (self->child.get() != me) return;  // an older child
    self->exit = std::move(r);
    for (auto& waiter : std::exchange(self->on_exit, {})) waiter();
  });
  return {};
}

void Supervised::when_exited(std::function<void()> then) {
  if (!running()) return then();
  on_exit.push_back(std::move(then));
}

void Supervised::run_checks(std::chrono::milliseconds timeout, CheckHandler done) {
  struct Check {
    const char* param;
    void (*run)(const asio::any_io_executor&, const std::string&, std::chrono::milliseconds, CheckHandler);
  };
  static constexpr Check kChecks[] = {
      {"check_tcp", check_tcp}, {"check_http", check_http}, {"check_command", check_command}};
  // The chain holds itself only weakly: the check in flight owns it, so a check that fails,
  // or is dropped with its io_context, frees the chain instead of leaking a cycle.
  auto step = std::make_shared<std::function<void(std::size_t)>>();
  *step = [self = shared_from_this(), timeout, done = std::move(done),
           weak = std::weak_ptr<std::function<void(std::size_t)>>{step}](std::size_t i) {
    for (; i < std::size(kChecks); ++i) {
      auto value = string_param(self->resource, kChecks[i].param);
      if (!value) continue;
      kChecks[i].run(self->executor, *value, timeout, [next = weak.lock(), i, done](auto problem) {
        if (problem) return done(problem);
        (*next)(i + 1);
      });
      return;
    }
    done(std::nullopt);
  };
  (*step)(0);
}

void Supervised::confirm_start(std::chrono::milliseconds timeout, Handler done) {
  auto self = shared_from_this();
  if (has_checks()) {
    return poll_checks(self, std::chrono::steady_clock::now() + timeout, std::move(done), {});
  }
  timer.expires_after(duration_param(resource, "start_settle", 500ms));
  timer.async_wait([self, done = std::move(done)](const boost::system::error_code& ec) mutable {
    if (ec) return done({Status::cancelled, "start abandoned"});
    if (self->exit) return done({Status::error_generic, "exited while starting: " + self->exit_text()});
    done({Status::success, fmt::format("pid {} running", self->child->pid())});
  });
}

void Supervised::stop(std::chrono::milliseconds timeout, Handler done) {
  timer.cancel();
  if (!running()) return asio::post(executor, [done = std::move(done)] { done({Status::success, "not running"}); });
  const auto grace = std::min(duration_param(resource, "stop_grace", 10s),
                              std::chrono::duration_cast<model::Duration>(timeout));
  when_exited([self = shared_from_this(), done = std::move(done)]() mutable {
    done({Status::success, self->exit_text()});
  });
  child->terminate(grace);
}

void Supervised::monitor(std::chrono::milliseconds timeout, Handler done) {
  auto post = [this](Handler d, Outcome r) {
    asio::post(executor, [d = std::move(d), r = std::move(r)]() mutable { d(std::move(r)); });
  };
  if (!child) return post(std::move(done), {Status::not_running, "not started"});
  if (exit) return post(std::move(done), {Status::not_running, exit_text()});
  run_checks(timeout, [s = shared_from_this(), done = std::move(done)](std::optional<std::string> problem) mutable {
    if (s->exit) return done({Status::not_running, s->exit_text()});
    if (problem) return done({Status::error_generic, *problem});
    done({Status::success, fmt::format("pid {} running", s->child->pid())});
  });
}

}  // namespace wholesale_ha::agents::detail
