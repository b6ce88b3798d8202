#include <wholesale_ha/policy/shutdown.hpp>

#include <algorithm>

namespace wholesale_ha::policy {

model::ShutdownPolicy shutdown_policy(const model::Resource& resource, const model::ClusterOptions& options,
                                      model::ShutdownKind kind) noexcept {
  const auto chosen = resource.meta.shutdown_policy.value_or(
      options.resource_defaults.shutdown_policy.value_or(options.shutdown_policy));
  if (chosen != model::ShutdownPolicy::conditional) return chosen;
  return kind == model::ShutdownKind::reboot ? model::ShutdownPolicy::freeze : model::ShutdownPolicy::failover;
}

void begin_shutdown(model::ClusterState& state, const model::Config& config, std::string_view node,
                    model::ShutdownKind kind) {
  if (config.find_node(node) == nullptr) return;
  state.nodes[std::string{node}].shutdown = kind;
  for (const auto& p : state.resources) {
    if (p.node != node) continue;
    const model::Resource* r = config.find_resource(p.resource);
    // A clone instance belongs to its node anyway; freezing it would pin the whole clone.
    if (r == nullptr || r->clone || shutdown_policy(*r, config.options, kind) != model::ShutdownPolicy::freeze) {
      continue;
    }
    const bool known = std::any_of(state.frozen.begin(), state.frozen.end(),
                                   [&](const auto& f) { return f.resource == p.resource; });
    if (!known) state.frozen.push_back({p.resource, std::string{node}});
  }
}

std::optional<std::string> waits_for(const model::ClusterState& state, std::string_view resource) {
  for (const auto& f : state.frozen) {
    if (f.resource != resource) continue;
    auto node = state.nodes.find(f.node);
    const bool lost = node != state.nodes.end() && node->second.state == model::NodeState::unclean;
    const bool runs_elsewhere = std::any_of(state.resources.begin(), state.resources.end(), [&](const auto& p) {
      return p.resource == resource && p.node != f.node && p.state == model::ResourceState::started;
    });
    if (!lost && !runs_elsewhere) return f.node;
  }
  return std::nullopt;
}

void forget_frozen(model::ClusterState& state, std::string_view resource) {
  std::erase_if(state.frozen, [&](const auto& f) { return f.resource == resource; });
}

}  // namespace wholesale_ha::policy
