#include "simulated_fencer.hpp"

#include <fmt/format.h>

namespace wholesale_ha {

void SimulatedPowerOff::fence(const std::string& node, std::chrono::milliseconds timeout,
                              agents::Handler done) {
  std::vector<std::string> resources;
  for (const auto& p : controller_.core.state().resources) {
    if (p.node == node) resources.push_back(p.resource);
  }
  auto pending = std::make_shared<std::size_t>(resources.size() + 1);
  auto finish = [this, node, pending, count = resources.size(), done = std::move(done)] {
    if (--*pending > 0) return;
    membership_.set_state(node, model::NodeState::offline);
    done({agents::Status::success,
          fmt::format("simulated power-off of {}: {} resource(s) stopped", node, count)});
  };
  for (const auto& resource : resources) {
    agents::Agent* agent = controller_.pool.get(resource, node);
    if (agent == nullptr) {
      finish();
      continue;
    }
    agent->stop(timeout, [this, resource, node, finish](agents::Outcome) {
      controller_.pool.release(resource, node);  // the "power" is off whatever stop said
      finish();
    });
  }
  finish();
}

}  // namespace wholesale_ha
