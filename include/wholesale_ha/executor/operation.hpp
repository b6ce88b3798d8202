#pragma once
// One agent operation on one node, and who runs it: this process's agents (LocalRunner), or
// — in a cluster — the node the resource lives on (the controller's cluster runner).

#include <chrono>
#include <string>
#include <string_view>

#include <wholesale_ha/agents/agent.hpp>
#include <wholesale_ha/executor/agent_pool.hpp>

namespace wholesale_ha::executor {

struct Operation {
  enum class Kind { start, stop, monitor, migrate_to, migrate_from, repair };
  Kind kind = Kind::start;
  std::string resource;
  std::string node;
  std::string peer;  ///< migrate_to: target node; migrate_from: source node
  std::chrono::milliseconds timeout{20'000};
  std::string action;  ///< repair: which one (model::RecoveryStep::action)
};

std::string_view to_string(Operation::Kind kind) noexcept;

class OperationRunner {
 public:
  virtual ~OperationRunner() = default;
  /// Runs `op`; `done` is called exactly once, on the runner's executor.
  virtual void run(const Operation& op, agents::Handler done) = 0;
};

/// Runs operations with this process's agents. A successful stop or migrate_to releases the
/// agent, so the next start uses the current resource definition.
class LocalRunner final : public OperationRunner {
 public:
  explicit LocalRunner(AgentPool& agents) : agents_(agents) {}
  void run(const Operation& op, agents::Handler done) override;

 private:
  AgentPool& agents_;
};

}  // namespace wholesale_ha::executor
