#include <wholesale_ha/policy/maintenance.hpp>

#include <algorithm>

namespace wholesale_ha::policy {

void begin_maintenance(model::ClusterState& state, const model::Config& config, std::string_view node) {
  if (config.find_node(node) == nullptr) return;
  state.nodes[std::string{node}].evacuate = true;
  for (const auto& p : state.resources) {
    if (p.node != node) continue;
    const model::Resource* r = config.find_resource(p.resource);
    if (r == nullptr || r->clone || !r->meta.failback.value_or(config.options.resource_defaults.failback.value_or(true))) {
      continue;
    }
    const bool known = std::any_of(state.returns.begin(), state.returns.end(),
                                   [&](const auto& f) { return f.resource == p.resource; });
    if (!known) state.returns.push_back({p.resource, std::string{node}});
  }
}

void end_maintenance(model::ClusterState& state, std::string_view node) {
  if (auto it = state.nodes.find(node); it != state.nodes.end()) it->second.evacuate = false;
}

void arrived(model::ClusterState& state, std::string_view resource, std::string_view node) {
  std::erase_if(state.returns, [&](const auto& f) { return f.resource == resource && f.node == node; });
}

}  // namespace wholesale_ha::policy
