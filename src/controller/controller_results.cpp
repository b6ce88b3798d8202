// How results change the live state: every action result, monitor result and probe lands
// here, so the controller always knows where each resource is and in what state.

#include <algorithm>

#include <fmt/format.h>

#include <wholesale_ha/executor/executor.hpp>

#include "controller_impl.hpp"

namespace wholesale_ha {

using agents::Status;
using policy::ActionKind;

// --- state helpers -------------------------------------------------------------------------

model::ResourcePlacement* Controller::Impl::placement(const std::string& resource,
                                                      const std::string& node) {
  auto it = std::find_if(state.resources.begin(), state.resources.end(), [&](const auto& p) {
    return p.resource == resource && p.node == node;
  });
  return it == state.resources.end() ? nullptr : &*it;
}

void Controller::Impl::set_placement(const std::string& resource, const std::string& node,
                                     model::ResourceState s) {
  if (auto* p = placement(resource, node)) {
    p->state = s;
  } else {
    state.resources.push_back({resource, node, s});
  }
}

void Controller::Impl::remove_placement(const std::string& resource, const std::string& node) {
  std::erase_if(state.resources,
                [&](const auto& p) { return p.resource == resource && p.node == node; });
  monitors.erase({resource, node});
}

void Controller::Impl::drop_node_placements(const std::string& node) {
  std::erase_if(state.resources, [&](const auto& p) { return p.node == node; });
  std::erase_if(monitors, [&](const auto& entry) { return entry.first.second == node; });
}

// --- action results --------------------------------------------------------------------------

void Controller::Impl::action_finished(const executor::ActionResult& r) {
  self.on_action_finished.emit(r);
  if (r.skipped) return;
  const auto& a = r.action;
  const model::Resource* resource = a.resource.empty() ? nullptr : config->find_resource(a.resource);
  switch (a.kind) {
    case ActionKind::fence:
      if (r.result.ok()) {
        publish("fenced", {{"node", a.node}});
      } else {
        log.error("FENCING {} FAILED: {}. Its resources are NOT recovered until it is fenced or "
                  "confirmed down.",
                  a.node, r.result.reason);
      }
      return;
    case ActionKind::start:
      if (r.result.ok()) {
        record_placement(a.resource, a.node, model::ResourceState::started);
      } else if (resource != nullptr) {
        operation_failed(a.resource, a.node, "start", r.result,
                         resource->operations.start.on_fail.value_or(model::OnFail::restart), true);
      }
      return;
    case ActionKind::stop:
      if (r.result.ok()) {
        record_placement(a.resource, a.node, std::nullopt);
      } else if (resource != nullptr) {
        const auto fallback = config->options.stonith_enabled ? model::OnFail::fence : model::OnFail::block;
        operation_failed(a.resource, a.node, "stop", r.result,
                         resource->operations.stop.on_fail.value_or(fallback), false);
      }
      return;
    case ActionKind::migrate:
      if (r.result.ok()) {
        record_placement(a.resource, a.node, std::nullopt);
        record_placement(a.resource, *a.target, model::ResourceState::started);
        if (r.fallback) log.warn("{} moved by stop and start after: {}", a.resource, *r.fallback);
      } else if (resource != nullptr) {
        // Where it is now is uncertain: mark both sides failed; the policy stops it on both
        // (a stop of something stopped succeeds) and starts it once.
        record_placement(a.resource, a.node, model::ResourceState::failed);
        record_placement(a.resource, *a.target, model::ResourceState::failed);
        operation_failed(a.resource, a.node, "migrate", r.result,
                         resource->operations.migrate.on_fail.value_or(model::OnFail::restart),
                         false);
      }
      return;
  }
}

void Controller::Impl::operation_failed(const std::string& resource, const std::string& node,
                                        const std::string& operation, const agents::Result& result,
                                        model::OnFail on_fail, bool fatal) {
  std::int32_t count = 0;
  switch (on_fail) {
    case model::OnFail::ignore:
      log.warn("{} of {} on {} failed ({}); ignored as configured", operation, resource, node,
               result.reason);
      return;
    case model::OnFail::block:
      record_placement(resource, node, model::ResourceState::blocked);
      count = record_failure(resource, node, false);
      log.error("{} of {} on {} failed ({}); it is BLOCKED until an operator clears it", operation,
                resource, node, result.reason);
      break;
    case model::OnFail::fence:
      record_placement(resource, node, model::ResourceState::failed);
      count = record_failure(resource, node, fatal);
      publish("fence_request", {{"node", node}});
      log.error("{} of {} on {} failed ({}); fencing {}", operation, resource, node,
                result.reason, node);
      break;
    case model::OnFail::restart:
      if (operation != "migrate") record_placement(resource, node, model::ResourceState::failed);
      count = record_failure(resource, node, fatal);
      log.error("{} of {} on {} failed: {} ({}); failcount {}", operation, resource, node,
                agents::to_string(result.status), result.reason, model::score_to_string(count));
      break;
  }
  self.on_resource_failed.emit(ResourceFailure{resource, node, operation, result, count});
  schedule_plan();
}

// --- monitors --------------------------------------------------------------------------------

void Controller::Impl::sync_monitors() {
  if (!running || stopping) return;
  std::set<std::pair<std::string, std::string>> wanted;
  for (const auto& p : state.resources) {
    if (p.state == model::ResourceState::started && responsible_for(p.resource, p.node)) {
      wanted.insert({p.resource, p.node});
    }
  }
  std::erase_if(monitors, [&](const auto& entry) { return !wanted.contains(entry.first); });
  for (const auto& [resource, node] : wanted) {
    if (!monitors.contains({resource, node})) arm_monitor(resource, node);
  }
}

void Controller::Impl::arm_monitor(const std::string& resource, const std::string& node) {
  const model::Resource* r = config->find_resource(resource);
  if (r == nullptr || !running || stopping) return;
  auto& monitor = monitors[{resource, node}];
  if (!monitor) {
    monitor = std::make_shared<Monitor>(ex);
    // Backends with their own failure events (libvirt) trigger a monitor at once.
    if (agents::Agent* agent = pool.get(resource, node)) {
      agent->watch([this, resource, node] {
        auto it = monitors.find({resource, node});
        if (it != monitors.end()) run_monitor(resource, node, it->second->generation);
      });
    }
  }
  monitor->generation = next_generation++;
  monitor->timer.expires_after(executor::monitor_interval(*r));
  monitor->timer.async_wait([this, resource, node, generation = monitor->generation](
                                const boost::system::error_code& ec) {
    if (!ec) run_monitor(resource, node, generation);
  });
}

void Controller::Impl::run_monitor(const std::string& resource, const std::string& node,
                                   std::uint64_t generation) {
  auto it = monitors.find({resource, node});
  if (it == monitors.end() || it->second->generation != generation) return;  // stale
  const model::Resource* r = config->find_resource(resource);
  agents::Agent* agent = pool.get(resource, node);
  if (r == nullptr || agent == nullptr) return;
  if (busy_with(resource)) return arm_monitor(resource, node);  // an action decides now
  const auto timeout = executor::monitor_timeout(*r);
  exec.call([agent, timeout](agents::Handler h) { agent->monitor(timeout, std::move(h)); }, timeout,
            [this, resource, node, generation](agents::Result result) {
              auto current = monitors.find({resource, node});
              if (current == monitors.end() || current->second->generation != generation) return;
              const auto* p = placement(resource, node);
              if (p == nullptr || p->state != model::ResourceState::started) return;
              if (result.ok() || result.status == Status::degraded || busy_with(resource)) {
                return arm_monitor(resource, node);
              }
              const model::Resource* def = config->find_resource(resource);
              const auto on_fail =
                  def ? def->operations.monitor.on_fail.value_or(model::OnFail::restart)
                      : model::OnFail::restart;
              if (on_fail == model::OnFail::ignore) return arm_monitor(resource, node);
              monitors.erase({resource, node});
              // In a cluster the coordinator judges: only it knows whether one of its actions
              // (a migration away, a stop) explains what this monitor saw.
              // It keeps monitoring meanwhile: a verdict it ignores is checked again.
              if (clustered && !is_coordinator()) {
                publish("monitor_failed", {{"resource", resource},
                                           {"node", node},
                                           {"status", static_cast<int>(result.status)},
                                           {"reason", result.reason}});
                return arm_monitor(resource, node);
              }
              operation_failed(resource, node, "monitor", result, on_fail, false);
            });
}

// --- probes ----------------------------------------------------------------------------------

void Controller::Impl::probe(const std::string& resource, const std::string& node,
                             std::function<void()> then) {
  const model::Resource* r = config->find_resource(resource);
  agents::Agent* agent = pool.get(resource, node);
  if (r == nullptr || agent == nullptr) {
    log.error("cannot probe {} on {}: no agent (backend \"{}\")", resource, node,
              r ? r->backend : std::string{"?"});
    return then();
  }
  const auto timeout = executor::monitor_timeout(*r);
  exec.call([agent, timeout](agents::Handler h) { agent->monitor(timeout, std::move(h)); }, timeout,
            [this, resource, node, then = std::move(then)](agents::Result result) {
              if (result.ok() || result.status == Status::degraded) {
                record_placement(resource, node, model::ResourceState::started);
                log.info("probe: {} is running on {}", resource, node);
              } else if (result.status == Status::not_running) {
                record_placement(resource, node, std::nullopt);
              } else {
                record_placement(resource, node, model::ResourceState::failed);
                log.warn("probe: {} on {} is in a failed state: {}", resource, node, result.reason);
              }
              then();
            });
}

void Controller::Impl::probe_all() {
  std::vector<std::pair<std::string, std::string>> work;
  for (const auto& r : config->resources) {
    for (const auto& n : config->nodes) {
      if (state.nodes[n.id].state == model::NodeState::online) work.push_back({r.id, n.id});
    }
  }
  // Planning waits for every answer: a plan made on half the truth could start a second copy.
  probes_in_flight += work.size();
  if (work.empty()) return schedule_plan();
  for (const auto& [resource, node] : work) {
    probe(resource, node, [this] {
      if (--probes_in_flight == 0) schedule_plan();
    });
  }
}

}  // namespace wholesale_ha
