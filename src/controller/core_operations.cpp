// Operations the core asks for — on this node's agents, on another member's (in a cluster),
// or a fence — and what their results change: recurring monitors, probes, failures.

#include "core.hpp"

#include <wholesale_ha/executor/executor.hpp>

namespace wholesale_ha::core {

using agents::Status;
using executor::Operation;

std::uint64_t Core::issue(Operation op, Purpose purpose) {
  const auto id = next_id_++;
  const bool local = !settings_.clustered || op.node == settings_.local || runs_anywhere(op.resource);
  ops_.emplace(id, Pending{std::move(purpose), op, false, !local});
  if (!local && view_.state_of(op.node) != model::NodeState::online) {
    immediate_.push_back({id, {Status::error_generic, fmt::format("{} is not a member of the cluster", op.node)}});
    return id;
  }
  if (local) {
    notify(RunOperation{id, op});
  } else {
    publish(protocol::OpRequest{id, op.node, op});
  }
  arm(op.timeout + settings_.answer_grace, Deadline{id});
  return id;
}

std::uint64_t Core::issue_fence(const std::string& node, std::size_t action) {
  const auto id = next_id_++;
  Operation op;
  op.node = node;
  ops_.emplace(id, Pending{ForAction{action}, op, true, false});
  notify(FenceNode{id, node, settings_.fence_timeout});
  arm(settings_.fence_timeout + settings_.answer_grace, Deadline{id});
  return id;
}

void Core::op_done(std::uint64_t id, agents::Outcome result) {
  auto it = ops_.find(id);
  if (it == ops_.end()) return;  // answered already (a hung agent's late answer)
  Pending pending = std::move(it->second);
  ops_.erase(it);
  std::visit(
      [&](auto& p) {
        using P = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<P, ForAction>) {
          action_step_done(p.action, std::move(result));
        } else if constexpr (std::is_same_v<P, ForMonitor>) {
          monitor_done(p, result);
        } else if constexpr (std::is_same_v<P, ForProbe>) {
          probe_done(p, result);
        } else if constexpr (std::is_same_v<P, ForReport>) {
          report_probe_done(p, result);
        } else if constexpr (std::is_same_v<P, ForRepair>) {
          repair_done(p, result);
        } else if constexpr (std::is_same_v<P, ForServed>) {
          served_done(p, result, pending.op.kind);
        } else if constexpr (std::is_same_v<P, ForOrphanStop>) {
          if (result.ok() || result.status == Status::not_configured) {
            record_placement(p.resource, p.node, std::nullopt);
          } else {
            log_.error("stopping removed resource {} on {} failed: {}", p.resource, p.node, result.reason);
          }
        } else if constexpr (std::is_same_v<P, ForQuorumStop>) {
          quorum_stopping_.erase(p.resource);
          if (result.ok()) {
            // Known here at once: without quorum the news may not get out, and the replica
            // must not have it stopped a second time.
            remove_placement(p.resource, settings_.local);
            record_placement(p.resource, settings_.local, std::nullopt);
          } else {
            log_.error("could not stop {} after losing quorum: {}", p.resource, result.reason);
          }
          flush_reports();
        }
      },
      pending.purpose);
}

void Core::operation_failed(const std::string& resource, const std::string& node, const std::string& operation,
                            const agents::Outcome& result, model::OnFail on_fail, bool fatal) {
  std::int32_t count = 0;
  if (!is_managed(resource)) {
    // Shown as failed, never recovered, counted or a reason to fence.
    if (operation == "monitor") record_placement(resource, node, model::ResourceState::failed);
    log_.warn("{} of unmanaged {} on {} failed ({}); left alone", operation, resource, node, result.reason);
    notify(ResourceFailed{ResourceFailure{resource, node, operation, result, 0}});
    return;
  }
  switch (on_fail) {
    case model::OnFail::ignore:
      log_.warn("{} of {} on {} failed ({}); ignored as configured", operation, resource, node, result.reason);
      return;
    case model::OnFail::block:
      record_placement(resource, node, model::ResourceState::blocked);
      count = record_failure(resource, node, false);
      log_.error("{} of {} on {} failed ({}); it is BLOCKED until an operator clears it", operation, resource, node,
                 result.reason);
      break;
    case model::OnFail::fence:
      record_placement(resource, node, model::ResourceState::failed);
      count = record_failure(resource, node, fatal);
      publish(protocol::FenceRequest{node});
      log_.error("{} of {} on {} failed ({}); fencing {}", operation, resource, node, result.reason, node);
      break;
    case model::OnFail::restart:
      if (operation != "migrate") record_placement(resource, node, model::ResourceState::failed);
      count = record_failure(resource, node, fatal);
      log_.error("{} of {} on {} failed: {} ({}); failcount {}", operation, resource, node,
                 agents::to_string(result.status), result.reason, model::score_to_string(count));
      break;
  }
  notify(ResourceFailed{ResourceFailure{resource, node, operation, result, count}});
  plan_wanted_ = running_ && !stopping_;
}

bool Core::busy_with(const std::string& resource) const {
  return acting_.contains(resource) || served_.contains(resource) || repairing_.contains(resource);
}

// --- monitors ------------------------------------------------------------------------------------

void Core::sync_monitors() {
  if (!running_ || stopping_) return;
  std::set<std::pair<std::string, std::string>> wanted;
  for (const auto& p : state_.resources) {
    if (p.state == model::ResourceState::started && responsible_for(p.resource, p.node)) {
      wanted.insert({p.resource, p.node});
    }
  }
  std::erase_if(monitors_, [&](const auto& entry) { return !wanted.contains(entry.first); });
  for (const auto& [resource, node] : wanted) {
    if (!monitors_.contains({resource, node})) arm_monitor(resource, node);
  }
}

void Core::sync_monitor(const std::string& resource, const std::string& node) {
  if (!running_ || stopping_) return;
  const auto* p = placement(resource, node);
  const bool wanted = p != nullptr && p->state == model::ResourceState::started && responsible_for(resource, node);
  if (!wanted) {
    monitors_.erase({resource, node});
  } else if (!monitors_.contains({resource, node})) {
    arm_monitor(resource, node);
  }
}

void Core::arm_monitor(const std::string& resource, const std::string& node) {
  const model::Resource* r = find_resource(resource);
  if (r == nullptr || !running_ || stopping_) return;
  auto [it, created] = monitors_.try_emplace({resource, node});
  if (created) notify(Watch{resource, node});  // backends with their own failure events
  it->second.generation = next_generation_++;
  arm(executor::monitor_interval(*r), MonitorDue{resource, node, it->second.generation});
}

void Core::run_monitor(const std::string& resource, const std::string& node, std::uint64_t generation) {
  auto it = monitors_.find({resource, node});
  if (it == monitors_.end() || it->second.generation != generation) return;  // stale
  const model::Resource* r = find_resource(resource);
  if (r == nullptr) return;
  if (busy_with(resource)) return arm_monitor(resource, node);  // an action decides now
  // A new generation: a second trigger (timer and backend event) while this one runs is stale.
  it->second.generation = next_generation_++;
  issue({Operation::Kind::monitor, resource, node, {}, executor::monitor_timeout(*r)},
        ForMonitor{resource, node, it->second.generation});
}

void Core::monitor_done(const ForMonitor& m, const agents::Outcome& result) {
  // A monitor exists only while its instance is started (a placement that ends or fails
  // removes it), so a current generation means it still is.
  auto current = monitors_.find({m.resource, m.node});
  if (current == monitors_.end() || current->second.generation != m.generation) return;
  if (result.ok() || result.status == Status::degraded || busy_with(m.resource)) {
    return arm_monitor(m.resource, m.node);
  }
  const model::Resource* def = find_resource(m.resource);
  const auto on_fail = def ? def->operations.monitor.on_fail.value_or(model::OnFail::restart) : model::OnFail::restart;
  if (on_fail == model::OnFail::ignore) return arm_monitor(m.resource, m.node);
  // In a cluster the coordinator judges: only it knows whether one of its actions (a migration
  // away, a stop) explains what this monitor saw. This node keeps monitoring meanwhile: a
  // verdict the coordinator ignores is checked again.
  if (settings_.clustered && !is_coordinator()) {
    publish(protocol::MonitorFailed{m.resource, m.node, result});
    return arm_monitor(m.resource, m.node);
  }
  if (on_fail == model::OnFail::restart && start_repair(m.resource, m.node, result)) return;
  monitors_.erase(current);
  operation_failed(m.resource, m.node, "monitor", result, on_fail, false);
}

// --- probes --------------------------------------------------------------------------------------

void Core::probe(const std::string& resource, const std::string& node) {
  const model::Resource* r = find_resource(resource);
  if (r == nullptr) return;
  ++probes_in_flight_;
  issue({Operation::Kind::monitor, resource, node, {}, executor::monitor_timeout(*r)}, ForProbe{resource, node});
}

void Core::probe_done(const ForProbe& p, const agents::Outcome& result) {
  if (result.ok() || result.status == Status::degraded) {
    record_placement(p.resource, p.node, model::ResourceState::started);
    log_.info("probe: {} is running on {}", p.resource, p.node);
  } else if (result.status == Status::not_running) {
    record_placement(p.resource, p.node, std::nullopt);
  } else {
    record_placement(p.resource, p.node, model::ResourceState::failed);
    log_.warn("probe: {} on {} is in a failed state: {}", p.resource, p.node, result.reason);
  }
  // Planning waits for every answer: a plan made on half the truth could start a second copy.
  if (--probes_in_flight_ == 0) plan_wanted_ = running_ && !stopping_;
}

void Core::probe_all() {
  std::size_t issued = 0;
  for (const auto& r : config_->resources) {
    for (const auto& n : config_->nodes) {
      if (state_.nodes[n.id].state == model::NodeState::online) {
        probe(r.id, n.id);
        ++issued;
      }
    }
  }
  if (issued == 0) plan_wanted_ = true;
}

/// Resources that are no longer configured but still run are stopped with the agent that
/// started them (by whoever runs that agent).
void Core::stop_orphans() {
  std::vector<std::pair<std::string, std::string>> orphans;
  for (const auto& p : state_.resources) {
    if (find_resource(p.resource) == nullptr) orphans.push_back({p.resource, p.node});
  }
  for (const auto& [resource, node] : orphans) {
    monitors_.erase({resource, node});
    if (settings_.clustered && node != settings_.local) continue;  // its own node stops it
    log_.info("{} was removed from the configuration: stopping it on {}", resource, node);
    issue({Operation::Kind::stop, resource, node, {}, Millis{20'000}}, ForOrphanStop{resource, node});
  }
}

}  // namespace wholesale_ha::core
