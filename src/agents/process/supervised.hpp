#pragma once
// A supervised program: spawn it, know at once when it exits, check that it serves, stop it
// with a grace period. Shared by the process and checkpoint backends; callbacks hold a
// shared_ptr, so they are harmless after the agent is gone.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <wholesale_ha/agents/agent.hpp>
#include <wholesale_ha/process/child_process.hpp>

#include "health_checks.hpp"

namespace wholesale_ha::agents::detail {

struct Supervised : std::enable_shared_from_this<Supervised> {
  Supervised(const boost::asio::any_io_executor& ex, std::shared_ptr<const model::Resource> r);

  boost::asio::any_io_executor executor;
  std::shared_ptr<const model::Resource> definition;
  const model::Resource& resource;
  boost::asio::steady_timer timer;
  std::shared_ptr<process::Child> child;
  std::optional<process::Outcome> exit;  ///< how the last child ended
  std::vector<std::function<void()>> on_exit;

  [[nodiscard]] bool running() const { return child && !exit; }
  [[nodiscard]] bool has_checks() const;
  /// "process 1234 exited with status 1", or "" while it runs.
  [[nodiscard]] std::string exit_text() const;

  /// Starts `command` under /bin/sh with the resource's env.*, directory and log_file.
  std::error_code spawn(const std::string& command);
  /// Runs every configured check in turn; `done(nullopt)` when all pass.
  void run_checks(std::chrono::milliseconds timeout, CheckHandler done);
  /// Calls `then` once the current child has exited (at once if it already has).
  void when_exited(std::function<void()> then);

  /// After spawn: started when the checks pass (polled until `timeout`), or, without checks,
  /// when it is still up after the start_settle parameter.
  void confirm_start(std::chrono::milliseconds timeout, Handler done);
  /// SIGTERM, SIGKILL after stop_grace (capped by `timeout`); success once it has exited.
  void stop(std::chrono::milliseconds timeout, Handler done);
  /// not_running after an exit, error on a failed check, else success.
  void monitor(std::chrono::milliseconds timeout, Handler done);
};

}  // namespace wholesale_ha::agents::detail
