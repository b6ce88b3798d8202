// The live state as a replicated log: every change is a message. In-process it is applied at
// once; in a cluster every member applies the same messages in the same total order (CPG's
// virtual synchrony), so each holds the same state and any can take over as coordinator.

#include "core.hpp"

#include <algorithm>

#include <wholesale_ha/model/enum_names.hpp>
#include <wholesale_ha/policy/maintenance.hpp>
#include <wholesale_ha/policy/shutdown.hpp>
#include <wholesale_ha/utf8.hpp>

namespace wholesale_ha::core {
namespace {

/// Messages that change the replicated state (the rest ask or answer).
bool changes_state(std::string_view type) {
  return type == "placement" || type == "failure" || type == "failures_cleared" || type == "attribute" ||
         type == "fence_request" || type == "fenced" || type == "config" || type == "leaving" || type == "left" ||
         type == "maintenance";
}

}  // namespace

void Core::publish(protocol::Message message) {
  if (!settings_.clustered) return apply(settings_.local, std::move(message));
  const std::string_view type = protocol::type_name(message);
  if (changes_state(type)) ++unconfirmed_;
  notify(Broadcast{std::string(type), protocol::encode_body(message)});
}

void Core::on(const Delivered& e) {
  if (!e.message) return;
  const auto& m = *e.message;
  if (!running_) return;
  const bool caught_up =
      m.from == settings_.local && changes_state(m.type) && unconfirmed_ > 0 && --unconfirmed_ == 0;
  if (caught_up) plan_wanted_ = !stopping_;
  auto decoded = protocol::decode(m.type, m.body, *known_);
  if (!decoded.message) {
    log_.warn("rejected a \"{}\" message from {}: {}", valid_utf8(m.type), valid_utf8(m.from), decoded.error);
    return;
  }
  const auto* intent = std::get_if<protocol::Placement>(&*decoded.message);
  const bool own_intent = m.from == settings_.local && intent != nullptr &&
                          intent->state == model::ResourceState::failed && !intent->from;
  const auto key = own_intent ? std::pair{intent->resource, intent->node} : std::pair<std::string, std::string>{};
  // Without quorum nothing may run here: news that something started here (an operation the
  // coordinator issued before quorum was lost, ending now) is stopped too.
  if (intent != nullptr && intent->node == settings_.local && intent->state == model::ResourceState::started &&
      !quorate_enough()) {
    quorum_stop_pending_ = true;
  }
  apply(m.from, std::move(*decoded.message));
  if (own_intent) intent_recorded(key.first, key.second);
  if (caught_up && quorum_stop_pending_ && !quorate_enough()) stop_without_quorum();
}

void Core::apply(const std::string& from, protocol::Message message) {
  using namespace protocol;
  bool replan = true;
  bool placements_changed = false;
  std::visit(
      [&](auto& m) {
        using M = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<M, Placement>) {
          if (m.from) remove_placement(m.resource, *m.from);
          if (!m.state) {
            remove_placement(m.resource, m.node);
          } else {
            set_placement(m.resource, m.node, *m.state);
            if (*m.state != model::ResourceState::started) monitors_.erase({m.resource, m.node});
          }
          sync_monitor(m.resource, m.node);
        } else if constexpr (std::is_same_v<M, Failure>) {
          auto it = std::find_if(state_.failcounts.begin(), state_.failcounts.end(),
                                 [&](const auto& f) { return f.resource == m.resource && f.node == m.node; });
          if (it == state_.failcounts.end()) it = state_.failcounts.insert(it, {m.resource, m.node, 0, 0});
          it->count = m.count;
          it->last_failure = m.last_failure;
        } else if constexpr (std::is_same_v<M, FailuresCleared>) {
          std::erase_if(state_.failcounts,
                        [&](const auto& f) { return f.resource == m.resource && (!m.node || f.node == *m.node); });
          std::erase_if(repairs_used_, [&](const auto& entry) {
            return entry.first.first == m.resource && (!m.node || entry.first.second == *m.node);
          });
          // A cleanup also releases a resource waiting for its node (shutdown_policy freeze).
          std::erase_if(state_.frozen,
                        [&](const auto& f) { return f.resource == m.resource && (!m.node || f.node == *m.node); });
        } else if constexpr (std::is_same_v<M, Attribute>) {
          auto& attributes = state_.nodes[m.node].attributes;
          if (m.value) {
            attributes[m.name] = *m.value;
          } else {
            attributes.erase(m.name);
          }
          if (m.name.starts_with("#health-")) {
            log_.info("node {} health: {} = {}", m.node, m.name, m.value.value_or("(removed)"));
            health_changed(m.node);
          }
        } else if constexpr (std::is_same_v<M, FenceRequest>) {
          fence_requested_.insert(m.node);
          state_.nodes[m.node].state = model::NodeState::unclean;
        } else if constexpr (std::is_same_v<M, Fenced>) {
          fence_requested_.erase(m.node);
          fenced_.insert(m.node);
          state_.nodes[m.node].state = model::NodeState::offline;
          drop_node_placements(m.node);
          // Lost rather than shut down: what waited for it is recovered elsewhere.
          std::erase_if(state_.frozen, [&](const auto& f) { return f.node == m.node; });
          placements_changed = true;
        } else if constexpr (std::is_same_v<M, ConfigChange>) {
          set_config(std::make_shared<const model::Config>(std::move(m.config)));
          std::erase_if(state_.failcounts, [&](const auto& f) { return find_resource(f.resource) == nullptr; });
          auto gone = [&](const auto& f) { return find_resource(f.resource) == nullptr || config_->find_node(f.node) == nullptr; };
          std::erase_if(state_.frozen, gone);
          std::erase_if(state_.returns, gone);
          std::erase_if(state_.last_node, [&](const auto& entry) { return find_resource(entry.first) == nullptr; });
          stop_orphans();
          placements_changed = true;
        } else if constexpr (std::is_same_v<M, MonitorFailed>) {
          replan = false;
          if (is_coordinator()) monitor_failed_on_member(m);
        } else if constexpr (std::is_same_v<M, OpRequest>) {
          replan = false;
          serve(from, m);
        } else if constexpr (std::is_same_v<M, OpResult>) {
          replan = false;
          answered(m);
        } else if constexpr (std::is_same_v<M, SyncRequest>) {
          replan = false;
          report_local(m.round, from);
        } else if constexpr (std::is_same_v<M, SyncBusy>) {
          replan = false;
          if (m.round == sync_round_ && awaiting_reports_.contains(m.node)) busy_reporters_.insert(m.node);
        } else if constexpr (std::is_same_v<M, NodeReport>) {
          replan = false;
          report_received(m);
          if (leave_requested_) maybe_left();
        } else if constexpr (std::is_same_v<M, Leaving>) {
          if (leaving_.insert(m.node).second) {
            log_.info("node {} is leaving the cluster ({})", m.node, model::to_string(m.kind));
          }
          policy::begin_shutdown(state_, *config_, m.node, m.kind);
          placements_changed = true;
        } else if constexpr (std::is_same_v<M, Maintenance>) {
          log_.info("node {}: maintenance mode {}", m.node,
                    m.on ? "on: it is evacuated" : "off: what left it for the maintenance returns");
          if (m.on) {
            policy::begin_maintenance(state_, *config_, m.node);
          } else {
            policy::end_maintenance(state_, m.node);
          }
        } else if constexpr (std::is_same_v<M, Left>) {
          left_.insert(m.node);
          log_.info("node {} left the cluster cleanly", m.node);
          if (m.node == settings_.local && leave_requested_) {
            running_ = false;
            monitors_.clear();
            notify(LeftCluster{});
          }
        }
      },
      message);
  if (!replan || !running_) return;
  is_idle_ = false;
  // Only where resources run decides which monitors this node keeps.
  if (placements_changed) sync_monitors();
  if (leave_requested_) maybe_left();
  // Results of the transition that is running are folded in without interrupting it (it
  // re-plans when it ends); anything else is news that warrants re-planning now.
  const bool result_of_running_transition =
      run_ && (std::holds_alternative<Placement>(message) || std::holds_alternative<Failure>(message) ||
               std::holds_alternative<Fenced>(message));
  if (!result_of_running_transition) plan_wanted_ = !stopping_;
}

void Core::record_placement(const std::string& resource, const std::string& node, std::optional<model::ResourceState> s) {
  publish(protocol::Placement{resource, node, s});
}

std::int32_t Core::record_failure(const std::string& resource, const std::string& node, bool fatal) {
  std::int32_t count = 0;
  for (const auto& f : state_.failcounts) {
    if (f.resource == resource && f.node == node) count = f.count;
  }
  count = fatal ? model::kInfinity : std::min(count + 1, model::kInfinity);
  publish(protocol::Failure{resource, node, count, now_.wall});
  return count;
}

model::ResourcePlacement* Core::placement(const std::string& resource, const std::string& node) {
  auto it = std::find_if(state_.resources.begin(), state_.resources.end(),
                         [&](const auto& p) { return p.resource == resource && p.node == node; });
  return it == state_.resources.end() ? nullptr : &*it;
}

void Core::set_placement(const std::string& resource, const std::string& node, model::ResourceState s) {
  if (auto* p = placement(resource, node)) {
    p->state = s;
  } else {
    state_.resources.push_back({resource, node, s});
  }
  if (s == model::ResourceState::started) state_.last_node.erase(resource);
  // Started on a node that stays: it no longer waits for the node it was frozen with, and
  // back where it left for a maintenance that is over, it no longer returns there. (A probe
  // finding it still on a node being emptied is neither.)
  const auto& status = state_.nodes[node];
  if (s == model::ResourceState::started && !status.shutdown) {
    if (!state_.frozen.empty()) policy::forget_frozen(state_, resource);
    if (!state_.returns.empty() && !status.evacuate) policy::arrived(state_, resource, node);
  }
}

void Core::remove_placement(const std::string& resource, const std::string& node) {
  // It ran there (not merely probed as stopped) and now runs nowhere: remember where, unless a
  // reload removed it.
  monitors_.erase({resource, node});
  if (model::remove_placement(state_, resource, node) && find_resource(resource) == nullptr) {
    state_.last_node.erase(resource);
  }
}

void Core::drop_node_placements(const std::string& node) {
  model::drop_placements(state_, node);
  std::erase_if(monitors_, [&](const auto& entry) { return entry.first.second == node; });
}

void Core::health_changed(const std::string& node) {
  model::Attributes health;
  for (const auto& [k, v] : state_.nodes[node].attributes) {
    if (k.starts_with("#health-")) health.emplace(k, v);
  }
  notify(HealthChanged{node, std::move(health)});
}

}  // namespace wholesale_ha::core
