#pragma once
// Fencing: making sure a lost node runs nothing before its resources start elsewhere.
// Backends: callback (here), the fence-agents protocol, libvirt destroy and self-fencing
// (with Corosync membership).

#include <chrono>
#include <functional>
#include <string>

#include <wholesale_ha/agents/agent.hpp>
#include <wholesale_ha/result.hpp>

namespace wholesale_ha::fencing {

class Fencer {
 public:
  virtual ~Fencer() = default;
  /// Powers off / isolates `node`. `done` gets success only when the node is certainly down.
  virtual void fence(const std::string& node, std::chrono::milliseconds timeout,
                     agents::Handler done) = 0;
};

/// Fencing done by the embedding application.
class CallbackFencer final : public Fencer {
 public:
  using Function = std::function<void(const std::string& node, std::chrono::milliseconds timeout,
                                      agents::Handler done)>;
  explicit CallbackFencer(Function fn) : fn_(std::move(fn)) {}
  void fence(const std::string& node, std::chrono::milliseconds timeout,
             agents::Handler done) override {
    fn_(node, timeout, std::move(done));
  }

 private:
  Function fn_;
};

}  // namespace wholesale_ha::fencing
