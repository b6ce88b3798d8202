#include "world.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <set>
#include <variant>

#include <fmt/format.h>

#include <wholesale_ha/model/enum_names.hpp>
#include <wholesale_ha/policy/planner.hpp>
#include <wholesale_ha/policy/shutdown.hpp>

#include "../controller/core.hpp"
#include "invariants.hpp"
#include "rng.hpp"
#include "trace_sink.hpp"

namespace wholesale_ha::sim {
namespace {

using namespace std::chrono_literals;
using executor::Operation;

/// Virtual seconds since the epoch the wall clock starts at.
constexpr model::Timestamp kEpoch = 1'800'000'000;

struct Instance {
  bool healthy = true;
};

struct Host {
  std::string id;
  bool powered = true;
  bool daemon = true;
  bool corosync = true;
  int group = 0;  ///< hosts in the same group reach each other
  std::uint64_t incarnation = 0;
  std::unique_ptr<core::Core> core;
  std::map<std::string, Instance, std::less<>> running;  ///< the truth: what runs on this host
  std::optional<membership::View> view;                  ///< the last one its core was given
  bool left_cleanly = false;
  int migrating = 0;  ///< migrations leaving this host now
  [[nodiscard]] bool member() const { return powered && daemon && corosync; }
};

// What happens at a point of virtual time.
struct ToCore {
  std::size_t host;
  std::uint64_t incarnation;
  core::Event event;
};
struct Deliver {
  std::uint64_t message;
};
struct Settle {};
struct FaultAt {
  std::size_t index;
};
struct OpComplete {
  std::size_t host;  ///< whose core asked
  std::uint64_t incarnation;
  std::uint64_t id;
  Operation op;
  bool fail;
};
struct FenceComplete {
  std::size_t host;
  std::uint64_t incarnation;
  std::uint64_t id;
  std::size_t target;
  bool ok;
};
struct Boot {
  std::size_t host;
};
struct CorosyncBack {
  std::size_t host;
};
/// The faults are over: what is still broken is repaired (an operator, a watchdog), so that
/// convergence can be judged.
struct Repair {};
using What = std::variant<ToCore, Deliver, Settle, FaultAt, OpComplete, FenceComplete, Boot, CorosyncBack, Repair>;

struct Scheduled {
  Millis at;
  std::uint64_t seq;
  What what;
  bool operator>(const Scheduled& o) const { return at != o.at ? at > o.at : seq > o.seq; }
};

struct Message {
  std::size_t from;
  std::string type;
  nlohmann::json body;
};

class World {
 public:
  World(const Scenario& s, const Options& o)
      : scenario_(s), options_(o), rng_(s.seed ^ 0x5157ULL), sink_(std::make_shared<TraceSink>(now_)) {
    for (const auto& n : s.config.nodes) {
      hosts_.push_back(Host{});
      hosts_.back().id = n.id;
      index_[n.id] = hosts_.size() - 1;
    }
  }

  Outcome run() {
    for (std::size_t i = 0; i < hosts_.size(); ++i) boot(i);
    for (std::size_t i = 0; i < scenario_.faults.size(); ++i) at(scenario_.faults[i].at, FaultAt{i});
    Millis last_fault{0};
    for (const auto& f : scenario_.faults) last_fault = std::max(last_fault, f.at + f.duration);
    const Millis faults_end = std::max(scenario_.duration, last_fault);
    at(faults_end, Repair{});
    // The settle time counts from the last fault: an undo drawn late (maintenance off, which
    // moves everything back) gets the whole of it too.
    const Millis end = faults_end + scenario_.settle;
    while (!queue_.empty() && outcome_.violations.empty()) {
      if (queue_.top().at > end) break;
      if (++outcome_.events > options_.max_events) {
        violation("converges", "the run exceeded its event budget");
        break;
      }
      Scheduled next = queue_.top();
      queue_.pop();
      now_ = next.at;
      std::visit([this](auto& w) { handle(w); }, next.what);
    }
    now_ = end;
    if (outcome_.violations.empty()) check_converged();
    outcome_.end = now_;
    if (options_.record) {
      for (const auto& host : hosts_) {
        for (const auto& [resource, instance] : host.running) outcome_.running[resource].push_back(host.id);
      }
    }
    return std::move(outcome_);
  }

 private:
  // --- scheduling ----------------------------------------------------------------------------------

  void at(Millis when, What what) { queue_.push({when, seq_++, std::move(what)}); }
  void after(Millis delay, What what) { at(now_ + delay, std::move(what)); }

  [[nodiscard]] core::Now clock() const { return {now_, kEpoch + now_.count() / 1000}; }

  void violation(std::string invariant, std::string detail) {
    outcome_.violations.push_back({now_, std::move(invariant), std::move(detail)});
  }

  // --- hosts ---------------------------------------------------------------------------------------

  void boot(std::size_t h) {
    Host& host = hosts_[h];
    host.powered = host.daemon = host.corosync = true;
    host.running.clear();
    host.left_cleanly = false;
    host.migrating = 0;
    for (auto& [listener, heard] : heard_left_) heard.erase(host.id);
    start_daemon(h);
  }

  void start_daemon(std::size_t h) {
    Host& host = hosts_[h];
    host.daemon = true;
    ++host.incarnation;
    core::Settings settings;
    settings.local = host.id;
    settings.clustered = true;
    settings.anywhere_backends = {"vm"};
    host.core = std::make_unique<core::Core>(settings, scenario_.config,
                                             Logger(sink_, options_.trace ? LogLevel::info : LogLevel::off, host.id));
    // Before corosync answers, a node knows nothing: everyone unclean, no quorum.
    membership::View nothing;
    for (const auto& n : hosts_) nothing.nodes.push_back({n.id, model::NodeState::unclean});
    nothing.quorate = false;
    host.view = nothing;
    feed(h, core::Start{nothing});
    membership_changed(options_.token_timeout);
  }

  void kill_daemon(std::size_t h) {
    hosts_[h].daemon = false;
    hosts_[h].core.reset();
    hosts_[h].view.reset();
  }

  void power_off(std::size_t h) {
    Host& host = hosts_[h];
    kill_daemon(h);
    host.powered = false;
    host.running.clear();
    for (auto& [key, kind] : last_ok_) {
      if (key.second == host.id) kind.clear();
    }
  }

  // --- the cores -----------------------------------------------------------------------------------

  void feed(std::size_t h, const core::Event& event) {
    Host& host = hosts_[h];
    if (!host.core) return;
    core::Effects effects;
    try {
      effects = host.core->step(event, clock());
    } catch (const std::exception& e) {
      return violation("core", fmt::format("{}'s core threw: {}", host.id, e.what()));
    }
    perform(h, effects);
  }

  void command(std::size_t h, const core::Command& c) {
    Host& host = hosts_[h];
    if (!host.core) return;
    core::Effects effects;
    host.core->command(c, clock(), effects);
    perform(h, effects);
  }

  void perform(std::size_t h, core::Effects& effects) {
    const std::uint64_t incarnation = hosts_[h].incarnation;
    for (auto& effect : effects) {
      if (hosts_[h].incarnation != incarnation || !hosts_[h].core) return;  // it left meanwhile
      if (auto* b = std::get_if<core::Broadcast>(&effect)) {
        broadcast(h, std::move(*b));
      } else if (auto* r = std::get_if<core::RunOperation>(&effect)) {
        run_operation(h, *r);
      } else if (auto* f = std::get_if<core::FenceNode>(&effect)) {
        fence(h, *f);
      } else if (auto* t = std::get_if<core::ArmTimer>(&effect)) {
        after(t->after, ToCore{h, incarnation, core::TimerFired{t->id}});
      } else if (std::holds_alternative<core::LeftCluster>(effect)) {
        left_cleanly(h);
      }
    }
  }

  // --- membership ----------------------------------------------------------------------------------

  void broadcast(std::size_t h, core::Broadcast b) {
    if (!hosts_[h].member()) {  // not connected: corosync refuses at once
      return after(0ms, ToCore{h, hosts_[h].incarnation,
                               core::SendFailed{b.type, "not connected to corosync", std::move(b.body)}});
    }
    const auto id = next_message_++;
    messages_.emplace(id, Message{h, std::move(b.type), std::move(b.body)});
    ++outcome_.messages;
    after(options_.message_latency, Deliver{id});
  }

  void handle(Deliver& d) {
    auto it = messages_.find(d.message);
    if (it == messages_.end()) return;
    Message m = std::move(it->second);
    messages_.erase(it);
    const Host& sender = hosts_[m.from];
    if (!sender.powered || !sender.corosync) return;  // never left the sender
    const auto delivered = std::make_shared<const membership::Message>(membership::Message{sender.id, m.type, std::move(m.body)});
    // One total order: every recipient gets message k before message k + 1.
    for (std::size_t h = 0; h < hosts_.size(); ++h) {
      if (!hosts_[h].member() || hosts_[h].group != sender.group) continue;
      if (delivered->type == "left") heard_left_[h].insert(sender.id);
      feed(h, core::Delivered{delivered});
    }
  }

  void membership_changed(Millis delay) { after(delay, Settle{}); }

  void handle(Settle&) {
    const bool force = std::exchange(ring_reformed_, false);
    std::map<int, std::vector<std::size_t>> groups;
    for (std::size_t h = 0; h < hosts_.size(); ++h) {
      if (hosts_[h].member()) groups[hosts_[h].group].push_back(h);
    }
    std::set<std::size_t> in_quorate;
    for (const auto& [group, members] : groups) {
      membership::View v;
      v.id = ++view_id_;
      v.quorate = members.size() * 2 > hosts_.size();
      for (std::size_t h = 0; h < hosts_.size(); ++h) {
        const bool in = std::find(members.begin(), members.end(), h) != members.end();
        v.nodes.push_back({hosts_[h].id, in ? model::NodeState::online : model::NodeState::unclean});
      }
      if (v.quorate) {
        v.coordinator = hosts_[members.front()].id;
        in_quorate.insert(members.begin(), members.end());
      }
      for (std::size_t h : members) give_view(h, v, force);
    }
    // A daemon cut off from corosync sees nobody, itself included.
    for (std::size_t h = 0; h < hosts_.size(); ++h) {
      const Host& host = hosts_[h];
      if (!host.powered || !host.daemon || host.corosync) continue;
      give_view(h, alone_view());
    }
    track_lost(in_quorate);
  }

  /// What a daemon cut off from corosync sees: nobody, itself included.
  membership::View alone_view() {
    membership::View alone;
    alone.id = ++view_id_;
    alone.quorate = false;
    for (const auto& n : hosts_) alone.nodes.push_back({n.id, model::NodeState::unclean});
    return alone;
  }

  void give_view(std::size_t h, membership::View v, bool force = false) {
    Host& host = hosts_[h];
    if (!force && host.view && host.view->nodes == v.nodes && host.view->quorate == v.quorate &&
        host.view->coordinator == v.coordinator) {
      return;
    }
    host.view = v;
    feed(h, core::ViewChanged{std::move(v)});
  }

  // --- agents --------------------------------------------------------------------------------------

  static std::string_view fault_op(Operation::Kind k) {
    switch (k) {
      case Operation::Kind::start: return "start";
      case Operation::Kind::stop: return "stop";
      case Operation::Kind::monitor: return "monitor";
      case Operation::Kind::migrate_to: return "migrate";
      case Operation::Kind::migrate_from: return "";
      case Operation::Kind::repair: return "repair";
    }
    return "";
  }

  [[nodiscard]] Millis duration_of(const Operation& op, std::size_t exec) {
    switch (op.kind) {
      case Operation::Kind::start: return Millis{rng_.between(200, 3000)};
      case Operation::Kind::stop: return Millis{rng_.between(100, 2000)};
      case Operation::Kind::monitor: return Millis{rng_.between(5, 100)};
      case Operation::Kind::migrate_from: return Millis{rng_.between(20, 200)};
      case Operation::Kind::repair: return Millis{rng_.between(50, 1500)};
      case Operation::Kind::migrate_to: {
        // Memory over this host's link, shared by the migrations leaving it now.
        const model::Resource* r = scenario_.config.find_resource(op.resource);
        double mib = 1024;
        if (r != nullptr) {
          if (auto it = r->params.find("memory_mib"); it != r->params.end()) mib = std::stod(it->second);
        }
        const double share = options_.bandwidth_mib_per_s / (1 + hosts_[exec].migrating);
        return Millis{static_cast<std::int64_t>(mib / share * 1000 * 1.2) + 200};
      }
    }
    return 1s;
  }

  void run_operation(std::size_t h, const core::RunOperation& r) {
    ++outcome_.operations;
    const Operation& op = r.op;
    auto exec = index_.find(op.node);
    if (exec == index_.end()) return after(1ms, ToCore{h, hosts_[h].incarnation, core::OpDone{r.id, {agents::Status::not_configured, "unknown node"}}});
    check_issue(h, op, exec->second);
    if (options_.record && op.kind != Operation::Kind::monitor) {
      outcome_.issued.push_back(
          {now_, hosts_[h].id, std::string{executor::to_string(op.kind)}, op.resource, op.node, op.peer, op.action});
    }
    bool fail = false;
    if (auto key = std::pair{op.resource, std::string(fault_op(op.kind))}; !key.second.empty()) {
      if (auto it = hang_next_.find(key); it != hang_next_.end()) {
        hang_next_.erase(it);
        // Its outcome is unknown to its controller: what that one does there next is a retry.
        in_doubt_[{op.resource, op.node}].insert(h);
        if (!op.peer.empty()) in_doubt_[{op.resource, op.peer}].insert(h);
        return;  // never answers: the core's deadline decides
      }
      if (auto it = fail_next_.find(key); it != fail_next_.end()) {
        fail_next_.erase(it);
        fail = true;
      }
    }
    if (op.kind == Operation::Kind::migrate_to) ++hosts_[exec->second].migrating;
    if (op.kind != Operation::Kind::monitor) in_flight_[{op.resource, op.node}].insert(h);
    after(duration_of(op, exec->second), OpComplete{h, hosts_[h].incarnation, r.id, op, fail});
  }

  void handle(OpComplete& c) {
    const Operation& op = c.op;
    const std::size_t exec = index_.at(op.node);
    if (op.kind == Operation::Kind::migrate_to) --hosts_[exec].migrating;
    if (op.kind != Operation::Kind::monitor) {
      auto& issuers = in_flight_[{op.resource, op.node}];
      if (auto it = issuers.find(c.host); it != issuers.end()) issuers.erase(it);
      if (issuers.empty()) in_flight_.erase({op.resource, op.node});
    }
    // An operation whose controller process died is abandoned with it.
    if (!hosts_[c.host].core || hosts_[c.host].incarnation != c.incarnation) return;
    agents::Outcome result = reachable(c.host, op) ? execute(op, exec, c.fail, c.host)
                                                  : agents::Outcome{agents::Status::error_generic, "unreachable across the partition"};
    if (!result.ok()) {
      // A failure makes the next stop or start there a deliberate retry.
      last_ok_[{op.resource, op.node}].clear();
      if (!op.peer.empty()) last_ok_[{op.resource, op.peer}].clear();
    }
    feed(c.host, core::OpDone{c.id, std::move(result)});
  }

  /// One network: a controller reaches a host's agents (libvirt), and a migration its target,
  /// only within a partition.
  [[nodiscard]] bool reachable(std::size_t from, const Operation& op) const {
    const int group = hosts_[from].group;
    if (hosts_[index_.at(op.node)].group != group) return false;
    return op.kind != Operation::Kind::migrate_to || hosts_[index_.at(op.peer)].group == group;
  }

  agents::Outcome execute(const Operation& op, std::size_t exec, bool fail, std::size_t by) {
    using agents::Status;
    Host& host = hosts_[exec];
    if (!host.powered) return {Status::error_generic, fmt::format("{} is unreachable", host.id)};
    auto it = host.running.find(op.resource);
    const bool there = it != host.running.end();
    auto& last = last_ok_[{op.resource, host.id}];
    switch (op.kind) {
      case Operation::Kind::monitor: {
        // After a monitor that did not find it healthy, a stop or start is a deliberate retry.
        if (fail || !there || !it->second.healthy) last.clear();
        if (fail) return {Status::error_generic, "injected monitor failure"};
        if (!there) return {Status::not_running, "not running"};
        return it->second.healthy ? agents::Outcome{} : agents::Outcome{Status::error_generic, "crashed"};
      }
      case Operation::Kind::start:
        if (fail) {
          host.running[op.resource] = Instance{false};
          last.clear();
          changed(op.resource);
          return {Status::error_generic, "injected start failure"};
        }
        host.running[op.resource] = Instance{true};
        last = "start";
        check_fenced_first(op.resource, host.id);
        changed(op.resource);
        return {};
      case Operation::Kind::stop:
        if (fail) {
          last.clear();
          return {Status::error_generic, "injected stop failure"};
        }
        host.running.erase(op.resource);
        last = "stop";
        last_stop_[{op.resource, host.id}] = {by, quorate(by)};
        return {};
      case Operation::Kind::migrate_to: {
        Host& target = hosts_[index_.at(op.peer)];
        if (fail) return {Status::error_generic, "injected migration failure"};
        if (!there || !it->second.healthy) return {Status::error_generic, "not running here"};
        if (!target.powered) return {Status::error_generic, fmt::format("{} is unreachable", target.id)};
        host.running.erase(it);
        target.running[op.resource] = Instance{true};
        last.clear();  // a later stop here follows doubt about where it went, not a repeat
        check_fenced_first(op.resource, target.id, host.id);
        last_ok_[{op.resource, target.id}] = "start";
        ++outcome_.migrations;
        changed(op.resource);
        return {};
      }
      case Operation::Kind::migrate_from:
        return there ? agents::Outcome{} : agents::Outcome{Status::error_generic, "the migration did not arrive"};
      case Operation::Kind::repair:
        // In place: what crashed inside works again; where it is does not change.
        if (fail) return {Status::error_generic, "injected repair failure"};
        if (!there) return {Status::error_generic, "nothing to repair: not running here"};
        it->second.healthy = true;
        return {};
    }
    return {};
  }

  void fence(std::size_t h, const core::FenceNode& f) {
    ++outcome_.fences;
    auto target = index_.find(f.node);
    if (target == index_.end()) return;
    // Only a leave the fencing node heard of: a partition may cut the notice off, and then the
    // node is lost to the majority, which must fence it.
    if (hosts_[target->second].left_cleanly && !hosts_[target->second].daemon && heard_left_[h].contains(f.node)) {
      violation("clean-leave", fmt::format("{} fences {}, which left the cluster cleanly", hosts_[h].id, f.node));
    }
    const bool ok = !fence_fails_.erase(f.node);
    after(options_.fence_delay, FenceComplete{h, hosts_[h].incarnation, f.id, target->second, ok});
  }

  void handle(FenceComplete& c) {
    if (c.ok) {
      const bool was_up = hosts_[c.target].powered;
      power_off(c.target);
      lost_.erase(c.target);  // fenced: nothing it ran runs any more
      membership_changed(options_.token_timeout);
      if (was_up || !booting_.contains(c.target)) {
        booting_.insert(c.target);
        after(options_.reboot_after, Boot{c.target});
      }
    }
    if (hosts_[c.host].incarnation != c.incarnation) return;
    feed(c.host, core::OpDone{c.id, c.ok ? agents::Outcome{} : agents::Outcome{agents::Status::error_generic, "injected fence failure"}});
  }

  void handle(Boot& b) {
    booting_.erase(b.host);
    if (hosts_[b.host].powered && hosts_[b.host].daemon) return;
    boot(b.host);
  }

  void handle(Repair&) {
    for (auto& host : hosts_) host.group = 0;
    for (std::size_t h = 0; h < hosts_.size(); ++h) {
      Host& host = hosts_[h];
      if (!host.powered && !booting_.contains(h)) {
        boot(h);
      } else if (host.powered && !host.daemon && !host.left_cleanly) {
        start_daemon(h);
      } else if (host.powered && !host.corosync) {
        host.corosync = true;
      }
    }
    membership_changed(options_.token_timeout);
  }

  void handle(CorosyncBack& b) {
    hosts_[b.host].corosync = true;
    ring_reformed_ = true;  // a restarted corosync joins a new ring: every member sees a new view
    membership_changed(options_.token_timeout / 4);
  }

  void handle(ToCore& e) {
    if (hosts_[e.host].incarnation != e.incarnation) return;
    feed(e.host, e.event);
  }

  void left_cleanly(std::size_t h) {
    Host& host = hosts_[h];
    if (!host.running.empty()) {
      violation("clean-leave", fmt::format("{} left the cluster while {} still ran there", host.id,
                                           host.running.begin()->first));
    }
    kill_daemon(h);
    host.left_cleanly = true;
    membership_changed(10ms);  // a clean CPG leave is seen at once
    after(options_.back_after_leave, Boot{h});
  }

  // --- faults --------------------------------------------------------------------------------------

  void handle(FaultAt& f) {
    const Fault& fault = scenario_.faults[f.index];
    if (options_.trace) fmt::print(stderr, "{:>10.3f} FAULT {}\n", static_cast<double>(now_.count()) / 1000, describe(fault));
    const auto h = fault.node.empty() ? hosts_.size() : index_.at(fault.node);
    switch (fault.kind) {
      case Fault::Kind::crash_host:
        if (!hosts_[h].powered) return;
        remember_lost(h);
        power_off(h);
        hosts_[h].left_cleanly = false;
        membership_changed(options_.token_timeout);
        return;
      case Fault::Kind::crash_daemon:
        if (!hosts_[h].daemon) return;
        kill_daemon(h);
        hosts_[h].left_cleanly = false;
        membership_changed(options_.token_timeout);
        return;
      case Fault::Kind::corosync_restart:
        if (!hosts_[h].corosync || !hosts_[h].powered) return;
        hosts_[h].corosync = false;
        give_view(h, alone_view());  // the daemon's own connection breaks at once
        membership_changed(options_.token_timeout);
        after(std::max(fault.duration, 1ms), CorosyncBack{h});
        return;
      case Fault::Kind::partition:
        for (auto& host : hosts_) host.group = 0;
        for (std::size_t g = 0; g < fault.groups.size(); ++g) {
          for (const auto& n : fault.groups[g]) {
            if (auto it = index_.find(n); it != index_.end()) hosts_[it->second].group = static_cast<int>(g) + 1;
          }
        }
        membership_changed(options_.token_timeout);
        return;
      case Fault::Kind::heal:
        for (auto& host : hosts_) host.group = 0;
        membership_changed(options_.token_timeout);
        return;
      case Fault::Kind::leave:
        return feed(h, core::Leave{fault.value == "reboot" ? model::ShutdownKind::reboot : model::ShutdownKind::poweroff});
      case Fault::Kind::crash_resource:
        for (auto& host : hosts_) {
          if (auto it = host.running.find(fault.resource); it != host.running.end()) {
            it->second.healthy = false;
            last_ok_[{fault.resource, host.id}].clear();
          }
        }
        return;
      case Fault::Kind::fail_next:
        fail_next_.insert({fault.resource, fault.op});
        return;
      case Fault::Kind::hang_next:
        hang_next_.insert({fault.resource, fault.op});
        return;
      case Fault::Kind::fence_fails:
        fence_fails_.insert(fault.node);
        return;
      case Fault::Kind::health:
        // The node's own health monitor sets it; with its daemon down nobody does.
        return command(h, core::SetAttribute{fault.node, "#health-disk", fault.value});
      case Fault::Kind::move:
        if (auto c = coordinator()) command(*c, core::Move{fault.resource, fault.node, fault.value == "offline"});
        return;
      case Fault::Kind::standby:
        if (auto c = coordinator()) command(*c, core::SetStandby{fault.node, fault.on});
        return;
      case Fault::Kind::maintenance:
        if (auto c = coordinator()) command(*c, core::SetMaintenance{fault.node, fault.on});
        return;
    }
  }

  [[nodiscard]] std::optional<std::size_t> coordinator() const {
    for (std::size_t h = 0; h < hosts_.size(); ++h) {
      if (hosts_[h].core && hosts_[h].core->is_coordinator() && hosts_[h].core->view().quorate) return h;
    }
    return std::nullopt;
  }

  // --- invariants ----------------------------------------------------------------------------------

  /// 1. No resource that is not a clone is active on two hosts.
  void changed(const std::string& resource) {
    const model::Resource* r = scenario_.config.find_resource(resource);
    if (r != nullptr && r->clone) return;
    std::vector<std::string> where;
    for (const auto& host : hosts_) {
      if (host.running.contains(resource)) where.push_back(host.id);
    }
    if (where.size() > 1) violation("active-twice", fmt::format("{} is active on {}", resource, fmt::join(where, " and ")));
  }

  /// 3. What ran on a host that was lost must not start elsewhere before it is fenced: checked
  /// when it does start (an operation on the lost host itself fails first).
  /// A live migration out of the lost host itself moves the one copy: `from` is exempt.
  void check_fenced_first(const std::string& resource, const std::string& arrives, const std::string& from = {}) {
    for (const auto& [lost_host, resources] : lost_) {
      if (hosts_[lost_host].id != arrives && hosts_[lost_host].id != from && resources.contains(resource)) {
        violation("fence-first", fmt::format("{} starts on {} while {}, where it ran, is lost and not fenced", resource,
                                             arrives, hosts_[lost_host].id));
      }
    }
  }

  void remember_lost(std::size_t h) {
    auto& lost = lost_[h];
    for (const auto& [resource, instance] : hosts_[h].running) lost.insert(resource);
  }

  void track_lost(const std::set<std::size_t>& in_quorate) {
    if (in_quorate.empty()) return;
    for (std::size_t h = 0; h < hosts_.size(); ++h) {
      if (in_quorate.contains(h)) {
        lost_.erase(h);  // back among the majority: its report tells what it runs
      } else if (hosts_[h].powered && !hosts_[h].left_cleanly) {
        remember_lost(h);
      }
    }
  }

  [[nodiscard]] bool quorate(std::size_t h) const { return hosts_[h].core && hosts_[h].core->view().quorate; }

  /// 2, 3 and 4 — and 7, 8 and 9 (src/sim/invariants.cpp) — when an operation is issued.
  void check_issue(std::size_t h, const Operation& op, std::size_t exec) {
    const bool starts = op.kind == Operation::Kind::start || op.kind == Operation::Kind::migrate_to;
    const core::Core& c = *hosts_[h].core;
    if (starts && !c.view().quorate && c.config().options.no_quorum_policy != model::NoQuorumPolicy::ignore) {
      violation("no-quorum", fmt::format("{} runs {} of {} on {} without quorum", hosts_[h].id,
                                         executor::to_string(op.kind), op.resource, op.node));
    }
    report(check_shutdown_policy(c, hosts_[h].id, op));
    report(check_offline_move(c, hosts_[h].id, op));
    report(check_spare_reserved(c, hosts_[h].id, op, was_active_));
    if (op.kind == Operation::Kind::repair) {
      // A guest that is migrating or being stopped is never reset under it (as for starts and
      // stops: a node that lost quorum stopping its own is deliberate, not a conflict).
      for (const auto& [key, issuers] : in_flight_) {
        if (key.first != op.resource) continue;
        if (std::none_of(issuers.begin(), issuers.end(),
                         [&](std::size_t other) { return other == h || (quorate(other) && quorate(h)); })) {
          continue;
        }
        violation("repair-while-busy", fmt::format("{} repairs {} on {} while another operation on it runs on {}",
                                                   hosts_[h].id, op.resource, op.node, key.second));
      }
    }
    if (op.kind == Operation::Kind::start || op.kind == Operation::Kind::stop) {
      // Two operations at once on one instance, from one controller or from two that both
      // hold quorum, is a conflict; a node that lost quorum stopping its own is deliberate.
      auto busy = in_flight_.find({op.resource, op.node});
      const bool conflict = busy != in_flight_.end() && std::any_of(busy->second.begin(), busy->second.end(), [&](std::size_t other) {
        return other == h || (quorate(other) && quorate(h));
      });
      if (conflict) {
        violation("exactly-once", fmt::format("{} issues {} of {} on {} while another operation on it runs",
                                              hosts_[h].id, executor::to_string(op.kind), op.resource, op.node));
      }
      // With another operation on it still running (from a controller that lost quorum since),
      // the instance's state is in doubt: acting on it again is no repeat.
      const bool settled = busy == in_flight_.end() || busy->second.empty();
      const auto last = last_ok_.find({op.resource, op.node});
      const bool running = hosts_[exec].running.contains(op.resource);
      const std::string_view kind = op.kind == Operation::Kind::start ? "start" : "stop";
      // Another controller's stop may not have reached this one, when one of the two had no
      // quorum: stopping again on stale news is no repeat.
      const auto stop = last_stop_.find({op.resource, op.node});
      const bool news_cut_off = kind == "stop" && stop != last_stop_.end() && stop->second.by != h &&
                                (!stop->second.quorate || !quorate(h));
      auto doubt = in_doubt_.find({op.resource, op.node});
      const bool retry = doubt != in_doubt_.end() && doubt->second.erase(h) > 0;
      if (settled && !news_cut_off && !retry && last != last_ok_.end() && last->second == kind &&
          running == (kind == "start")) {
        violation("exactly-once", fmt::format("{} repeats a successful {} of {} on {}", hosts_[h].id, kind,
                                              op.resource, op.node));
      }
    }
  }

  /// 5. At the end (src/sim/invariants.cpp).
  void check_converged() {
    auto c = coordinator();
    if (!c) return violation("converges", "no quorate coordinator at the end");
    std::set<std::pair<std::string, std::string>> running;
    for (const auto& host : hosts_) {
      for (const auto& [resource, instance] : host.running) running.insert({resource, host.id});
    }
    report(sim::check_converged(*hosts_[*c].core, hosts_[*c].id, clock().wall, running));
  }

  void report(std::optional<Broken> v) {
    if (v) violation(std::move(v->invariant), std::move(v->detail));
  }

  const Scenario& scenario_;
  Options options_;
  Rng rng_;
  Millis now_{0};
  std::shared_ptr<TraceSink> sink_;
  std::vector<Host> hosts_;
  std::map<std::string, std::size_t, std::less<>> index_;
  std::priority_queue<Scheduled, std::vector<Scheduled>, std::greater<>> queue_;
  std::uint64_t seq_ = 0;
  std::map<std::uint64_t, Message> messages_;
  std::uint64_t next_message_ = 1;
  std::uint64_t view_id_ = 0;
  bool ring_reformed_ = false;
  std::set<std::pair<std::string, std::string>> fail_next_, hang_next_;
  std::set<std::string> fence_fails_;
  std::set<std::size_t> booting_;
  std::map<std::size_t, std::set<std::string>> lost_;
  std::map<std::pair<std::string, std::string>, std::multiset<std::size_t>> in_flight_;  ///< who issued them
  std::map<std::pair<std::string, std::string>, std::string> last_ok_;
  std::set<std::string> was_active_;  ///< resources a start or stop was issued for (9)
  struct Stop {
    std::size_t by;  ///< the controller that issued it
    bool quorate;    ///< whether it had quorum when the stop was done
  };
  std::map<std::pair<std::string, std::string>, Stop> last_stop_;  ///< the last successful stop there
  std::map<std::size_t, std::set<std::string>> heard_left_;  ///< whose clean leave each controller heard
  /// Controllers with an operation there that never answered (it hung).
  std::map<std::pair<std::string, std::string>, std::set<std::size_t>> in_doubt_;
  Outcome outcome_;
};

}  // namespace

Outcome run(const Scenario& scenario, const Options& options) { return World(scenario, options).run(); }

}  // namespace wholesale_ha::sim
