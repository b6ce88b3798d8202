#include <algorithm>
#include <chrono>

#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include <wholesale_ha/membership/in_process.hpp>
#include <wholesale_ha/model/enum_names.hpp>
#include <wholesale_ha/policy/planner.hpp>

#include "controller_impl.hpp"
#include "simulated_fencer.hpp"

namespace wholesale_ha {

namespace asio = boost::asio;

namespace {

/// The fencer to use: the application's, else a simulated power-off for in-process nodes,
/// else none (fence actions then fail, which blocks recovery and says why).
std::shared_ptr<fencing::Fencer> choose_fencer(Controller::Impl& impl,
                                               const std::shared_ptr<fencing::Fencer>& given,
                                               membership::Membership& members) {
  if (given) return given;
  if (auto* in_process = dynamic_cast<membership::InProcessMembership*>(&members)) {
    return std::make_shared<SimulatedPowerOff>(impl, *in_process);
  }
  return nullptr;
}

}  // namespace

Controller::Impl::Impl(Controller& owner, asio::any_io_executor executor, model::Config cfg,
                       std::shared_ptr<membership::Membership> members, agents::Registry& reg,
                       ControllerOptions opts)
    : self(owner),
      ex(executor),
      log(opts.logger.child("controller")),
      config(std::make_shared<const model::Config>(std::move(cfg))),
      membership(std::move(members)),
      registry(reg),
      options(std::move(opts)),
      pool(executor, reg),
      fencer(choose_fencer(*this, options.fencer, *membership)),
      exec(executor, options.logger.child("executor"), cluster_runner, fencer.get(), options.executor),
      sync_timer(executor),
      retry_timer(executor) {
  pool.set_config(*config);
  clustered = dynamic_cast<membership::InProcessMembership*>(membership.get()) == nullptr;
  local = membership->local_node();
}

model::Timestamp Controller::Impl::now() const {
  if (options.clock) return options.clock();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void Controller::Impl::start() {
  if (running) return;
  running = true;
  stopping = false;
  started_at = std::chrono::steady_clock::now();
  membership_connection = membership->on_view_changed.subscribe([this](const membership::View& v) {
    apply_view(v);
    self.on_membership_changed.emit(v);
    if (clustered && is_coordinator()) begin_sync();
    schedule_plan();
  });
  if (clustered) {
    message_connection = membership->on_message.subscribe([this](const membership::Message& m) { handle(m); });
    local = membership->local_node();
    view.quorate = false;  // what has not been seen is not a quorum that could be lost
  }
  apply_view(membership->view());
  if (clustered) {
    log.info("starting as {} in a cluster of {} configured nodes; {}", local, config->nodes.size(),
             is_coordinator() ? "coordinating" : "waiting for the coordinator");
    if (is_coordinator()) begin_sync();
    return;
  }
  log.info("starting: {} nodes, {} resources; probing what already runs", config->nodes.size(),
           config->resources.size());
  probe_all();
}

void Controller::Impl::stop(std::function<void()> done) {
  if (!running) {
    if (done) asio::post(ex, std::move(done));
    return;
  }
  stopping = true;
  stop_done = std::move(done);
  membership_connection.disconnect();
  message_connection.disconnect();
  retry_timer.cancel();
  sync_timer.cancel();
  for (auto& [key, monitor] : monitors) monitor->timer.cancel();
  monitors.clear();
  if (exec.busy()) {
    exec.abort();  // transition_done() finishes the stop
    return;
  }
  running = false;
  log.info("stopped; resources are left as they are");
  if (stop_done) asio::post(ex, std::exchange(stop_done, nullptr));
}

void Controller::Impl::schedule_plan() {
  if (!running || stopping || plan_posted) return;
  plan_posted = true;
  asio::post(ex, [this] {
    plan_posted = false;
    plan_now();
  });
}

void Controller::Impl::plan_now() {
  if (!running || stopping) return;
  // In a cluster only the coordinator plans, and only once every member has reported.
  if (clustered && (!is_coordinator() || !synced)) return;
  if (probes_in_flight > 0) return;  // probe_all() plans when the last answer is in
  if (exec.busy()) {
    // Something changed while a transition runs: finish what is in flight, then re-plan.
    replan_pending = true;
    exec.abort();
    return;
  }
  state.now = now();
  policy::Transition t = policy::plan(state, *config);
  for (const auto& notice : t.notices) {
    log.warn("{}{}", notice.resource.empty() ? "" : notice.resource + ": ", notice.reason.text);
  }
  if (t.empty()) {
    sync_monitors();
    if (!is_idle) {
      is_idle = true;
      log.info("converged: nothing to do");
      self.on_idle.emit();
    }
    return;
  }
  is_idle = false;
  log.info("transition with {} action(s)", t.actions.size());
  self.on_transition_planned.emit(t);
  for (const auto& a : t.actions) {
    if (!a.resource.empty()) acting.insert(a.resource);
  }
  exec.run(std::move(t), config,
           {.started = [this](const policy::Action& a) { self.on_action_started.emit(a); },
            .finished = [this](const executor::ActionResult& r) { action_finished(r); },
            .done = [this](bool complete) { transition_done(complete); }});
}

void Controller::Impl::transition_done(bool complete) {
  acting.clear();
  sync_monitors();
  if (stopping) {
    running = false;
    log.info("stopped; resources are left as they are");
    if (stop_done) asio::post(ex, std::exchange(stop_done, nullptr));
    return;
  }
  const bool aborted_for_news = std::exchange(replan_pending, false);
  if (complete || aborted_for_news) {
    retry_delay = std::chrono::milliseconds{0};
    return schedule_plan();
  }
  // Failures: back off before trying again, so a broken agent or fence device is not
  // hammered in a tight loop.
  retry_delay = std::min(options.max_retry_delay,
                         retry_delay.count() == 0 ? options.retry_delay : retry_delay * 2);
  log.warn("the transition had failures; re-planning in {}ms", retry_delay.count());
  retry_timer.expires_after(retry_delay);
  retry_timer.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) schedule_plan();
  });
}

void Controller::Impl::apply_view(const membership::View& next) {
  const bool lost_quorum = clustered && view.quorate && !next.quorate;
  const bool was_coordinator = is_coordinator();
  // Back in the cluster after losing our own connection (corosync restarted): what we knew of
  // the others is void, and they may be reconnecting too, so they get the startup grace
  // again instead of being fenced for joining a moment after us.
  const bool rejoined = clustered && view.state_of(local) != model::NodeState::online &&
                        next.state_of(local) == model::NodeState::online;
  if (rejoined) {
    started_at = std::chrono::steady_clock::now();
    seen_online.clear();
  }
  view = next;
  state.quorate = view.quorate;
  if (clustered && was_coordinator && !is_coordinator() && exec.busy()) exec.abort();
  if (lost_quorum) quorum_lost_locally();
  for (const auto& node : config->nodes) {
    model::NodeState s = view.state_of(node.id);
    if (s == model::NodeState::online) {
      seen_online.insert(node.id);
      fenced.erase(node.id);
      if (fence_requested.contains(node.id)) s = model::NodeState::unclean;
    } else if (s == model::NodeState::unclean && fenced.contains(node.id)) {
      s = model::NodeState::offline;
    }
    auto& status = state.nodes[node.id];
    if (status.state != s) {
      log.info("node {} is now {}", node.id, model::to_string(s));
    }
    status.state = s;
    if (s == model::NodeState::offline) drop_node_placements(node.id);
  }
}

// --- the facade -------------------------------------------------------------------------------

Controller::Controller(asio::any_io_executor executor, model::Config config,
                       std::shared_ptr<membership::Membership> membership,
                       agents::Registry& registry, ControllerOptions options)
    : impl_(std::make_unique<Impl>(*this, std::move(executor), std::move(config),
                                   std::move(membership), registry, std::move(options))) {}

Controller::~Controller() = default;

void Controller::start() { impl_->start(); }
void Controller::stop(std::function<void()> done) { impl_->stop(std::move(done)); }
const model::Config& Controller::config() const { return *impl_->config; }
const model::ClusterState& Controller::state() const { return impl_->state; }
bool Controller::idle() const { return impl_->is_idle && !impl_->exec.busy(); }

}  // namespace wholesale_ha
