#include <wholesale_ha/model/cluster.hpp>

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace wholesale_ha::model {

const Node* Config::find_node(std::string_view id) const noexcept {
  auto it = std::find_if(nodes.begin(), nodes.end(), [&](const Node& n) { return n.id == id; });
  return it == nodes.end() ? nullptr : &*it;
}

const Resource* Config::find_resource(std::string_view id) const noexcept {
  auto it = std::find_if(resources.begin(), resources.end(),
                         [&](const Resource& r) { return r.id == id; });
  return it == resources.end() ? nullptr : &*it;
}

const std::string& constraint_id(const Constraint& constraint) noexcept {
  return std::visit([](const auto& c) -> const std::string& { return c.id; }, constraint);
}

EffectiveMeta effective_meta(const ResourceMeta& meta, const ResourceMeta& defaults) noexcept {
  EffectiveMeta out;
  auto pick = [](const auto& own, const auto& fallback, auto& target) {
    if (own) {
      target = *own;
    } else if (fallback) {
      target = *fallback;
    }
  };
  pick(meta.allow_migrate, defaults.allow_migrate, out.allow_migrate);
  pick(meta.stickiness, defaults.stickiness, out.stickiness);
  pick(meta.migration_threshold, defaults.migration_threshold, out.migration_threshold);
  pick(meta.failure_timeout, defaults.failure_timeout, out.failure_timeout);
  pick(meta.priority, defaults.priority, out.priority);
  pick(meta.target_role, defaults.target_role, out.target_role);
  pick(meta.allow_unhealthy_nodes, defaults.allow_unhealthy_nodes, out.allow_unhealthy_nodes);
  pick(meta.managed, defaults.managed, out.managed);
  pick(meta.max_restart, defaults.max_restart, out.max_restart);
  pick(meta.max_relocate, defaults.max_relocate, out.max_relocate);
  return out;
}

bool remove_placement(ClusterState& state, std::string_view resource, std::string_view node) {
  // One instance: a clone may run several on a node. A failed or blocked one goes first, as
  // that is the one a plan stops when it also starts a fresh one there.
  auto here = [&](const ResourcePlacement& p) { return p.resource == resource && p.node == node; };
  auto it = std::find_if(state.resources.begin(), state.resources.end(),
                         [&](const ResourcePlacement& p) { return here(p) && p.state != ResourceState::started; });
  if (it == state.resources.end()) it = std::find_if(state.resources.begin(), state.resources.end(), here);
  if (it == state.resources.end()) return false;
  state.resources.erase(it);
  const bool elsewhere = std::any_of(state.resources.begin(), state.resources.end(),
                                     [&](const ResourcePlacement& p) { return p.resource == resource; });
  if (!elsewhere) state.last_node[std::string{resource}] = std::string{node};
  return true;
}

void drop_placements(ClusterState& state, std::string_view node) {
  // One pass each way: a node with thousands of resources made remove_placement() per
  // resource quadratic.
  std::vector<std::string> gone;
  std::erase_if(state.resources, [&](const ResourcePlacement& p) {
    if (p.node != node) return false;
    gone.push_back(p.resource);
    return true;
  });
  if (gone.empty()) return;
  std::unordered_map<std::string_view, bool> elsewhere;
  for (const auto& resource : gone) elsewhere.emplace(resource, false);
  for (const auto& p : state.resources) {
    if (auto it = elsewhere.find(p.resource); it != elsewhere.end()) it->second = true;
  }
  for (const auto& [resource, runs] : elsewhere) {
    if (!runs) state.last_node[std::string{resource}] = std::string{node};
  }
}

}  // namespace wholesale_ha::model
