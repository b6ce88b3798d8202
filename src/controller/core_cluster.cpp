// Cluster mode: one coordinator plans and drives; every node runs the operations on its own
// resources and reports what it runs. After every membership change the coordinator asks all
// members for a report (a re-probe) and plans only once it has them, so a new coordinator
// knows the truth before it acts and nothing is started twice.

#include "core.hpp"

#include <algorithm>

#include <wholesale_ha/executor/executor.hpp>
#include <wholesale_ha/model/enum_names.hpp>

namespace wholesale_ha::core {

using executor::Operation;

bool Core::is_coordinator() const {
  if (!settings_.clustered) return true;
  if (!view_.coordinator.empty()) return view_.coordinator == settings_.local;
  // Without quorum nobody coordinates, unless the policy says to carry on regardless.
  if (config_->options.no_quorum_policy != model::NoQuorumPolicy::ignore) return false;
  for (const auto& n : view_.nodes) {  // the lowest online node id
    if (n.state == model::NodeState::online) return n.id == settings_.local;
  }
  return false;
}

bool Core::others_awaited() const {
  return std::any_of(awaiting_reports_.begin(), awaiting_reports_.end(),
                     [&](const auto& n) { return n != settings_.local; });
}

// A repair this node issued as coordinator counts too: a new coordinator waits for its end
// before it plans on the report (seeds 2003330, 2007751).
bool Core::busy_locally() const {
  return !served_.empty() || run_ || !quorum_stopping_.empty() || !repairing_.empty();
}

bool Core::quorate_enough() const {
  return !settings_.clustered || view_.quorate || config_->options.no_quorum_policy != model::NoQuorumPolicy::stop;
}

bool Core::runs_anywhere(const std::string& resource) const {
  const model::Resource* r = find_resource(resource);
  return r != nullptr && settings_.anywhere_backends.contains(r->backend);
}

bool Core::is_managed(const std::string& resource) const {
  const model::Resource* r = find_resource(resource);
  return r == nullptr || model::effective_meta(r->meta, config_->options.resource_defaults).managed;
}

bool Core::responsible_for(const std::string& resource, const std::string& node) const {
  if (!settings_.clustered) return true;
  // The cheap test first: a member is responsible for nothing on the other nodes.
  if (node != settings_.local && !is_coordinator()) return false;
  return runs_anywhere(resource) ? is_coordinator() : node == settings_.local;
}

// --- operations run for the coordinator ------------------------------------------------------------

void Core::serve(const std::string& from, const protocol::OpRequest& request) {
  if (request.to != settings_.local || !running_) return;
  // The request may have been sent before this node lost quorum: it starts nothing then.
  const bool starts = request.op.kind == Operation::Kind::start || request.op.kind == Operation::Kind::migrate_to;
  if (starts && !quorate_enough()) {
    publish(protocol::OpResult{request.id, from, {agents::Status::cancelled, settings_.local + " has no quorum"}});
    return;
  }
  // This node is stopping the resource itself (it lost quorum and is back before the others
  // noticed): refused, not failed — the coordinator plans again once it hears how that ended.
  if (quorum_stopping_.contains(request.op.resource)) {
    publish(protocol::OpResult{request.id, from,
                               {agents::Status::cancelled,
                                fmt::format("{} is stopping {} itself (after losing quorum)", settings_.local,
                                            request.op.resource)}});
    return;
  }
  served_.insert(request.op.resource);
  Operation op = request.op;
  op.node = settings_.local;
  issue(op, ForServed{request.id, from, op.resource});
}

void Core::served_done(const ForServed& s, const agents::Outcome& result, Operation::Kind kind) {
  if (auto it = served_.find(s.resource); it != served_.end()) served_.erase(it);
  // This node knows at once what it did to its own resources; the coordinator's placement
  // message says the same later (or never, if the answer cannot reach it, and then a stop
  // without quorum must not stop again what is already stopped).
  if (result.ok()) {
    if (kind == Operation::Kind::start || kind == Operation::Kind::migrate_from) {
      set_placement(s.resource, settings_.local, model::ResourceState::started);
    } else if (kind == Operation::Kind::stop || kind == Operation::Kind::migrate_to) {
      remove_placement(s.resource, settings_.local);
    }
  }
  publish(protocol::OpResult{s.request, s.coordinator, result});
  if (!quorate_enough()) stop_without_quorum();
  flush_reports();
  if (leave_requested_) maybe_left();
}

void Core::flush_reports() {
  if (busy_locally() || reports_waiting_.empty()) return;
  if (is_coordinator() && others_awaited()) return;
  // Only the current coordinator's latest request is still worth answering.
  const auto waiting = std::exchange(reports_waiting_, {});
  for (auto it = waiting.rbegin(); it != waiting.rend(); ++it) {
    if (it->second == view_.coordinator) return report_local(it->first, it->second);
  }
}

void Core::answered(const protocol::OpResult& answer) {
  if (answer.to != settings_.local) return;
  auto it = ops_.find(answer.id);
  if (it == ops_.end() || !it->second.remote) return;  // not one we sent, or answered already
  op_done(answer.id, answer.result);
}

void Core::monitor_failed_on_member(const protocol::MonitorFailed& report) {
  const model::Resource* r = find_resource(report.resource);
  const model::ResourcePlacement* p = placement(report.resource, report.node);
  // Already handled (a repeat), or an action of ours explains it: the member's monitor runs
  // again after its interval if the resource really is broken.
  if (r == nullptr || p == nullptr || p->state != model::ResourceState::started || busy_with(report.resource)) return;
  const auto on_fail = r->operations.monitor.on_fail.value_or(model::OnFail::restart);
  if (on_fail == model::OnFail::restart && start_repair(report.resource, report.node, report.result)) return;
  operation_failed(report.resource, report.node, "monitor", report.result, on_fail, false);
}

// --- synchronising after membership changes -----------------------------------------------------

void Core::begin_sync() {
  ++sync_round_;
  synced_ = false;
  awaiting_reports_.clear();
  busy_reporters_.clear();
  for (const auto& n : view_.nodes) {
    if (n.state == model::NodeState::online) awaiting_reports_.insert(n.id);
  }
  log_.info("coordinating: asking {} member(s) what they run (round {})", awaiting_reports_.size(), sync_round_);
  publish(protocol::SyncRequest{sync_round_});
  // Right after start, wait up to startup_grace for nodes that have not joined yet.
  const auto since_start = now_.steady - started_at_;
  const auto wait = waiting_for_first_join() ? std::max(settings_.sync_timeout, settings_.startup_grace - since_start)
                                             : settings_.sync_timeout;
  arm(wait, SyncTimeout{sync_round_});
}

bool Core::waiting_for_first_join() const {
  if (now_.steady - started_at_ >= settings_.startup_grace) return false;
  // A node that was here and left is lost (and fenced); one never seen may still be booting.
  return std::any_of(config_->nodes.begin(), config_->nodes.end(),
                     [&](const auto& n) { return !seen_online_.contains(n.id); });
}

void Core::report_local(std::uint64_t round, const std::string& coordinator) {
  if (!running_) return;
  // Operations this node runs — for the previous coordinator, or as that coordinator —
  // finish first: the report must include what they did.
  if (busy_locally()) {
    reports_waiting_.emplace_back(round, coordinator);
    publish(protocol::SyncBusy{round, settings_.local});
    return;
  }
  // The coordinator probes what it drives (runs-anywhere) last, once every other member has
  // reported: an earlier coordinator still finishing an operation on one of them would
  // otherwise change it after the probe, unseen.
  if (coordinator == settings_.local && others_awaited()) {
    reports_waiting_.emplace_back(round, coordinator);
    return;
  }
  const auto report = next_id_++;
  auto& build = reports_[report];
  build.round = round;
  build.coordinator = coordinator;
  std::vector<std::pair<std::string, std::string>> work;  // (resource, node) to probe
  for (const auto& r : config_->resources) {
    if (runs_anywhere(r.id)) {
      if (coordinator != settings_.local) continue;  // the coordinator probes what it drives remotely
      for (const auto& n : config_->nodes) {
        if (state_.nodes[n.id].state == model::NodeState::online) work.emplace_back(r.id, n.id);
      }
    } else {
      work.emplace_back(r.id, settings_.local);
    }
  }
  if (coordinator == settings_.local) {
    for (const auto& n : config_->nodes) {
      if (state_.nodes[n.id].state == model::NodeState::online) build.probed.push_back(n.id);
    }
  }
  build.pending = work.size();
  if (work.empty()) return send_report(report);
  for (const auto& [resource, node] : work) {
    const model::Resource* r = find_resource(resource);
    issue({Operation::Kind::monitor, resource, node, {}, executor::monitor_timeout(*r)},
          ForReport{report, resource, node});
  }
}

void Core::report_probe_done(const ForReport& r, const agents::Outcome& result) {
  auto it = reports_.find(r.report);
  if (it == reports_.end()) return;
  if (result.ok() || result.status == agents::Status::degraded) {
    it->second.found.push_back({r.resource, r.node, model::ResourceState::started});
  } else if (result.status != agents::Status::not_running) {
    it->second.found.push_back({r.resource, r.node, model::ResourceState::failed});
  }
  if (--it->second.pending == 0) send_report(r.report);
}

void Core::send_report(std::uint64_t report) {
  auto it = reports_.find(report);
  if (it == reports_.end()) return;
  protocol::NodeReport m;
  m.round = it->second.round;
  m.coordinator = it->second.coordinator;
  m.node = settings_.local;
  m.placements = std::move(it->second.found);
  if (m.coordinator == settings_.local) m.probed = std::move(it->second.probed);
  reports_.erase(it);
  // Attributes and failcounts travel along so that a member that joined later (and so
  // missed the messages that set them) learns them before it may coordinate.
  m.attributes = state_.nodes[settings_.local].attributes;
  for (const auto& p : state_.resources) {
    if (state_.nodes[p.node].state == model::NodeState::unclean) m.elsewhere.push_back(p);
  }
  for (const auto& [node, status] : state_.nodes) {
    if (status.state == model::NodeState::offline) m.departed.push_back(node);
  }
  for (const auto& f : state_.failcounts) m.failcounts.push_back({f.resource, f.node, f.count, f.last_failure});
  for (const auto& [node, status] : state_.nodes) {
    if (status.shutdown && status.state == model::NodeState::online) m.shutting_down.emplace_back(node, *status.shutdown);
  }
  m.frozen = state_.frozen;
  for (const auto& [node, status] : state_.nodes) {
    if (status.evacuate) m.maintenance.push_back(node);
  }
  m.returns = state_.returns;
  for (const auto& [resource, node] : state_.last_node) m.last_ran.push_back({resource, node});
  publish(std::move(m));
}

void Core::report_received(const protocol::NodeReport& report) {
  // The report is the truth about what that node runs itself (and, from the coordinator,
  // about what it drives on the online nodes): it replaces what the replica had. What ran on
  // a lost node stays known until that node is fenced, or it would be started elsewhere first.
  // A runs-anywhere instance known as failed (or as "may be active there") stays until it is
  // stopped: an operation of an earlier coordinator may still be bringing it there.
  // Only a coordinator reporting to itself probed what it drives.
  const bool drives = report.node == report.coordinator;
  // The current coordinator's own report tells this node what runs on it of what the
  // coordinator drives: until then a node back from a break may not know (it leaves only after).
  if (drives && report.node == view_.coordinator) driven_known_ = true;
  // Only where the coordinator probed: a node it holds lost may still run what it drives
  // there (a stop that failed without quorum), and that node must not forget it.
  auto probed = [&](const std::string& node) {
    if (!report.probed) return state_.nodes[node].state == model::NodeState::online;
    return std::find(report.probed->begin(), report.probed->end(), node) != report.probed->end();
  };
  std::erase_if(state_.resources, [&](const auto& p) {
    // The cheap test first: most reports are a member's, about its own node only.
    if (!drives && p.node != report.node) return false;
    if (!runs_anywhere(p.resource)) return p.node == report.node;
    return drives && p.state != model::ResourceState::failed && probed(p.node);
  });
  for (const auto& p : report.placements) {
    const auto* known = placement(p.resource, p.node);
    if (known == nullptr || known->state != model::ResourceState::failed) set_placement(p.resource, p.node, p.state);
  }
  // Nodes the reporter saw leave cleanly or fenced are down, not lost.
  for (const auto& node : report.departed) {
    if (node == settings_.local) continue;
    auto& status = state_.nodes[node];
    if (view_.state_of(node) == model::NodeState::online || status.state != model::NodeState::unclean ||
        fence_requested_.contains(node)) {
      continue;
    }
    log_.info("node {} is offline: {} saw it leave or fenced", node, report.node);
    left_.insert(node);
    status.state = model::NodeState::offline;
    drop_node_placements(node);
  }
  // What ran on lost nodes, as the reporter knows it, fills gaps: it stays until they are fenced.
  for (const auto& p : report.elsewhere) {
    if (p.node == settings_.local) continue;  // this node knows best what runs on itself
    if (state_.nodes[p.node].state == model::NodeState::unclean && placement(p.resource, p.node) == nullptr) {
      set_placement(p.resource, p.node, p.state);
    }
  }
  // Shutdowns, freezes and maintenance announced before this node joined fill gaps too, from
  // reports to this node's current round only: they were made after every change it knows of.
  if (report.coordinator == settings_.local && report.round == sync_round_) learn_from_report(report);
  // What the reporter knows of itself fills gaps; it never overrides newer news.
  auto& attributes = state_.nodes[report.node].attributes;
  for (const auto& [name, value] : report.attributes) attributes.try_emplace(name, value);
  for (const auto& f : report.failcounts) {
    const bool known = std::any_of(state_.failcounts.begin(), state_.failcounts.end(),
                                   [&](const auto& c) { return c.resource == f.resource && c.node == f.node; });
    if (!known) state_.failcounts.push_back({f.resource, f.node, f.count, f.last_failure});
  }
  sync_monitors();
  // A report answers one coordinator's round: one meant for an earlier coordinator does not
  // complete this one's.
  if (!is_coordinator() || report.coordinator != settings_.local || report.round != sync_round_) return;
  awaiting_reports_.erase(report.node);
  if (!others_awaited()) flush_reports();
  if (!awaiting_reports_.empty() || synced_) return;
  // Everyone present has reported; right after start also wait for absent configured nodes.
  if (waiting_for_first_join()) return;
  synced_ = true;
  is_idle_ = false;
  plan_wanted_ = running_ && !stopping_;
}

void Core::learn_from_report(const protocol::NodeReport& report) {
  for (const auto& [node, kind] : report.shutting_down) {
    auto& status = state_.nodes[node];
    if (view_.state_of(node) != model::NodeState::online || status.shutdown) continue;
    leaving_.insert(node);
    status.shutdown = kind;
  }
  for (const auto& f : report.frozen) {
    const bool known = std::any_of(state_.frozen.begin(), state_.frozen.end(),
                                   [&](const auto& g) { return g.resource == f.resource; });
    const bool runs_elsewhere = std::any_of(state_.resources.begin(), state_.resources.end(),
                                            [&](const auto& p) {
                                              return p.resource == f.resource && p.node != f.node &&
                                                     p.state == model::ResourceState::started;
                                            });
    if (!known && !runs_elsewhere) state_.frozen.push_back(f);
  }
  for (const auto& node : report.maintenance) state_.nodes[node].evacuate = true;
  for (const auto& r : report.returns) {
    const bool known = std::any_of(state_.returns.begin(), state_.returns.end(),
                                   [&](const auto& g) { return g.resource == r.resource; });
    if (!known) state_.returns.push_back(r);
  }
  for (const auto& [resource, node] : report.last_ran) {
    const bool placed = std::any_of(state_.resources.begin(), state_.resources.end(),
                                    [&](const auto& p) { return p.resource == resource; });
    if (!placed) state_.last_node.try_emplace(resource, node);
  }
}

// --- losing quorum -------------------------------------------------------------------------------

void Core::quorum_lost_locally() {
  if (config_->options.no_quorum_policy != model::NoQuorumPolicy::stop) {
    log_.warn("quorum lost: no_quorum_policy {} keeps what runs here as it is",
              model::to_string(config_->options.no_quorum_policy));
    return;
  }
  if (run_) {
    run_->dispatch.abort();
    pump();
  }
  log_.error("quorum lost: stopping every resource on {} (no_quorum_policy stop)", settings_.local);
  stop_without_quorum();
}

void Core::stop_without_quorum() {
  // The replica must first catch up with what this node itself changed (a stop that just
  // ended), or that would be stopped again.
  if (unconfirmed_ > 0) {
    quorum_stop_pending_ = true;
    return;
  }
  quorum_stop_pending_ = false;
  // Guests on this node's hypervisor too, although the coordinator drives them: the majority
  // may recover them once this node is fenced or its self-fence deadline has passed. One
  // operation at a time per resource: what is busy is stopped when its operation ends.
  std::vector<std::string> mine;
  for (const auto& p : state_.resources) {
    if (p.node == settings_.local && !busy_with(p.resource) && !quorum_stopping_.contains(p.resource) &&
        is_managed(p.resource)) {
      mine.push_back(p.resource);
    }
  }
  for (const auto& resource : mine) {
    const model::Resource* r = find_resource(resource);
    if (r == nullptr) continue;
    quorum_stopping_.insert(resource);
    monitors_.erase({resource, settings_.local});
    issue({Operation::Kind::stop, resource, settings_.local, {}, executor::operation_timeout(*r, policy::ActionKind::stop)},
          ForQuorumStop{resource});
  }
}

// --- leaving cleanly -----------------------------------------------------------------------------

void Core::maybe_left() {
  if (!leave_requested_ || left_announced_ || !leaving_.contains(settings_.local)) return;
  // What the cluster does not manage does not hold the node back.
  const bool runs_something = std::any_of(state_.resources.begin(), state_.resources.end(), [&](const auto& p) {
    return p.node == settings_.local && is_managed(p.resource);
  });
  // Without quorum the others may not hear it: it would be a loss to them, not a leave.
  if (runs_something || busy_locally() || unconfirmed_ > 0 || !view_.quorate || !driven_known_) return;
  left_announced_ = true;
  log_.info("nothing runs here any more: leaving the cluster");
  publish(protocol::Left{settings_.local});
}

void Core::report_emptied(const policy::Transition* planned) {
  for (auto it = emptying_.begin(); it != emptying_.end();) {
    const std::string& node = *it;
    bool empty = view_.state_of(node) != model::NodeState::online;
    if (!empty && planned != nullptr) {
      const bool runs = std::any_of(state_.resources.begin(), state_.resources.end(),
                                    [&](const auto& p) { return p.node == node && is_managed(p.resource); });
      const bool touched = std::any_of(planned->actions.begin(), planned->actions.end(), [&](const auto& a) {
        return a.node == node || (a.target && *a.target == node);
      });
      empty = !runs && !touched;
    }
    if (!empty) {
      ++it;
      continue;
    }
    log_.info("node {} runs nothing any more: it may shut down", node);
    notify(NodeEmptied{node});
    it = emptying_.erase(it);
  }
}

bool Core::failover_check_affordable(int k) const {
  const std::size_t limit = settings_.failover_check_limit;
  const std::size_t n = config_->nodes.size();
  // C(n, k) x resources, stopping as soon as it is past the limit (no overflow).
  std::size_t cost = std::max<std::size_t>(config_->resources.size(), 1);
  for (int i = 0; i < k && static_cast<std::size_t>(i) < n && cost <= limit; ++i) {
    cost = cost * (n - static_cast<std::size_t>(i)) / (static_cast<std::size_t>(i) + 1);
  }
  return limit > 0 && cost <= limit;
}

void Core::check_failover_capacity() {
  if (!failover_check_affordable()) return;
  auto s = policy::survivability(state_, *config_, 1);
  auto answer = std::make_pair(s.tolerated(), s.spares_in_use);
  if (failover_answer_ == answer) return;
  failover_answer_ = std::move(answer);
  if (s.tolerated() && s.spares_in_use.empty()) {
    log_.info("failover capacity: {}", s.verdict());
  } else {
    log_.warn("failover capacity: {}", s.verdict());
  }
  notify(FailoverCapacityChanged{std::move(s)});
}

}  // namespace wholesale_ha::core
