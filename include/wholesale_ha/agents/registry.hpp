#pragma once
// Backends by name ("ocf", "process", "callback", "libvirt", ...). An instance, built by the
// embedding application; never a global.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <wholesale_ha/agents/agent.hpp>
#include <wholesale_ha/result.hpp>

namespace wholesale_ha::agents {

class Backend {
 public:
  virtual ~Backend() = default;

  /// Problems with a resource's type/params for this backend (missing or unknown parameters,
  /// an agent that is not installed), found when a configuration is loaded or reloaded.
  /// `pointer` is the resource's JSON pointer ("/resources/3"); diagnostics extend it.
  [[nodiscard]] virtual Result<void> validate(const model::Resource& resource,
                                              const std::string& pointer) const = 0;

  /// The repairs in place (Agent::repair) its agents can perform for `resource`, which its
  /// recovery steps may name. None by default.
  [[nodiscard]] virtual std::vector<std::string> repair_actions(const model::Resource& resource) const;

  /// A new agent for `context.resource` on `context.node`.
  [[nodiscard]] virtual std::unique_ptr<Agent> create(const AgentContext& context) = 0;

  /// True when an agent for any node can run in any process (it reaches that node remotely,
  /// like libvirt through a URI): in a cluster the coordinator then runs the operations itself.
  /// False (the default) when the operations must run on the node itself.
  [[nodiscard]] virtual bool runs_anywhere() const { return false; }
};

class Registry {
 public:
  void add(std::string name, std::shared_ptr<Backend> backend);
  [[nodiscard]] Backend* find(const std::string& name) const;
  [[nodiscard]] std::vector<std::string> names() const;

  /// Every resource's backend must exist, accept its parameters and perform the repairs its
  /// recovery steps name.
  [[nodiscard]] Result<void> validate(const std::vector<model::Resource>& resources) const;

 private:
  std::map<std::string, std::shared_ptr<Backend>, std::less<>> backends_;
};

}  // namespace wholesale_ha::agents
