#include "invariants.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include <wholesale_ha/model/enum_names.hpp>
#include <wholesale_ha/policy/planner.hpp>
#include <wholesale_ha/policy/shutdown.hpp>

namespace wholesale_ha::sim {

using executor::Operation;

std::optional<Broken> check_shutdown_policy(const core::Core& c, std::string_view id, const Operation& op) {
  const auto& state = c.state();
  const model::Resource* r = c.config().find_resource(op.resource);
  if (r == nullptr) return std::nullopt;
  if (op.kind == Operation::Kind::migrate_to) {
    auto it = state.nodes.find(op.node);
    if (it != state.nodes.end() && it->second.shutdown) {
      const auto policy = policy::shutdown_policy(*r, c.config().options, *it->second.shutdown);
      if (policy != model::ShutdownPolicy::migrate) {
        return Broken{"shutdown-policy", fmt::format("{} live-migrates {} off {}, which shuts down under "
                                                        "shutdown_policy {}",
                                                        id, op.resource, op.node, model::to_string(policy))};
      }
    }
  }
  if (op.kind != Operation::Kind::start && op.kind != Operation::Kind::migrate_to) return std::nullopt;
  const std::string& arrives = op.kind == Operation::Kind::start ? op.node : op.peer;
  if (auto node = policy::waits_for(state, op.resource); node && *node != arrives) {
    return Broken{"shutdown-policy",
                     fmt::format("{} starts {} on {} while it is frozen with {}", id, op.resource, arrives, *node)};
  }
  return std::nullopt;
}

std::optional<Broken> check_offline_move(const core::Core& c, std::string_view id, const Operation& op) {
  if (op.kind != Operation::Kind::migrate_to) return std::nullopt;
  const model::Config& config = c.config();
  auto names = [&](const std::string& name) {
    return name == op.resource || std::any_of(config.groups.begin(), config.groups.end(), [&](const auto& g) {
             return g.id == name && std::find(g.resources.begin(), g.resources.end(), op.resource) != g.resources.end();
           });
  };
  for (const auto& constraint : config.constraints) {
    const auto* l = std::get_if<model::LocationConstraint>(&constraint);
    if (l != nullptr && l->offline && l->node == op.peer && names(l->resource)) {
      return Broken{"offline-move", fmt::format("{} live-migrates {} to {}, the node of offline move {}", id,
                                                   op.resource, op.peer, l->id)};
    }
  }
  return std::nullopt;
}

std::optional<Broken> check_spare_reserved(const core::Core& c, std::string_view id, const Operation& op,
                                              std::set<std::string>& was_active) {
  if (op.kind == Operation::Kind::stop) was_active.insert(op.resource);
  if (op.kind != Operation::Kind::start || !was_active.insert(op.resource).second) return std::nullopt;
  const model::Config& config = c.config();
  const auto& failover = config.options.failover_capacity;
  const model::Resource* r = config.find_resource(op.resource);
  if (!failover || r == nullptr || r->clone) return std::nullopt;
  const auto& spares = failover->spare_nodes;
  if (std::find(spares.begin(), spares.end(), op.node) == spares.end()) return std::nullopt;
  return Broken{"spare-reserved",
                   fmt::format("{} starts {} for the first time on spare node {}", id, op.resource, op.node)};
}

std::optional<Broken> check_converged(const core::Core& core, std::string_view id, model::Timestamp now,
                                         const std::set<std::pair<std::string, std::string>>& running) {
  if (!core.idle()) return Broken{"converges", fmt::format("coordinator {} is still busy at the end", id)};
  model::ClusterState state = core.state();
  state.now = now;
  const auto remaining = policy::plan(state, core.config());
  if (!remaining.empty()) {
    return Broken{"converges",
                     fmt::format("the coordinator would still {}", policy::describe(remaining.actions.front()))};
  }
  std::set<std::pair<std::string, std::string>> known;
  for (const auto& p : core.state().resources) known.insert({p.resource, p.node});
  if (running == known) return std::nullopt;
  std::vector<std::string> diff;
  for (const auto& t : running) {
    if (!known.contains(t)) diff.push_back(fmt::format("{} runs on {} unknown to it", t.first, t.second));
  }
  for (const auto& k : known) {
    if (!running.contains(k)) diff.push_back(fmt::format("it believes {} runs on {}", k.first, k.second));
  }
  return Broken{"converges", fmt::format("coordinator {}: {}", id, fmt::join(diff, "; "))};
}

}  // namespace wholesale_ha::sim
