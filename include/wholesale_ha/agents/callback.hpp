#pragma once
// The "callback" backend: an application embedding the library manages a resource with its
// own C++ functions. Resources name their functions by `type`.

#include <functional>
#include <map>
#include <memory>
#include <string>

#include <wholesale_ha/agents/registry.hpp>

namespace wholesale_ha::agents {

/// What a callback is called for.
struct CallbackCall {
  const model::Resource& resource;
  const std::string& node;
  std::chrono::milliseconds timeout;
  const std::string* peer = nullptr;  ///< migrate_to: target node; migrate_from: source node
};

/// Asynchronous form: call `done` exactly once, from any thread (it is posted back to the
/// library's executor).
using AsyncCallback = std::function<void(const CallbackCall&, Handler done)>;
/// Synchronous form, for work that is quick: runs on the library's executor.
using SyncCallback = std::function<Outcome(const CallbackCall&)>;

struct CallbackType {
  AsyncCallback start;
  AsyncCallback stop;
  AsyncCallback monitor;
  AsyncCallback migrate_to;    ///< optional: set both migrate callbacks to be live-migratable
  AsyncCallback migrate_from;
  /// Optional repairs in place by action name, for the resource's recovery ladder
  /// (model::RecoveryStep): e.g. {"restart_application", ...}.
  std::map<std::string, AsyncCallback, std::less<>> repairs;
  bool clonable = false;
};

/// Wraps a synchronous function.
AsyncCallback sync(SyncCallback fn);

class CallbackBackend final : public Backend {
 public:
  /// Registers (or replaces) the functions for resources whose `type` is `type`.
  void add_type(std::string type, CallbackType functions);

  [[nodiscard]] Result<void> validate(const model::Resource& resource,
                                      const std::string& pointer) const override;
  [[nodiscard]] std::vector<std::string> repair_actions(const model::Resource& resource) const override;
  [[nodiscard]] std::unique_ptr<Agent> create(const AgentContext& context) override;

 private:
  std::map<std::string, std::shared_ptr<const CallbackType>, std::less<>> types_;
};

}  // namespace wholesale_ha::agents
