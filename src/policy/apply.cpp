#include <algorithm>

#include <wholesale_ha/policy/planner.hpp>
#include <wholesale_ha/policy/maintenance.hpp>
#include <wholesale_ha/policy/shutdown.hpp>

namespace wholesale_ha::policy {

model::ClusterState apply(const model::ClusterState& state, const Transition& transition) {
  model::ClusterState out = state;
  auto& placements = out.resources;
  auto find = [&](const std::string& resource, const std::string& node) {
    return std::find_if(placements.begin(), placements.end(), [&](const auto& p) {
      return p.resource == resource && p.node == node;
    });
  };
  // Actions in id order: a resource's stops come before its starts.
  for (const auto& action : transition.actions) {
    switch (action.kind) {
      case ActionKind::fence: {
        out.nodes[action.node].state = model::NodeState::offline;
        model::drop_placements(out, action.node);
        // Lost rather than shut down: what waited for it is recovered elsewhere.
        std::erase_if(out.frozen, [&](const auto& f) { return f.node == action.node; });
        break;
      }
      case ActionKind::stop:
        model::remove_placement(out, action.resource, action.node);
        break;
      case ActionKind::start:
        placements.push_back({action.resource, action.node, model::ResourceState::started});
        forget_frozen(out, action.resource);
        arrived(out, action.resource, action.node);
        out.last_node.erase(action.resource);
        break;
      case ActionKind::migrate:
        if (auto it = find(action.resource, action.node); it != placements.end()) {
          it->node = action.target.value_or(action.node);
          it->state = model::ResourceState::started;
          arrived(out, action.resource, it->node);
        }
        break;
    }
  }
  return out;
}

}  // namespace wholesale_ha::policy
