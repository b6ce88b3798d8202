#include "decisions.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include <fmt/format.h>

#include <wholesale_ha/policy/shutdown.hpp>

namespace wholesale_ha::policy::detail {
namespace {

bool has_kind(const ProtoList& protos, ActionKind kind) {
  return std::any_of(protos.begin(), protos.end(), [&](const Proto& p) { return p.kind == kind; });
}

/// Nodes on which `protos` stop the resource (migrations do not count: nothing stops).
std::vector<Index> stop_nodes(const ProtoList& protos) {
  std::vector<Index> out;
  for (const auto& p : protos) {
    if (p.kind == ActionKind::stop) out.push_back(p.node);
  }
  return out;
}

std::string node_list(const Compiled& c, const std::vector<Index>& nodes) {
  std::vector<std::string> ids;
  for (Index n : nodes) ids.push_back(c.node_id(n));
  return fmt::format("{}", fmt::join(ids, ", "));
}

class Decider {
 public:
  Decider(const Compiled& c, const Placement& p, const ReasonWriter& reasons)
      : c_(c), p_(p), reasons_(reasons) {
    d_.by_resource.resize(c.resources.size());
  }

  Decisions run() {
    plan_fencing();
    for (Index r = 0; r < c_.resources.size(); ++r) {
      if (c_.resources[r].is_clone) {
        decide_clone(r);
      } else {
        decide_primitive(r);
      }
      report_unplaced(r);
    }
    propagate_dependencies();
    stage_migrations();
    return std::move(d_);
  }

 private:
  void plan_fencing() {
    const bool fencing = c_.config->options.stonith_enabled;
    for (Index n = 0; n < c_.nodes.size(); ++n) {
      if (c_.nodes[n].state != model::NodeState::unclean) continue;
      if (fencing) {
        d_.fences.push_back(
            {ActionKind::fence, kNone, n, kNone,
             {ReasonCode::node_fenced,
              fmt::format("node {} is lost (unclean); it is fenced before its resources start "
                          "elsewhere",
                          c_.node_id(n))}});
      } else {
        d_.notices.push_back(
            {"", {ReasonCode::fencing_disabled,
                  fmt::format("node {} is lost and fencing is disabled: its resources are not "
                              "recovered until it is confirmed down (state offline)",
                              c_.node_id(n))}});
      }
    }
  }

  void add(Index r, ActionKind kind, Index node, Index target, Reason reason) {
    d_.by_resource[r].emplace_back(kind, r, node, target, std::move(reason));
  }

  [[nodiscard]] bool may_migrate(Index r) const {
    const auto& info = c_.resources[r];
    return info.meta.allow_migrate && !info.is_clone && c_.config->options.migration_limit != 0;
  }

  /// Leaving a node that shuts down, under a policy other than migrate: stop and start.
  [[nodiscard]] bool shutdown_forbids_migration(Index r, Index from) const {
    const auto& kind = c_.nodes[from].shutdown;
    return kind && shutdown_policy(*c_.resources[r].config, c_.config->options, *kind) != model::ShutdownPolicy::migrate;
  }

  void decide_primitive(Index r) {
    if (p_.pinned[r]) return;
    const ResourceInfo& info = c_.resources[r];
    const Index target = p_.node_of[r];
    const auto& active = info.active;
    const std::size_t copies = active.size() + info.lost_on.size();

    if (target == kNone) {
      const Reason why = reasons_.unplaced(r);
      for (const auto& inst : active) {
        add(r, ActionKind::stop, inst.node, kNone,
            inst.failed ? reasons_.leave(r, inst.node, true) : why);
      }
      return;
    }
    if (copies > 1) {
      std::vector<Index> where;
      for (const auto& inst : active) where.push_back(inst.node);
      where.insert(where.end(), info.lost_on.begin(), info.lost_on.end());
      const Reason why{ReasonCode::active_multiple,
                       fmt::format("{} is active on {}; it must run once",
                                   c_.resource_id(r), node_list(c_, where))};
      for (const auto& inst : active) add(r, ActionKind::stop, inst.node, kNone, why);
      add(r, ActionKind::start, target, kNone, why);
      return;
    }
    if (!info.lost_on.empty()) {
      add(r, ActionKind::start, target, kNone, reasons_.leave(r, info.lost_on.front(), false));
      return;
    }
    if (active.empty()) {
      add(r, ActionKind::start, target, kNone, reasons_.start(r, target));
      return;
    }
    const Instance& inst = active.front();
    if (inst.node == target && !inst.failed) return;
    Reason why = reasons_.leave(r, inst.node, inst.failed);
    const bool offline = std::find(info.offline_to.begin(), info.offline_to.end(), target) != info.offline_to.end();
    if (offline && !inst.failed && may_migrate(r)) why.text += "; an offline move: stopped and started, not migrated";
    if (!inst.failed && !offline && may_migrate(r) && !shutdown_forbids_migration(r, inst.node)) {
      add(r, ActionKind::migrate, inst.node, target, std::move(why));
    } else {
      add(r, ActionKind::stop, inst.node, kNone, why);
      add(r, ActionKind::start, target, kNone, std::move(why));
    }
  }

  void decide_clone(Index r) {
    const ResourceInfo& info = c_.resources[r];
    std::map<Index, int> wanted;
    for (Index n : p_.clone_nodes[r]) ++wanted[n];
    // Instances that stay untouched (maintenance, blocked) were put into clone_nodes as is.
    std::map<Index, int> healthy;
    for (const auto& inst : info.active) {
      if (inst.frozen) {
        --wanted[inst.node];
        continue;
      }
      if (inst.failed) {
        add(r, ActionKind::stop, inst.node, kNone, reasons_.leave(r, inst.node, true));
      } else {
        ++healthy[inst.node];
      }
    }
    if (!c_.config->options.stonith_enabled) {
      for (Index n : info.lost_on) --wanted[n];
    }
    for (auto& [n, count] : healthy) {
      const int keep = std::min(count, std::max(wanted[n], 0));
      for (int i = keep; i < count; ++i) {
        add(r, ActionKind::stop, n, kNone,
            p_.why[r] == Unplaced::placed ? reasons_.leave(r, n, false) : reasons_.unplaced(r));
      }
      wanted[n] -= keep;
    }
    std::vector<Index> failed_on;
    for (const auto& inst : info.active) {
      if (inst.failed) failed_on.push_back(inst.node);
    }
    for (const auto& [n, count] : wanted) {
      for (int i = 0; i < count; ++i) {
        Reason why = reasons_.start(r, n);
        if (std::find(failed_on.begin(), failed_on.end(), n) != failed_on.end()) {
          why = reasons_.leave(r, n, true);
        } else if (!info.lost_on.empty()) {
          why = reasons_.leave(r, info.lost_on.front(), false);
        }
        add(r, ActionKind::start, n, kNone, why);
      }
    }
  }

  void report_unplaced(Index r) {
    const auto why = p_.why[r];
    if (why == Unplaced::placed || why == Unplaced::target_stopped || why == Unplaced::unmanaged) return;
    d_.notices.push_back({c_.resource_id(r), reasons_.unplaced(r)});
  }

  /// Resources in an order where every mandatory `first` comes before its `then`.
  std::vector<Index> dependency_order() const {
    const std::size_t count = c_.resources.size();
    std::vector<std::vector<Index>> next(count);
    std::vector<std::size_t> waiting(count, 0);
    for (const auto& o : c_.orders) {
      if (!o.mandatory || !o.symmetrical) continue;
      next[o.first].push_back(o.then);
      ++waiting[o.then];
    }
    std::vector<Index> order;
    std::vector<Index> ready;
    for (Index r = 0; r < count; ++r) {
      if (waiting[r] == 0) ready.push_back(r);
    }
    std::vector<bool> done(count, false);
    for (std::size_t i = 0; i < ready.size(); ++i) {
      const Index r = ready[i];
      done[r] = true;
      order.push_back(r);
      for (Index t : next[r]) {
        if (--waiting[t] == 0) ready.push_back(t);
      }
    }
    for (Index r = 0; r < count; ++r) {  // cycles: handled in configuration order
      if (!done[r]) order.push_back(r);
    }
    return order;
  }

  /// docs/policy.md §5: a `then` cannot stay up (or migrate) across its `first` stopping.
  void propagate_dependencies() {
    if (std::none_of(c_.orders.begin(), c_.orders.end(),
                     [](const OrderTerm& o) { return o.mandatory && o.symmetrical; })) {
      return;  // nothing depends on anything: no tables to build
    }
    std::vector<std::vector<Index>> firsts(c_.resources.size());
    for (const auto& o : c_.orders) {
      if (o.mandatory && o.symmetrical) firsts[o.then].push_back(o.first);
    }
    for (Index t : dependency_order()) {
      for (Index f : firsts[t]) {
        const auto f_stops = stop_nodes(d_.by_resource[f]);
        if (f_stops.empty()) continue;
        restart_dependent(t, f, f_stops);
      }
    }
  }

  void restart_dependent(Index t, Index f, const std::vector<Index>& f_stops) {
    if (p_.pinned[t]) return;
    const bool local = c_.resources[f].is_clone;  // depends on the clone's instance on its node
    auto affected = [&](Index node) {
      return !local || std::find(f_stops.begin(), f_stops.end(), node) != f_stops.end();
    };
    auto& protos = d_.by_resource[t];
    const Reason why{ReasonCode::dependency,
                     fmt::format("{} depends on {} which {}", c_.resource_id(t),
                                 c_.resource_id(f),
                                 has_kind(d_.by_resource[f], ActionKind::start) ? "is restarted"
                                                                               : "stops")};
    // A migration would leave `t` running across its dependency's stop (for a clone
    // dependency: only when the instance on the destination stops).
    auto migration = std::find_if(protos.begin(), protos.end(),
                                  [](const Proto& p) { return p.kind == ActionKind::migrate; });
    if (migration != protos.end() && affected(migration->target)) {
      // The reason keeps docs/policy.md §4's precedence: a weightier cause for leaving the
      // node stays (with how it moves explained after it); otherwise the dependency is it.
      const std::string because = fmt::format("{} depends on {} which does not migrate",
                                              c_.resource_id(t), c_.resource_id(f));
      Reason leaving = migration->reason;
      if (leaving.code == ReasonCode::better_placement) {
        leaving = {ReasonCode::dependency, because + "; moved by stop and start"};
      } else {
        leaving.text += "; moved by stop and start because " + because;
      }
      migration_to_move(protos, leaving);
    }
    // Instances that stay where they are restart around the dependency.
    const auto& info = c_.resources[t];
    for (const auto& inst : info.active) {
      if (inst.failed || !affected(inst.node)) continue;
      const bool touched = std::any_of(protos.begin(), protos.end(), [&](const Proto& p) {
        return p.node == inst.node && (p.kind == ActionKind::stop || p.kind == ActionKind::migrate);
      });
      if (touched) continue;
      const bool stays = info.is_clone ? std::count(p_.clone_nodes[t].begin(),
                                                    p_.clone_nodes[t].end(), inst.node) > 0
                                       : p_.node_of[t] == inst.node;
      if (!stays) continue;
      // It stays placed there, so `f` still runs (a clone: somewhere): it starts again after.
      add(t, ActionKind::stop, inst.node, kNone, why);
      add(t, ActionKind::start, inst.node, kNone, why);
    }
  }

  /// docs/policy.md §7: at most `migration_limit` migrations per node per transition.
  void stage_migrations() {
    const auto limit = c_.config->options.migration_limit;
    if (limit <= 0) return;
    std::vector<std::int32_t> load(c_.nodes.size(), 0);
    std::map<Index, std::vector<ProtoList>> deferred;  // unit → its members' protos
    std::map<Index, Reason> deferred_why;
    for (Index u : p_.unit_order) {
      const Unit& unit = c_.units[u];
      std::vector<std::int32_t> extra(c_.nodes.size(), 0);
      bool migrates = false;
      bool only_migrations = true;
      for (Index r : unit.members) {
        for (const auto& proto : d_.by_resource[r]) {
          if (proto.kind == ActionKind::migrate) {
            ++extra[proto.node];
            ++extra[proto.target];
            migrates = true;
          } else {
            only_migrations = false;
          }
        }
      }
      if (!migrates) continue;
      // A unit that needs more migrations than the limit on an otherwise idle node goes
      // alone (its members are ordered among themselves), so staging always progresses.
      Index full = kNone;
      for (Index n = 0; n < c_.nodes.size(); ++n) {
        if (extra[n] > 0 && load[n] > 0 && load[n] + extra[n] > limit) {
          full = n;
          break;
        }
      }
      if (full == kNone) {
        for (Index n = 0; n < c_.nodes.size(); ++n) load[n] += extra[n];
        continue;
      }
      const Reason why{ReasonCode::migration_deferred,
                       fmt::format("migration_limit {} reached on {}; a later transition "
                                   "migrates it",
                                   limit, c_.node_id(full))};
      if (only_migrations) {
        auto& saved = deferred[u];
        for (Index r : unit.members) saved.push_back(std::exchange(d_.by_resource[r], {}));
        deferred_why[u] = why;
        continue;
      }
      for (Index r : unit.members) {
        if (has_kind(d_.by_resource[r], ActionKind::migrate)) {
          migration_to_move(d_.by_resource[r], why);
        }
      }
    }
    // Waiting must never break a constraint: a unit whose staying put would clash with what
    // arrives on its node (a -INFINITY colocation, capacity) migrates now, over the limit.
    for (bool changed = true; changed;) {
      changed = false;
      const auto after = nodes_after();
      for (auto it = deferred.begin(); it != deferred.end(); ++it) {
        if (!staying_clashes(c_.units[it->first], after)) continue;
        const auto& members = c_.units[it->first].members;
        for (std::size_t i = 0; i < members.size(); ++i) d_.by_resource[members[i]] = it->second[i];
        deferred.erase(it);
        changed = true;
        break;
      }
    }
    for (const auto& [u, saved] : deferred) {
      const auto& members = c_.units[u].members;
      for (std::size_t i = 0; i < members.size(); ++i) {
        if (!saved[i].empty()) d_.notices.push_back({c_.resource_id(members[i]), deferred_why[u]});
      }
    }
  }

  /// Where each primitive will be once the current actions succeed (kNone: nowhere).
  [[nodiscard]] std::vector<Index> nodes_after() const {
    std::vector<Index> out(c_.resources.size(), kNone);
    for (Index r = 0; r < c_.resources.size(); ++r) {
      const auto& info = c_.resources[r];
      if (info.is_clone) continue;
      for (const auto& inst : info.active) {
        if (!inst.failed) out[r] = inst.node;
      }
      for (const auto& proto : d_.by_resource[r]) {
        if (proto.kind == ActionKind::migrate) out[r] = proto.target;
        if (proto.kind == ActionKind::stop && out[r] == proto.node) out[r] = kNone;
        if (proto.kind == ActionKind::start) out[r] = proto.node;
      }
    }
    return out;
  }

  /// True when a deferred unit left where it is would share a node with something it must
  /// never share one with, or overfill it.
  [[nodiscard]] bool staying_clashes(const Unit& unit, const std::vector<Index>& after) const {
    for (Index m : unit.members) {
      const Index here = after[m];
      if (here == kNone) continue;
      for (Index r = 0; r < c_.resources.size(); ++r) {
        for (const auto& term : c_.resources[r].colocations) {
          if (term.score > model::kMinusInfinity) continue;
          const Index other = r == m ? term.other : (term.other == m ? r : kNone);
          if (other != kNone && after[other] == here) return true;
        }
      }
      if (!c_.utilization_enabled) continue;
      const std::size_t keys = c_.utilization_keys.size();
      std::vector<std::int64_t> used(keys, 0);
      for (Index r = 0; r < c_.resources.size(); ++r) {
        const auto count = c_.resources[r].is_clone
                               ? std::count(p_.clone_nodes[r].begin(), p_.clone_nodes[r].end(), here)
                               : (after[r] == here ? 1 : 0);
        for (std::size_t k = 0; k < keys; ++k) used[k] += count * c_.resources[r].demand[k];
      }
      for (std::size_t k = 0; k < keys; ++k) {
        if (used[k] > c_.nodes[here].capacity[k]) return true;
      }
    }
    return false;
  }

  const Compiled& c_;
  const Placement& p_;
  const ReasonWriter& reasons_;
  Decisions d_;
};

}  // namespace

void migration_to_move(ProtoList& protos, const Reason& why) {
  for (std::size_t i = 0; i < protos.size(); ++i) {
    if (protos[i].kind != ActionKind::migrate) continue;
    Proto stop{ActionKind::stop, protos[i].resource, protos[i].node, kNone, why};
    Proto start{ActionKind::start, protos[i].resource, protos[i].target, kNone, why};
    protos[i] = stop;
    protos.insert(protos.begin() + static_cast<std::ptrdiff_t>(i) + 1, start);
    return;
  }
}

Decisions decide(const Compiled& c, const Placement& p, const ReasonWriter& reasons) {
  return Decider{c, p, reasons}.run();
}

Decisions decide_without_quorum(const Compiled& c) {
  Decisions d;
  d.by_resource.resize(c.resources.size());
  const bool stop_all = c.config->options.no_quorum_policy == model::NoQuorumPolicy::stop;
  d.notices.push_back(
      {"", {ReasonCode::no_quorum,
            stop_all ? std::string{"the partition has no quorum: every resource is stopped "
                                   "(no_quorum_policy stop)"}
                     : std::string{"the partition has no quorum: nothing starts, migrates or "
                                   "is fenced (no_quorum_policy freeze)"}}});
  for (Index r = 0; r < c.resources.size(); ++r) {
    const auto& info = c.resources[r];
    const bool unwanted = info.meta.target_role == model::TargetRole::stopped;
    for (const auto& inst : info.active) {
      if (inst.frozen) continue;
      Reason why;
      if (stop_all) {
        why = {ReasonCode::no_quorum,
               fmt::format("no quorum: {} stops on {}", info.config->id, c.node_id(inst.node))};
      } else if (inst.failed) {
        why = {ReasonCode::failed, fmt::format("{} failed on {}; without quorum it is stopped, "
                                               "not recovered",
                                               info.config->id, c.node_id(inst.node))};
      } else if (unwanted) {
        why = {ReasonCode::target_role_stopped, info.config->id + " has target_role stopped"};
      } else {
        continue;
      }
      d.by_resource[r].push_back({ActionKind::stop, r, inst.node, kNone, why});
    }
  }
  return d;
}

}  // namespace wholesale_ha::policy::detail
