#pragma once
// The one interface every backend implements: a VM (libvirt), a container (OpenVZ), a
// checkpointable process, an OCF resource agent, a supervised command, an in-process callback.
// One Agent object manages one resource on one node.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>

#include <wholesale_ha/model/resource.hpp>

namespace wholesale_ha::agents {

/// Results in OCF terms (the exit codes of the OCF resource agent API), so that every backend
/// reports the same way and OCF agents map one to one.
enum class Status {
  success = 0,
  error_generic = 1,
  error_arguments = 2,
  unimplemented = 3,
  error_permission = 4,
  not_installed = 5,
  not_configured = 6,
  not_running = 7,
  running_promoted = 8,
  failed_promoted = 9,
  degraded = 190,
  degraded_promoted = 191,
  timed_out = 1000,   ///< not an OCF code: the operation did not finish within its timeout
  cancelled = 1001,   ///< not an OCF code: abandoned because the library is shutting down
};

std::string_view to_string(Status status) noexcept;

struct Outcome {
  Status status = Status::success;
  std::string reason;  ///< human: "exit 1: /usr/sbin/httpd: no such file", "pid 4242 is gone"
  std::chrono::milliseconds elapsed{0};

  [[nodiscard]] bool ok() const noexcept { return status == Status::success; }
};

using Handler = std::function<void(Outcome)>;

struct Capabilities {
  bool live_migratable = false;  ///< migrate_to / migrate_from move it without stopping it
  bool checkpointable = false;   ///< it can be saved and restored (cold migration)
  bool clonable = false;         ///< several instances may run at once
  bool reloadable = false;       ///< reload applies new parameters without a restart
};

/// Every call takes the operation's timeout; the agent must call the handler exactly once,
/// on the executor it was created with, within about that time (the executor also enforces
/// it: a late result is discarded and the operation counts as timed out).
class Agent {
 public:
  virtual ~Agent() = default;
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  /// Where the handlers run.
  [[nodiscard]] const boost::asio::any_io_executor& executor() const noexcept { return executor_; }

  [[nodiscard]] virtual Capabilities capabilities() const = 0;

  virtual void start(std::chrono::milliseconds timeout, Handler done) = 0;
  virtual void stop(std::chrono::milliseconds timeout, Handler done) = 0;
  /// success = running and healthy; not_running = cleanly stopped; anything else = failed.
  virtual void monitor(std::chrono::milliseconds timeout, Handler done) = 0;

  /// Live migration, source side then target side (the target's agent gets migrate_from).
  /// Backends that cannot migrate keep these defaults, which report `unimplemented`.
  virtual void migrate_to(const std::string& target_node, std::chrono::milliseconds timeout,
                          Handler done);
  virtual void migrate_from(const std::string& source_node, std::chrono::milliseconds timeout,
                            Handler done);
  virtual void reload(std::chrono::milliseconds timeout, Handler done);
  /// A repair in place, one rung of the resource's recovery ladder (model::RecoveryStep):
  /// `action` is one of the backend's repair_actions(). success = repaired; the next monitor
  /// tells whether it worked. The default reports `unimplemented`.
  virtual void repair(const std::string& action, std::chrono::milliseconds timeout, Handler done);

  /// Backends that learn about failures by themselves (libvirt lifecycle events) call
  /// `changed` when the resource may have changed state between monitors; the controller
  /// then monitors it at once. Replaces any earlier watcher; an empty function stops
  /// watching. The default does nothing: recurring monitors remain the backstop.
  virtual void watch(std::function<void()> changed);

 protected:
  explicit Agent(boost::asio::any_io_executor executor) : executor_(std::move(executor)) {}

  /// Posts `done(result)` to the executor: handlers never run inside the call that started
  /// them.
  void complete(Handler done, Outcome result) const;

 private:
  boost::asio::any_io_executor executor_;
};

/// What an agent is created for.
struct AgentContext {
  boost::asio::any_io_executor executor;
  /// The definition the agent works with; a configuration reload creates new agents for
  /// resources whose definition changed.
  std::shared_ptr<const model::Resource> resource;
  std::string node;  ///< the node this instance manages it on
};

}  // namespace wholesale_ha::agents
