#pragma once
// Runs a policy Transition on the agents: every action as soon as what it waits for has
// succeeded, within per-node and cluster-wide migration limits, each with its timeout. A
// failed live migration falls back to stop + start. Placement is not its business.

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include <wholesale_ha/agents/agent.hpp>
#include <wholesale_ha/executor/agent_pool.hpp>
#include <wholesale_ha/executor/operation.hpp>
#include <wholesale_ha/fencing/fencer.hpp>
#include <wholesale_ha/log.hpp>
#include <wholesale_ha/model/cluster.hpp>
#include <wholesale_ha/policy/transition.hpp>

namespace wholesale_ha::executor {

struct ExecutorOptions {
  int node_concurrency = 4;  ///< actions running at once on one node
  /// An extra cap on live migrations running at once in the whole cluster; -1 (default): none,
  /// the cluster option `migration_limit` (per node, enforced by the policy) governs alone.
  int migration_limit = -1;
  std::chrono::milliseconds fence_timeout{60'000};
  /// How long past an operation's timeout an agent that has not answered is waited for
  /// before it is declared hung (its late answer is then ignored).
  std::chrono::milliseconds answer_grace{5'000};
};

/// How an action ended. For a migration that fell back to stop + start, `result` is the
/// fallback's and `fallback` explains the failed migration.
struct ActionResult {
  policy::Action action;
  agents::Outcome result;
  std::optional<std::string> fallback;
  /// Actions not run because something they wait for failed (or the run was aborted).
  bool skipped = false;
};

struct ExecutorCallbacks {
  std::function<void(const policy::Action&)> started;
  std::function<void(const ActionResult&)> finished;
  /// Once nothing runs any more; `complete` is false after a failure or abort.
  std::function<void(bool complete)> done;
};

/// Timeouts from a resource's operations, with the documented defaults.
std::chrono::milliseconds operation_timeout(const model::Resource& resource, policy::ActionKind kind);
std::chrono::milliseconds monitor_timeout(const model::Resource& resource);
std::chrono::milliseconds monitor_interval(const model::Resource& resource);

class Executor {
 public:
  Executor(boost::asio::any_io_executor executor, Logger logger, OperationRunner& runner,
           fencing::Fencer* fencer, ExecutorOptions options = {});
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  /// Starts running `transition` against `config`'s resource definitions. Only one at a time.
  void run(policy::Transition transition, std::shared_ptr<const model::Config> config,
           ExecutorCallbacks callbacks);

  /// Dispatches nothing new; `done` fires once the actions in flight have finished.
  void abort();

  [[nodiscard]] bool busy() const noexcept;

  /// Runs one agent operation with a deadline (timeout + answer_grace): `done` is called
  /// exactly once, with timed_out if the agent never answers. Also used for monitors.
  void call(std::function<void(agents::Handler)> operation, std::chrono::milliseconds timeout,
            agents::Handler done);

 private:
  struct Run;
  boost::asio::any_io_executor executor_;
  Logger log_;
  OperationRunner& runner_;
  fencing::Fencer* fencer_;
  ExecutorOptions options_;
  std::shared_ptr<Run> run_;
};

}  // namespace wholesale_ha::executor
