// Cluster mode: one coordinator plans and drives; every node runs the operations on its own
// resources and reports what it runs. After every membership change the coordinator asks all
// members for a report (a re-probe) and plans only once it has them, so a new coordinator
// knows the truth before it acts and nothing is started twice.

#include <algorithm>

#include <fmt/format.h>

#include <wholesale_ha/model/enum_names.hpp>

#include "controller_impl.hpp"

namespace wholesale_ha {

using nlohmann::json;
using executor::Operation;

bool Controller::Impl::is_coordinator() const {
  if (!clustered) return true;
  if (!view.coordinator.empty()) return view.coordinator == local;
  // Without quorum nobody coordinates, unless the policy says to carry on regardless.
  if (config->options.no_quorum_policy != model::NoQuorumPolicy::ignore) return false;
  for (const auto& n : view.nodes) {  // the lowest online node id
    if (n.state == model::NodeState::online) return n.id == local;
  }
  return false;
}

bool Controller::Impl::runs_anywhere(const std::string& resource) const {
  const model::Resource* r = config->find_resource(resource);
  const agents::Backend* backend = r ? registry.find(r->backend) : nullptr;
  return backend != nullptr && backend->runs_anywhere();
}

bool Controller::Impl::responsible_for(const std::string& resource, const std::string& node) const {
  if (!clustered) return true;
  return runs_anywhere(resource) ? is_coordinator() : node == local;
}

// --- operations --------------------------------------------------------------------------------

void Controller::Impl::run_operation(const Operation& op, agents::Handler done) {
  if (!clustered || op.node == local || runs_anywhere(op.resource)) return local_runner.run(op, std::move(done));
  if (view.state_of(op.node) != model::NodeState::online) {
    return done({agents::Status::error_generic, fmt::format("{} is not a member of the cluster", op.node)});
  }
  const auto id = next_operation++;
  awaiting_answers[id] = std::move(done);
  publish("op_request", {{"id", id},
                         {"to", op.node},
                         {"kind", executor::to_string(op.kind)},
                         {"resource", op.resource},
                         {"node", op.node},
                         {"peer", op.peer},
                         {"timeout_ms", op.timeout.count()}});
}

void Controller::Impl::serve_operation(const membership::Message& request) {
  const json& b = request.body;
  if (b.value("to", std::string{}) != local) return;
  Operation op;
  const auto kind = b.value("kind", std::string{});
  for (auto k : {Operation::Kind::start, Operation::Kind::stop, Operation::Kind::monitor,
                 Operation::Kind::migrate_to, Operation::Kind::migrate_from}) {
    if (executor::to_string(k) == kind) op.kind = k;
  }
  op.resource = b.value("resource", std::string{});
  op.node = local;
  op.peer = b.value("peer", std::string{});
  op.timeout = std::chrono::milliseconds{b.value("timeout_ms", 20'000)};
  served.insert(op.resource);
  local_runner.run(op, [this, id = b.value("id", std::uint64_t{0}), coordinator = request.from,
                        resource = op.resource](agents::Result r) {
    served.erase(served.find(resource));
    publish("op_result", {{"id", id},
                          {"to", coordinator},
                          {"status", static_cast<int>(r.status)},
                          {"reason", r.reason},
                          {"elapsed_ms", r.elapsed.count()}});
    if (served.empty()) {
      for (auto& then : std::exchange(when_idle_locally, {})) then();
    }
  });
}

void Controller::Impl::operation_answered(const json& answer) {
  if (answer.value("to", std::string{}) != local) return;
  auto it = awaiting_answers.find(answer.value("id", std::uint64_t{0}));
  if (it == awaiting_answers.end()) return;
  auto done = std::move(it->second);
  awaiting_answers.erase(it);
  done({static_cast<agents::Status>(answer.value("status", 1)), answer.value("reason", std::string{}),
        std::chrono::milliseconds{answer.value("elapsed_ms", 0)}});
}

void Controller::Impl::monitor_failed_on_member(const json& report) {
  const auto resource = report.at("resource").get<std::string>();
  const auto node = report.at("node").get<std::string>();
  const model::Resource* r = config->find_resource(resource);
  const model::ResourcePlacement* p = placement(resource, node);
  // Already handled (a repeat), or an action of ours explains it: the member's monitor runs
  // again after its interval if the resource really is broken.
  if (r == nullptr || p == nullptr || p->state != model::ResourceState::started || busy_with(resource)) return;
  const agents::Result result{static_cast<agents::Status>(report.at("status").get<int>()),
                              report.value("reason", std::string{})};
  operation_failed(resource, node, "monitor", result, r->operations.monitor.on_fail.value_or(model::OnFail::restart),
                   false);
}

// --- synchronising after membership changes ------------------------------------------------------

void Controller::Impl::begin_sync() {
  ++sync_round;
  synced = false;
  awaiting_reports.clear();
  for (const auto& n : view.nodes) {
    if (n.state == model::NodeState::online) awaiting_reports.insert(n.id);
  }
  log.info("coordinating: asking {} member(s) what they run (round {})", awaiting_reports.size(), sync_round);
  publish("sync_request", {{"round", sync_round}});
  // Right after start, wait up to startup_grace for nodes that have not joined yet.
  const auto since_start = std::chrono::steady_clock::now() - started_at;
  const auto wait = waiting_for_first_join()
                        ? std::max(options.sync_timeout,
                                   std::chrono::duration_cast<std::chrono::milliseconds>(options.startup_grace - since_start))
                        : options.sync_timeout;
  sync_timer.expires_after(wait);
  sync_timer.async_wait([this, round = sync_round](const boost::system::error_code& ec) {
    if (ec || round != sync_round || synced) return;
    if (!awaiting_reports.empty()) {
      log.warn("no report from {} within {}ms; planning without it", fmt::join(awaiting_reports, ", "),
               options.sync_timeout.count());
    }
    synced = true;
    schedule_plan();
  });
}

bool Controller::Impl::waiting_for_first_join() const {
  if (std::chrono::steady_clock::now() - started_at >= options.startup_grace) return false;
  // A node that was here and left is lost (and fenced); one never seen may still be booting.
  return std::any_of(config->nodes.begin(), config->nodes.end(),
                     [&](const auto& n) { return !seen_online.contains(n.id); });
}

void Controller::Impl::report_local(std::uint64_t round, const std::string& coordinator) {
  // Operations the previous coordinator asked for finish first: the report must include them.
  if (!served.empty()) {
    when_idle_locally.push_back([this, round, coordinator] { report_local(round, coordinator); });
    return;
  }
  std::vector<std::pair<std::string, std::string>> work;  // (resource, node) to probe
  for (const auto& r : config->resources) {
    if (runs_anywhere(r.id)) {
      if (coordinator != local) continue;  // the coordinator probes what it drives remotely
      for (const auto& n : config->nodes) {
        if (state.nodes[n.id].state == model::NodeState::online) work.push_back({r.id, n.id});
      }
    } else {
      work.push_back({r.id, local});
    }
  }
  auto found = std::make_shared<json>(json::array());
  auto pending = std::make_shared<std::size_t>(work.size());
  auto send = [this, round, found] {
    // Attributes and failcounts travel along so that a member that joined later (and so
    // missed the messages that set them) learns them before it may coordinate.
    json failcounts = json::array();
    for (const auto& f : state.failcounts) {
      if (f.node == local) failcounts.push_back({{"resource", f.resource}, {"count", f.count}, {"last_failure", f.last_failure}});
    }
    publish("node_report", {{"round", round},
                            {"node", local},
                            {"placements", *found},
                            {"attributes", state.nodes[local].attributes},
                            {"failcounts", failcounts}});
  };
  if (work.empty()) return send();
  for (const auto& [resource, node] : work) {
    const model::Resource* r = config->find_resource(resource);
    local_runner.run({Operation::Kind::monitor, resource, node, {}, executor::monitor_timeout(*r)},
                     [resource, node, found, pending, send](agents::Result result) {
                       if (result.ok() || result.status == agents::Status::degraded) {
                         found->push_back({{"resource", resource}, {"node", node}, {"state", "started"}});
                       } else if (result.status != agents::Status::not_running) {
                         found->push_back({{"resource", resource}, {"node", node}, {"state", "failed"}});
                       }
                       if (--*pending == 0) send();
                     });
  }
}

void Controller::Impl::report_received(const json& report) {
  const auto node = report.at("node").get<std::string>();
  // The report is the truth about what that node runs itself (and, from the coordinator,
  // about what it drives remotely): it replaces what the replica had.
  std::erase_if(state.resources, [&](const auto& p) {
    return runs_anywhere(p.resource) ? report.at("node") == view.coordinator : p.node == node;
  });
  for (const auto& p : report.at("placements")) {
    const auto s = model::enum_from_string<model::ResourceState>(p.at("state").get<std::string>());
    set_placement(p.at("resource").get<std::string>(), p.at("node").get<std::string>(),
                  s.value_or(model::ResourceState::failed));
  }
  // What the reporter knows of itself fills gaps; it never overrides newer news.
  auto& attributes = state.nodes[node].attributes;
  const json reported_attributes = report.value("attributes", json::object());
  for (const auto& [name, value] : reported_attributes.items()) {
    if (!attributes.contains(name) && value.is_string()) attributes[name] = value.get<std::string>();
  }
  const json reported_failcounts = report.value("failcounts", json::array());
  for (const auto& f : reported_failcounts) {
    const auto resource = f.at("resource").get<std::string>();
    const bool known = std::any_of(state.failcounts.begin(), state.failcounts.end(),
                                   [&](const auto& c) { return c.resource == resource && c.node == node; });
    if (!known) {
      state.failcounts.push_back(
          {resource, node, f.at("count").get<std::int32_t>(), f.at("last_failure").get<model::Timestamp>()});
    }
  }
  sync_monitors();
  if (!is_coordinator() || report.at("round").get<std::uint64_t>() != sync_round) return;
  awaiting_reports.erase(node);
  if (!awaiting_reports.empty() || synced) return;
  // Everyone present has reported; right after start also wait for absent configured nodes.
  if (waiting_for_first_join()) return;
  synced = true;
  sync_timer.cancel();
  is_idle = false;
  schedule_plan();
}

// --- losing quorum ---------------------------------------------------------------------------

void Controller::Impl::quorum_lost_locally() {
  if (config->options.no_quorum_policy != model::NoQuorumPolicy::stop) {
    log.warn("quorum lost: no_quorum_policy {} keeps what runs here as it is",
             model::to_string(config->options.no_quorum_policy));
    return;
  }
  if (exec.busy()) exec.abort();
  log.error("quorum lost: stopping every resource on {} (no_quorum_policy stop)", local);
  // Guests on this node's hypervisor too, although the coordinator drives them: the majority
  // may recover them once this node is fenced or its self-fence deadline has passed.
  std::vector<std::string> mine;
  for (const auto& p : state.resources) {
    if (p.node == local) mine.push_back(p.resource);
  }
  for (const auto& resource : mine) {
    const model::Resource* r = config->find_resource(resource);
    if (r == nullptr) continue;
    monitors.erase({resource, local});
    local_runner.run({Operation::Kind::stop, resource, local, {}, executor::operation_timeout(*r, policy::ActionKind::stop)},
                     [this, resource](agents::Result result) {
                       if (result.ok()) {
                         remove_placement(resource, local);
                       } else {
                         log.error("could not stop {} after losing quorum: {}", resource, result.reason);
                       }
                     });
  }
}

}  // namespace wholesale_ha
