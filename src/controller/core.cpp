// The core's lifecycle, the converge loop (plan → run → re-plan) and membership views.

#include "core.hpp"

#include <algorithm>

#include <wholesale_ha/model/enum_names.hpp>
#include <wholesale_ha/policy/planner.hpp>

namespace wholesale_ha::core {

Core::Core(Settings settings, model::Config config, Logger logger)
    : settings_(std::move(settings)), log_(std::move(logger)) {
  set_config(std::make_shared<const model::Config>(std::move(config)));
}

void Core::set_config(std::shared_ptr<const model::Config> config) {
  config_ = std::move(config);
  resource_index_.clear();
  resource_index_.reserve(config_->resources.size());
  for (const auto& r : config_->resources) resource_index_.emplace(r.id, &r);
  known_.emplace(*config_);
}

const model::Resource* Core::find_resource(const std::string& id) const {
  auto it = resource_index_.find(id);
  return it == resource_index_.end() ? nullptr : it->second;
}

Effects Core::step(const Event& event, Now now) {
  Effects out;
  out_ = &out;
  now_ = now;
  std::visit([this](const auto& e) { on(e); }, event);
  finish_deferred();
  out_ = nullptr;
  return out;
}

void Core::finish_deferred() {
  // Immediate answers first, then one plan for everything this step changed. Each round
  // either consumes an answer or plans once, and a plan only queues answers for operations
  // it issued, so this ends; the bound is a guard, not a budget.
  for (int round = 0; round < 100'000; ++round) {
    if (!immediate_.empty()) {
      OpDone done = std::move(immediate_.front());
      immediate_.pop_front();
      op_done(done.id, std::move(done.result));
      continue;
    }
    if (!plan_wanted_) return;
    plan_wanted_ = false;
    plan_now();
  }
  log_.error("the controller core did not settle within one step; resuming at the next event");
}

std::uint64_t Core::arm(Millis after, TimerPurpose purpose) {
  const auto id = next_id_++;
  timers_.emplace(id, std::move(purpose));
  notify(ArmTimer{id, after});
  return id;
}

// --- lifecycle -----------------------------------------------------------------------------------

void Core::on(const Start& e) {
  if (running_) return;
  running_ = true;
  stopping_ = false;
  started_at_ = now_.steady;
  // A membership learns who this node is when it connects, which may be after construction.
  if (!e.local.empty()) settings_.local = e.local;
  if (settings_.clustered) view_.quorate = false;  // what has not been seen is not a quorum that could be lost
  apply_view(e.view);
  if (settings_.clustered) {
    log_.info("starting as {} in a cluster of {} configured nodes; {}", settings_.local, config_->nodes.size(),
              is_coordinator() ? "coordinating" : "waiting for the coordinator");
    if (is_coordinator()) begin_sync();
    return;
  }
  log_.info("starting: {} nodes, {} resources; probing what already runs", config_->nodes.size(),
            config_->resources.size());
  probe_all();
}

void Core::on(const Stop&) {
  if (!running_) {
    notify(Stopped{});
    return;
  }
  stopping_ = true;
  monitors_.clear();
  if (run_) {
    run_->dispatch.abort();  // transition_over() finishes the stop
    pump();
    return;
  }
  running_ = false;
  log_.info("stopped; resources are left as they are");
  notify(Stopped{});
}

void Core::on(const Leave& e) {
  if (!running_ || stopping_) return;
  if (!settings_.clustered) {
    on(Stop{});
    notify(LeftCluster{});
    return;
  }
  log_.info("leaving the cluster ({}): this node's resources follow their shutdown policy first",
            model::to_string(e.kind));
  leave_requested_ = true;
  leave_kind_ = e.kind;
  publish(protocol::Leaving{settings_.local, e.kind});
}

void Core::on(const TimerFired& e) {
  auto it = timers_.find(e.id);
  if (it == timers_.end()) return;
  TimerPurpose purpose = std::move(it->second);
  timers_.erase(it);
  if (const auto* d = std::get_if<Deadline>(&purpose)) {
    auto op = ops_.find(d->op);
    if (op == ops_.end()) return;
    const auto limit = op->second.fence ? settings_.fence_timeout : op->second.op.timeout;
    return op_done(d->op, {agents::Status::timed_out,
                           fmt::format("the agent did not answer within {}ms; it is treated as hung",
                                       (limit + settings_.answer_grace).count())});
  }
  if (const auto* m = std::get_if<MonitorDue>(&purpose)) return run_monitor(m->resource, m->node, m->generation);
  if (const auto* r = std::get_if<RetryPlan>(&purpose)) {
    if (r->generation == retry_generation_ && running_ && !stopping_) plan_wanted_ = true;
    return;
  }
  if (const auto* s = std::get_if<SyncTimeout>(&purpose)) {
    if (s->round != sync_round_ || synced_ || !running_) return;
    std::vector<std::string> busy;
    for (const auto& n : awaiting_reports_) {
      if (busy_reporters_.contains(n) && view_.state_of(n) == model::NodeState::online) busy.push_back(n);
    }
    if (!busy.empty()) {
      log_.info("waiting for {} to finish operations before reporting", fmt::join(busy, ", "));
      arm(settings_.sync_timeout, SyncTimeout{sync_round_});
      return;
    }
    std::vector<std::string> silent;
    for (const auto& n : awaiting_reports_) {
      if (n != settings_.local) silent.push_back(n);
    }
    if (!silent.empty()) {
      log_.warn("no report from {} within {}ms; planning without it", fmt::join(silent, ", "),
                settings_.sync_timeout.count());
      for (const auto& n : silent) awaiting_reports_.erase(n);
    }
    // The coordinator's own report is what it drives on every host: never plan without it.
    // It probes last, so it may only now start; its probes have deadlines of their own.
    if (awaiting_reports_.contains(settings_.local)) return flush_reports();
    synced_ = true;
    plan_wanted_ = true;
  }
}

void Core::on(const OpDone& e) { op_done(e.id, e.result); }

void Core::on(const AgentNotice& e) {
  auto it = monitors_.find({e.resource, e.node});
  if (it != monitors_.end()) run_monitor(e.resource, e.node, it->second.generation);
}

void Core::on(const SendFailed& e) {
  log_.error("cannot share a {} change with the cluster: {}", e.type, e.why);
  // It will not come back: do not wait for it before planning, nor to act on it.
  if (unconfirmed_ > 0) --unconfirmed_;
  fail_intents("could not tell the cluster: " + e.why);
  // What this node saw its own operations (or probes, for its report) do is still true here;
  // the others learn it from its next report.
  if (e.type == "placement" || e.type == "failure" || e.type == "fenced" || e.type == "node_report") {
    auto decoded = protocol::decode(e.type, e.body, *known_);
    if (decoded.message) apply(settings_.local, std::move(*decoded.message));
  }
  if (unconfirmed_ == 0 && running_ && !stopping_) plan_wanted_ = true;
}

// --- the converge loop ---------------------------------------------------------------------------

void Core::plan_now() {
  if (!running_ || stopping_) return;
  // In a cluster only the coordinator plans, and only once every member has reported.
  if (settings_.clustered && (!is_coordinator() || !synced_)) return;
  if (probes_in_flight_ > 0) return;  // the last probe's answer plans again
  if (!repairing_.empty()) return;    // the last repair's answer plans again
  if (unconfirmed_ > 0) return;       // the last of our changes to come back plans again
  if (run_) {
    // Something changed while a transition runs: finish what is in flight, then re-plan.
    replan_pending_ = true;
    run_->dispatch.abort();
    pump();
    return;
  }
  state_.now = now_.wall;
  // A node leaving cleanly is marked in the state (shutdown): the policy empties it.
  policy::Transition t = policy::plan(state_, *config_);
  notify(Planned{t.actions.size()});
  if (!emptying_.empty()) report_emptied(&t);
  for (const auto& notice : t.notices) {
    log_.warn("{}{}", notice.resource.empty() ? "" : notice.resource + ": ", notice.reason.text);
  }
  if (t.empty()) {
    sync_monitors();
    if (!is_idle_) {
      is_idle_ = true;
      log_.info("converged: nothing to do");
      check_failover_capacity();
      notify(Idle{});
    }
    maybe_left();
    return;
  }
  if (settings_.clustered) fence_before_any_start(t);
  is_idle_ = false;
  log_.info("transition with {} action(s)", t.actions.size());
  notify(TransitionPlanned{t});
  run_transition(std::move(t));
}

void Core::fence_before_any_start(policy::Transition& t) const {
  // A lost node may have started something just before it was cut off, and the news of it
  // never reached us (a coordinator acts on itself at once). Until it is fenced, nothing
  // starts anywhere: a second copy cannot be ruled out otherwise.
  std::vector<std::size_t> fences;
  for (const auto& a : t.actions) {
    if (a.kind == policy::ActionKind::fence) fences.push_back(a.id);
  }
  if (fences.empty()) return;
  for (const auto& a : t.actions) {
    if (a.kind != policy::ActionKind::start && a.kind != policy::ActionKind::migrate) continue;
    for (std::size_t f : fences) {
      const policy::Edge e{f, a.id};
      if (std::find(t.edges.begin(), t.edges.end(), e) == t.edges.end()) t.edges.push_back(e);
    }
  }
}

// --- membership ----------------------------------------------------------------------------------

void Core::on(const ViewChanged& e) {
  if (!running_) return;
  apply_view(e.view);
  notify(MembershipChanged{e.view});
  if (settings_.clustered && is_coordinator()) begin_sync();
  plan_wanted_ = !stopping_;
}

void Core::apply_view(const membership::View& next) {
  const bool was_quorate = view_.quorate;
  const bool lost_quorum = settings_.clustered && view_.quorate && !next.quorate;
  const bool was_coordinator = is_coordinator();
  // Back in the cluster after losing our own connection (corosync restarted): what we knew of
  // the others is void, and they may be reconnecting too, so they get the startup grace
  // again instead of being fenced for joining a moment after us. What we sent before may
  // never come back.
  const bool rejoined = settings_.clustered && view_.state_of(settings_.local) != model::NodeState::online &&
                        next.state_of(settings_.local) == model::NodeState::online;
  if (rejoined) {
    started_at_ = now_.steady;
    seen_online_.clear();
    unconfirmed_ = 0;
  }
  view_ = next;
  state_.quorate = view_.quorate;
  // After a membership change, what the coordinator drives here is known again only from its
  // next report (a migration here may have ended while this node was cut off).
  if (settings_.clustered) driven_known_ = false;
  if (settings_.clustered && (rejoined || (was_coordinator && !is_coordinator()))) {
    fail_intents("no longer coordinating");
  }
  if (settings_.clustered && run_ && (rejoined || (was_coordinator && !is_coordinator()))) {
    run_->superseded = true;
    run_->dispatch.abort();
    pump();
  }
  if (lost_quorum) quorum_lost_locally();
  for (const auto& node : config_->nodes) {
    model::NodeState s = view_.state_of(node.id);
    auto& status = state_.nodes[node.id];
    if (s == model::NodeState::online) {
      if (status.state != model::NodeState::online) {
        // Back after being away: whatever it announced before is over. (This member's own
        // leave outlives losing its connection; in-process every node is simulated alike.)
        left_.erase(node.id);
        if (node.id != settings_.local || !settings_.clustered) {
          leaving_.erase(node.id);
          status.shutdown.reset();
        }
      }
      seen_online_.insert(node.id);
      fenced_.erase(node.id);
      if (fence_requested_.contains(node.id)) s = model::NodeState::unclean;
    } else if (left_.contains(node.id) || fenced_.contains(node.id)) {
      s = model::NodeState::offline;  // left cleanly running nothing, or fenced: not a loss
    }
    if (status.state != s) log_.info("node {} is now {}", node.id, model::to_string(s));
    status.state = s;
    if (s == model::NodeState::offline) drop_node_placements(node.id);
  }
  // A leave announced where the others could not hear it (no connection, no quorum) is
  // announced again, and the node leaves only once they have heard it: until then the
  // coordinator may still place things here.
  const bool regained_quorum = settings_.clustered && !was_quorate && view_.quorate;
  if (leave_requested_ && !left_announced_ && (rejoined || regained_quorum)) {
    leaving_.erase(settings_.local);
    publish(protocol::Leaving{settings_.local, leave_kind_});
  }
  if (!emptying_.empty()) report_emptied(nullptr);
}

}  // namespace wholesale_ha::core
