// The recovery ladder: repairs in place (restart the application inside a VM, reset the
// guest) that a failed monitor tries, step by step within each step's attempts, before the
// resource is stopped and started (and, after migration_threshold failures, moved).

#include "core.hpp"

#include <wholesale_ha/executor/executor.hpp>

namespace wholesale_ha::core {

using executor::Operation;

bool Core::start_repair(const std::string& resource, const std::string& node, const agents::Outcome& detected) {
  const model::Resource* r = find_resource(resource);
  if (r == nullptr || r->recovery.empty() || !is_managed(resource)) return false;
  if (repairing_.contains(resource)) return true;  // the repair in flight answers for it
  auto& used = repairs_used_[{resource, node}];
  used.resize(r->recovery.size(), 0);
  for (std::size_t i = 0; i < r->recovery.size(); ++i) {
    const model::RecoveryStep& step = r->recovery[i];
    if (used[i] >= step.attempts) continue;
    ++used[i];
    repairing_.insert(resource);
    is_idle_ = false;
    log_.warn("monitor of {} on {} failed ({}): repairing it in place, {} ({}/{})", resource, node, detected.reason,
              step.action, used[i], step.attempts);
    issue({Operation::Kind::repair, resource, node, {}, step.timeout.value_or(executor::monitor_timeout(*r)), step.action},
          ForRepair{resource, node, i, used[i], detected});
    return true;
  }
  return false;
}

void Core::repair_done(const ForRepair& p, const agents::Outcome& result) {
  repairing_.erase(p.resource);
  plan_wanted_ = running_ && !stopping_;
  finish_repair(p, result);
  flush_reports();  // a new coordinator may be waiting for this node's report
}

void Core::finish_repair(const ForRepair& p, const agents::Outcome& result) {
  const model::Resource* r = find_resource(p.resource);
  const model::RecoveryStep* step = r != nullptr && p.step < r->recovery.size() ? &r->recovery[p.step] : nullptr;
  const std::string action = step != nullptr ? step->action : "repair";
  notify(ResourceRepaired{ResourceRepair{p.resource, p.node, action, p.attempt, step != nullptr ? step->attempts : 0,
                                         p.detected, result}});
  // Something else decided meanwhile (a fence, a stop, a configuration change): it stands.
  const model::ResourcePlacement* placed = placement(p.resource, p.node);
  if (!running_ || stopping_ || step == nullptr || placed == nullptr || placed->state != model::ResourceState::started) {
    return;
  }
  // Issued as coordinator, answered after a new one took over: the ladder is its to climb.
  if (settings_.clustered && !is_coordinator()) {
    if (!result.ok()) publish(protocol::MonitorFailed{p.resource, p.node, p.detected});
    return;
  }
  if (result.ok()) {
    log_.info("repaired {} on {} by {} in place ({})", p.resource, p.node, action, result.reason);
    return arm_monitor(p.resource, p.node);
  }
  log_.warn("repair {} of {} on {} failed: {}", action, p.resource, p.node, result.reason);
  // A repair that cannot be done now will not be done by trying it again: its step is spent.
  auto& used = repairs_used_[{p.resource, p.node}];
  if (p.step < used.size()) used[p.step] = step->attempts;
  if (start_repair(p.resource, p.node, p.detected)) return;
  agents::Outcome why = p.detected;
  why.reason = fmt::format("{}; then {} failed: {}", p.detected.reason, action, result.reason);
  monitors_.erase({p.resource, p.node});
  operation_failed(p.resource, p.node, "monitor", why, model::OnFail::restart, false);
}

void Core::forget_repairs(const std::string& resource) {
  std::erase_if(repairs_used_, [&](const auto& entry) { return entry.first.first == resource; });
}

}  // namespace wholesale_ha::core
