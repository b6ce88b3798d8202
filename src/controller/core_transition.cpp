// Running a transition: each action as soon as what it waits for has succeeded, within the
// node and migration limits (executor::Dispatch); a failed live migration falls back to
// stop + start. Results fold into the replicated state as they come.

#include "core.hpp"

#include <wholesale_ha/executor/executor.hpp>
#include <wholesale_ha/model/enum_names.hpp>
#include <wholesale_ha/policy/shutdown.hpp>

namespace wholesale_ha::core {

using agents::Status;
using executor::Operation;
using policy::ActionKind;

Millis Core::timeout_for(const std::string& resource, ActionKind kind) const {
  const model::Resource* r = find_resource(resource);
  return r ? executor::operation_timeout(*r, kind) : Millis{20'000};
}

void Core::run_transition(policy::Transition t) {
  for (const auto& a : t.actions) {
    if (!a.resource.empty()) acting_.insert(a.resource);
  }
  RunningTransition run;
  run.dispatch = executor::Dispatch(t, settings_.node_concurrency, settings_.migration_limit);
  run.steps.assign(t.actions.size(), Step::primary);
  run.fallback_why.assign(t.actions.size(), std::nullopt);
  run.transition = std::move(t);
  run_ = std::move(run);
  pump();
}

void Core::pump() {
  if (!run_) return;
  for (std::size_t id : run_->dispatch.take_ready()) dispatch_action(id);
  if (!run_->dispatch.over()) return;
  for (std::size_t j : run_->dispatch.leftovers()) {
    action_finished({run_->transition.actions[j],
                     {Status::cancelled, "not run: the transition was aborted to re-plan"},
                     std::nullopt,
                     true});
  }
  transition_over();
}

void Core::dispatch_action(std::size_t id) {
  const policy::Action a = run_->transition.actions[id];
  log_.info("{} ({})", policy::describe(a), a.reason.text);
  notify(ActionStarted{a});
  if (a.kind != ActionKind::fence && find_resource(a.resource) == nullptr) {
    return fail_action_now(id, fmt::format("{} is not in the configuration", a.resource), Status::not_configured);
  }
  if (a.kind == ActionKind::start || a.kind == ActionKind::migrate) {
    if (auto why = start_forbidden()) return fail_action_now(id, *why, Status::cancelled);
  }
  // A coordinator drives runs-anywhere resources itself. Before one may start on a node, every
  // replica learns it may be active there (as failed until it is known to run), so that a
  // coordinator taking over after this one is cut off does not think it runs nowhere.
  const bool arrives = a.kind == ActionKind::start || a.kind == ActionKind::migrate;
  if (arrives && settings_.clustered && runs_anywhere(a.resource)) {
    const std::string& node = a.kind == ActionKind::start ? a.node : *a.target;
    intents_[{a.resource, node}] = id;
    publish(protocol::Placement{a.resource, node, model::ResourceState::failed, std::nullopt});
    return;
  }
  issue_action(id);
}

void Core::issue_action(std::size_t id) {
  const policy::Action& a = run_->transition.actions[id];
  switch (a.kind) {
    case ActionKind::fence:
      issue_fence(a.node, id);
      break;
    case ActionKind::start:
      issue({Operation::Kind::start, a.resource, a.node, {}, timeout_for(a.resource, ActionKind::start)},
            ForAction{id});
      break;
    case ActionKind::stop:
      issue({Operation::Kind::stop, a.resource, a.node, {}, timeout_for(a.resource, ActionKind::stop)},
            ForAction{id});
      break;
    case ActionKind::migrate:
      issue({Operation::Kind::migrate_to, a.resource, a.node, *a.target, timeout_for(a.resource, ActionKind::migrate)},
            ForAction{id});
      break;
  }
}

void Core::intent_recorded(const std::string& resource, const std::string& node) {
  auto it = intents_.find({resource, node});
  if (it == intents_.end()) return;
  const std::size_t id = it->second;
  intents_.erase(it);
  if (!run_) return;
  // Planned before that node said it is leaving: it may leave before anything arrives, so
  // nothing goes there. The intent is withdrawn; the next plan places it elsewhere.
  if (leaving_.contains(node) || left_.contains(node)) {
    record_placement(resource, node, std::nullopt);
    return fail_action_now(id, fmt::format("{} is leaving the cluster", node), Status::cancelled);
  }
  // Planned before a node began to shut down: its shutdown policy now decides.
  if (auto why = shutdown_forbids(run_->transition.actions[id])) {
    record_placement(resource, node, std::nullopt);
    return fail_action_now(id, *why, Status::cancelled);
  }
  issue_action(id);
}

bool Core::start_failure_is_fatal(const model::Resource& resource, const std::string& node) const {
  std::int32_t failures = 0;
  for (const auto& f : state_.failcounts) {
    if (f.resource == resource.id && f.node == node) failures = f.count;
  }
  // This failure is retried in place while the earlier ones stay within max_restart.
  return failures >= model::effective_meta(resource.meta, config_->options.resource_defaults).max_restart;
}

std::optional<std::string> Core::shutdown_forbids(const policy::Action& a) const {
  const model::Resource* r = find_resource(a.resource);
  if (r == nullptr || (a.kind != ActionKind::start && a.kind != ActionKind::migrate)) return std::nullopt;
  if (a.kind == ActionKind::migrate) {
    auto source = state_.nodes.find(a.node);
    if (source != state_.nodes.end() && source->second.shutdown) {
      const auto policy = policy::shutdown_policy(*r, config_->options, *source->second.shutdown);
      if (policy != model::ShutdownPolicy::migrate) {
        return fmt::format("{} is shutting down and {} has shutdown_policy {}: it is not live-migrated", a.node,
                           a.resource, model::to_string(policy));
      }
    }
  }
  const std::string& arrives = a.kind == ActionKind::start ? a.node : *a.target;
  if (auto node = policy::waits_for(state_, a.resource); node && *node != arrives) {
    return fmt::format("{} is frozen with {} (shutdown_policy freeze)", a.resource, *node);
  }
  return std::nullopt;
}

void Core::fail_intents(const std::string& why) {
  for (const auto& [key, id] : std::exchange(intents_, {})) fail_action_now(id, why, Status::cancelled);
}

void Core::fail_action_now(std::size_t id, const std::string& why, agents::Status status) {
  // Answered at the end of the step, as if an operation had failed at once.
  const auto op = next_id_++;
  ops_.emplace(op, Pending{ForAction{id}, {}, false, false});
  immediate_.push_back({op, {status, why}});
}

std::optional<std::string> Core::start_forbidden() const {
  if (!quorate_enough()) return "the partition has no quorum";
  // Without fencing a lost node is never confirmed down: recovery then waits in the policy
  // (fencing_disabled) for what it ran, and the operator accepted the rest of the risk.
  if (!settings_.clustered || !config_->options.stonith_enabled) return std::nullopt;
  for (const auto& [node, status] : state_.nodes) {
    if (status.state == model::NodeState::unclean) return fmt::format("{} is lost and not yet fenced", node);
  }
  return std::nullopt;
}

void Core::action_step_done(std::size_t id, agents::Outcome result) {
  if (!run_) return;
  const policy::Action& a = run_->transition.actions[id];
  Step& step = run_->steps[id];
  if (a.kind != ActionKind::migrate) return complete_action(id, std::move(result));
  auto fall_back = [&](std::string why) {
    // Another coordinator may have acted meanwhile: no stop and start from an old plan. Where
    // it is stays in doubt (both sides failed) until the next plan, made on fresh reports.
    if (run_->superseded) {
      return complete_action(id, {Status::error_generic, why + "; no fallback: this node stopped coordinating"});
    }
    // A source lost meanwhile (the migration hung across a partition) is fenced, not stopped:
    // an operation there cannot be trusted to happen, nor its answer to come back.
    const auto source = state_.nodes[a.node].state;
    if (source == model::NodeState::unclean) {
      return complete_action(id, {Status::error_generic, fmt::format("{}; {} is lost", why, a.node)});
    }
    // The source is back after a membership change and has not reported yet: it may be acting
    // on its own (a stop when it lost quorum). Stopping it too would run two operations on the
    // instance at once; the next plan, made on its report, decides.
    if (!synced_ && awaiting_reports_.contains(a.node) && a.node != settings_.local) {
      return complete_action(id, {Status::error_generic,
                                  fmt::format("{}; no fallback until {} has reported", why, a.node)});
    }
    run_->fallback_why[id] = why;
    if (source == model::NodeState::offline) {
      // It left cleanly, so nothing runs there any more: only the start remains.
      log_.warn("migration of {} from {} to {} failed ({}); {} has left: starting it on {}", a.resource, a.node,
                *a.target, why, a.node, *a.target);
      return start_after_fallback(id);
    }
    log_.warn("migration of {} from {} to {} failed ({}); falling back to stop and start", a.resource, a.node,
              *a.target, why);
    step = Step::fallback_stop;
    issue({Operation::Kind::stop, a.resource, a.node, {}, timeout_for(a.resource, ActionKind::stop)}, ForAction{id});
  };
  switch (step) {
    case Step::primary:
      if (result.status == Status::cancelled) return complete_action(id, std::move(result));  // never began
      if (!result.ok()) return fall_back("migrate_to: " + result.reason);
      step = Step::migrate_from;
      issue({Operation::Kind::migrate_from, a.resource, *a.target, a.node, timeout_for(a.resource, ActionKind::migrate)},
            ForAction{id});
      return;
    case Step::migrate_from:
      if (!result.ok()) return fall_back("migrate_from: " + result.reason);
      return complete_action(id, std::move(result));
    case Step::fallback_stop:
      if (!result.ok()) {
        result.reason = "after a failed migration (" + run_->fallback_why[id].value_or("") + "), stop failed: " + result.reason;
        return complete_action(id, std::move(result));
      }
      // Told at once: if the start never comes, the source must not be stopped again.
      record_placement(a.resource, a.node, std::nullopt);
      return start_after_fallback(id);
    case Step::fallback_start:
      return complete_action(id, std::move(result));
  }
}

void Core::start_after_fallback(std::size_t id) {
  const policy::Action& a = run_->transition.actions[id];
  // The source is stopped and stays known; without quorum, or with the target leaving, the
  // start waits for the next plan.
  if (auto why = start_forbidden()) return complete_action(id, {Status::cancelled, *why});
  if (run_->superseded) return complete_action(id, {Status::cancelled, "this node stopped coordinating"});
  if (leaving_.contains(*a.target) || left_.contains(*a.target)) {
    return complete_action(id, {Status::cancelled, fmt::format("{} is leaving the cluster", *a.target)});
  }
  // Frozen with its node since the migration was planned: it waits for that node now.
  policy::Action start = a;
  start.kind = ActionKind::start;
  start.node = *a.target;
  if (auto why = shutdown_forbids(start)) return complete_action(id, {Status::cancelled, *why});
  run_->steps[id] = Step::fallback_start;
  issue({Operation::Kind::start, a.resource, *a.target, {}, timeout_for(a.resource, ActionKind::start)}, ForAction{id});
}

void Core::complete_action(std::size_t id, agents::Outcome result) {
  const policy::Action a = run_->transition.actions[id];
  const bool ok = result.ok();
  if (ok) {
    log_.info("{} succeeded{}", policy::describe(a), result.reason.empty() ? "" : ": " + result.reason);
  } else {
    log_.error("{} failed: {} ({})", policy::describe(a), agents::to_string(result.status), result.reason);
  }
  const auto skipped = run_->dispatch.finish(id, ok);
  // Refused before it reached an agent (no quorum, a lost node not yet fenced): nothing
  // failed, so no failcount; the next plan tries again.
  const bool refused = result.status == Status::cancelled;
  const bool source_stopped = run_->steps[id] == Step::fallback_start;
  action_finished({a, std::move(result), run_->fallback_why[id], refused}, source_stopped);
  for (std::size_t j : skipped) {
    action_finished({run_->transition.actions[j],
                     {Status::cancelled, fmt::format("not run: {} failed", policy::describe(a))},
                     std::nullopt,
                     true});
  }
  pump();
}

void Core::transition_over() {
  const bool complete = run_->dispatch.complete();
  run_.reset();
  acting_.clear();
  sync_monitors();
  if (!quorate_enough()) stop_without_quorum();
  flush_reports();
  if (stopping_) {
    running_ = false;
    log_.info("stopped; resources are left as they are");
    notify(Stopped{});
    return;
  }
  if (std::exchange(resync_after_run_, false) && is_coordinator()) begin_sync();
  const bool aborted_for_news = std::exchange(replan_pending_, false) || !synced_;
  if (complete || aborted_for_news) {
    retry_delay_ = Millis{0};
    plan_wanted_ = true;
    return;
  }
  // Failures: back off before trying again, so a broken agent or fence device is not
  // hammered in a tight loop.
  retry_delay_ = std::min(settings_.max_retry_delay, retry_delay_.count() == 0 ? settings_.retry_delay : retry_delay_ * 2);
  log_.warn("the transition had failures; re-planning in {}ms", retry_delay_.count());
  arm(retry_delay_, RetryPlan{++retry_generation_});
}

void Core::action_finished(const executor::ActionResult& r, bool source_stopped) {
  notify(ActionFinished{r});
  if (r.skipped) return;
  const auto& a = r.action;
  const model::Resource* resource = a.resource.empty() ? nullptr : find_resource(a.resource);
  switch (a.kind) {
    case ActionKind::fence:
      if (r.result.ok()) {
        // What waits for this fence may go at once, before the news comes round.
        fenced_.insert(a.node);
        fence_requested_.erase(a.node);
        state_.nodes[a.node].state = model::NodeState::offline;
        drop_node_placements(a.node);
        publish(protocol::Fenced{a.node});
        // What was probed before the fence may have changed since: an operation the fenced
        // node drove (a migration, as coordinator) could have ended in between. Ask again
        // before anything starts.
        if (settings_.clustered && run_) {
          resync_after_run_ = true;
          run_->dispatch.abort();
        }
      } else {
        log_.error("FENCING {} FAILED: {}. Its resources are NOT recovered until it is fenced or confirmed down.",
                   a.node, r.result.reason);
      }
      return;
    case ActionKind::start:
      if (r.result.ok()) {
        record_placement(a.resource, a.node, model::ResourceState::started);
        forget_repairs(a.resource);
      } else if (resource != nullptr) {
        operation_failed(a.resource, a.node, "start", r.result,
                         resource->operations.start.on_fail.value_or(model::OnFail::restart),
                         start_failure_is_fatal(*resource, a.node));
      }
      return;
    case ActionKind::stop:
      if (r.result.ok()) {
        record_placement(a.resource, a.node, std::nullopt);
      } else if (left_.contains(a.node)) {
        // The node left cleanly, which it does only once nothing runs there: the request or
        // its answer was lost on the way (a partition), not the stop. No fencing.
        log_.info("{} left the cluster cleanly since: {} is stopped there", a.node, a.resource);
        record_placement(a.resource, a.node, std::nullopt);
      } else if (resource != nullptr) {
        const auto fallback = config_->options.stonith_enabled ? model::OnFail::fence : model::OnFail::block;
        operation_failed(a.resource, a.node, "stop", r.result, resource->operations.stop.on_fail.value_or(fallback),
                         false);
      }
      return;
    case ActionKind::migrate:
      if (r.result.ok()) {
        publish(protocol::Placement{a.resource, *a.target, model::ResourceState::started, a.node});
        forget_repairs(a.resource);
        if (r.fallback) log_.warn("{} moved by stop and start after: {}", a.resource, *r.fallback);
      } else if (resource != nullptr && source_stopped) {
        // The fallback stopped it at the source; only its start on the target failed.
        record_placement(a.resource, *a.target, model::ResourceState::failed);
        operation_failed(a.resource, *a.target, "start", r.result,
                         resource->operations.start.on_fail.value_or(model::OnFail::restart),
                         start_failure_is_fatal(*resource, *a.target));
      } else if (resource != nullptr) {
        // Where it is now is uncertain: mark both sides failed; the policy stops it on both
        // (a stop of something stopped succeeds) and starts it once.
        record_placement(a.resource, a.node, model::ResourceState::failed);
        record_placement(a.resource, *a.target, model::ResourceState::failed);
        operation_failed(a.resource, a.node, "migrate", r.result,
                         resource->operations.migrate.on_fail.value_or(model::OnFail::restart), false);
      }
      return;
  }
}

}  // namespace wholesale_ha::core
