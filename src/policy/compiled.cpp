#include "compiled.hpp"

#include <algorithm>
#include <numeric>
#include <queue>
#include <set>
#include <unordered_map>

#include "node_health.hpp"
#include "rules.hpp"

namespace wholesale_ha::policy::detail {
namespace {

/// Union-find over resource indices, for building units.
class DisjointSets {
 public:
  explicit DisjointSets(std::size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0); }
  Index find(Index x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  void join(Index a, Index b) {
    a = find(a);
    b = find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);
  }

 private:
  std::vector<Index> parent_;
};

class Compiler {
 public:
  Compiler(const model::ClusterState& state, const model::Config& config) {
    c_.config = &config;
    c_.state = &state;
    c_.utilization_enabled =
        config.options.placement_strategy != model::PlacementStrategy::default_;
  }

  Compiled run() {
    collect_utilization_keys();
    compile_nodes();
    compile_resources();
    compile_groups();
    compile_constraints();
    compile_status();
    compile_spares();
    build_units();
    return std::move(c_);
  }

 private:
  const model::Config& config() const { return *c_.config; }
  const model::ClusterState& state() const { return *c_.state; }

  void collect_utilization_keys() {
    if (!c_.utilization_enabled) return;
    std::set<std::string> keys;
    for (const auto& r : config().resources) {
      for (const auto& [k, v] : r.utilization) keys.insert(k);
    }
    c_.utilization_keys.assign(keys.begin(), keys.end());
    if (const auto& failover = config().options.failover_capacity; failover && !failover->percent.empty()) {
      c_.reserve_percent = amounts(failover->percent);
    }
    if (const auto& failover = config().options.failover_capacity) c_.reserve_hosts = failover->hosts;
  }

  std::vector<std::int64_t> amounts(const model::Utilization& u) const {
    std::vector<std::int64_t> out(c_.utilization_keys.size(), 0);
    for (std::size_t k = 0; k < out.size(); ++k) {
      auto it = u.find(c_.utilization_keys[k]);
      if (it != u.end()) out[k] = it->second;
    }
    return out;
  }

  void compile_nodes() {
    const auto& nodes = config().nodes;
    c_.nodes.resize(nodes.size());
    for (Index n = 0; n < nodes.size(); ++n) {
      NodeInfo& info = c_.nodes[n];
      info.config = &nodes[n];
      info.attributes = nodes[n].attributes;
      if (auto it = state().nodes.find(nodes[n].id); it != state().nodes.end()) {
        info.state = it->second.state;
        for (const auto& [k, v] : it->second.attributes) info.attributes[k] = v;
        if (info.state == model::NodeState::online) info.shutdown = it->second.shutdown;
        info.evacuate = it->second.evacuate;
      }
      info.can_host = info.state == model::NodeState::online && !nodes[n].standby &&
                      !nodes[n].maintenance && !info.shutdown && !info.evacuate;
      auto health = node_health(info.attributes, config().options.health);
      info.health = health.score;
      if (info.health != 0) c_.scored_health_nodes.push_back(n);
      info.health_evidence = std::move(health.evidence);
      info.degraded = !degraded_colour(info.attributes).empty();
      info.capacity = amounts(nodes[n].capacity);
    }
  }

  void compile_resources() {
    const auto& resources = config().resources;
    c_.resources.resize(resources.size());
    for (Index r = 0; r < resources.size(); ++r) {
      ResourceInfo& info = c_.resources[r];
      info.config = &resources[r];
      info.config_index = r;
      info.meta = model::effective_meta(resources[r].meta, config().options.resource_defaults);
      if (resources[r].clone) {
        info.is_clone = true;
        info.clone_max = resources[r].clone->max.value_or(static_cast<std::int32_t>(c_.nodes.size()));
        info.clone_node_max = resources[r].clone->node_max;
      }
      info.demand = amounts(resources[r].utilization);
      // Unmanaged: left exactly as it is, like what runs on a maintenance node.
      if (!info.meta.managed) {
        info.frozen = true;
        c_.any_frozen_or_lost = true;
      }
    }
  }

  // Groups become +INFINITY colocations and mandatory orders between consecutive members.
  void compile_groups() {
    for (const auto& group : config().groups) {
      std::vector<Index> members;
      for (const auto& id : group.resources) {
        if (Index r = c_.resource(id); r != kNone) members.push_back(r);
      }
      if (members.empty()) continue;
      group_first_.emplace(group.id, members.front());
      group_last_.emplace(group.id, members.back());
      group_members_.emplace(group.id, members);
      for (std::size_t i = 1; i < members.size(); ++i) {
        c_.resources[members[i]].requires_.push_back(members[i - 1]);
        c_.orders.push_back({members[i - 1], members[i], true, true});
      }
    }
  }

  /// All resources a constraint naming `id` applies to (a group means all its members).
  std::vector<Index> expand(const std::string& id) const {
    if (auto it = group_members_.find(id); it != group_members_.end()) return it->second;
    if (Index r = c_.resource(id); r != kNone) return {r};
    return {};
  }
  /// The resource that stands for `id` when something must follow it (a group's last member).
  Index last_of(const std::string& id) const {
    if (auto it = group_last_.find(id); it != group_last_.end()) return it->second;
    return c_.resource(id);
  }
  /// The resource that stands for `id` when it follows something (a group's first member).
  Index first_of(const std::string& id) const {
    if (auto it = group_first_.find(id); it != group_first_.end()) return it->second;
    return c_.resource(id);
  }

  void add_colocation(Index dependent, Index primary, Score score, Index constraint) {
    if (dependent == kNone || primary == kNone || dependent == primary) return;
    const bool hard_together = score >= model::kInfinity;
    if (hard_together && !c_.resources[dependent].is_clone && !c_.resources[primary].is_clone) {
      c_.resources[dependent].requires_.push_back(primary);
      return;
    }
    c_.resources[dependent].colocations.push_back({primary, score, constraint});
    c_.any_colocation = true;
  }

  void compile_constraints() {
    const auto& constraints = config().constraints;
    for (Index ci = 0; ci < constraints.size(); ++ci) {
      std::visit(
          [&](const auto& c) {
            using T = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<T, model::LocationConstraint>) {
              compile_location(c, ci);
            } else if constexpr (std::is_same_v<T, model::ColocationConstraint>) {
              add_colocation(first_of(c.resource), last_of(c.with), c.score, ci);
            } else if constexpr (std::is_same_v<T, model::OrderConstraint>) {
              Index first = last_of(c.first);
              Index then = first_of(c.then);
              if (first != kNone && then != kNone && first != then) {
                c_.orders.push_back(
                    {first, then, c.kind == model::OrderKind::mandatory, c.symmetrical});
              }
            } else {
              Index on = last_of(c.on);
              Index dependent = first_of(c.resource);
              add_colocation(dependent, on, model::kInfinity, ci);
              if (on != kNone && dependent != kNone && on != dependent) {
                c_.orders.push_back({on, dependent, true, true});
              }
            }
          },
          constraints[ci]);
    }
  }

  void compile_location(const model::LocationConstraint& c, Index ci) {
    std::vector<NodeScoreTerm> terms;
    if (c.node) {
      if (Index n = c_.node(*c.node); n != kNone) terms.push_back({n, c.score, ci});
    } else if (c.rule) {
      for (Index n = 0; n < c_.nodes.size(); ++n) {
        if (rule_matches(*c.rule, c_.nodes[n].attributes)) terms.push_back({n, c.rule->score, ci});
      }
    }
    for (Index r : expand(c.resource)) {
      auto& info = c_.resources[r];
      info.locations.insert(info.locations.end(), terms.begin(), terms.end());
      for (const auto& t : terms) info.allowed_nodes.push_back(t.node);
      if (c.offline && c.score > 0) {
        for (const auto& t : terms) info.offline_to.push_back(t.node);
      }
    }
  }

  void compile_status() {
    std::vector<std::pair<Index, Instance>> active;  // (resource, instance), state order
    active.reserve(state().resources.size());
    // Each id is first compared with a guess, the last entry's index plus the step between
    // the last two: that is right for the next resource in configuration order, and for the
    // same or the next node whether the status lists nodes' resources together or resources
    // placed round-robin. The first guesses are index 0 (count - 1 plus 1, wrapped).
    const auto r_count = static_cast<Index>(c_.resources.size());
    const auto n_count = static_cast<Index>(c_.nodes.size());
    Index last_r = r_count - 1, r_step = 1;
    Index last_n = n_count - 1, n_step = 1;
    auto wrap = [](Index i, Index count) { return i >= count ? i - count : i; };
    for (const auto& p : state().resources) {
      const Index r = c_.resource(p.resource, wrap(last_r + r_step, r_count));
      const Index n = c_.node(p.node, wrap(last_n + n_step, n_count));
      if (r == kNone || n == kNone) continue;
      r_step = r >= last_r ? r - last_r : r + r_count - last_r;
      n_step = n >= last_n ? n - last_n : n + n_count - last_n;
      last_r = r;
      last_n = n;
      auto& info = c_.resources[r];
      switch (c_.nodes[n].state) {
        case model::NodeState::offline:  // stale: an offline node runs nothing, but it ran there
          info.ran_before = true;
          break;
        case model::NodeState::unclean:
          info.lost_on.push_back(n);
          c_.any_frozen_or_lost = true;
          break;
        case model::NodeState::online: {
          const bool frozen = c_.nodes[n].config->maintenance || p.state == model::ResourceState::blocked ||
                              !info.meta.managed;
          active.push_back({r, {n, p.state != model::ResourceState::started, frozen}});
          info.frozen = info.frozen || frozen;
          c_.any_frozen_or_lost = c_.any_frozen_or_lost || frozen;
          break;
        }
      }
    }
    // Instances grouped by resource, each resource's in status order: a counting sort, as
    // a status listed node by node (a CIB's) is far from configuration order.
    std::vector<Index> begin(c_.resources.size() + 1, 0);  // resource r's: [begin[r], begin[r + 1])
    for (const auto& entry : active) ++begin[entry.first + 1];
    for (std::size_t r = 1; r < begin.size(); ++r) begin[r] += begin[r - 1];
    c_.instances.resize(active.size());
    for (const auto& [r, instance] : active) c_.instances[begin[r]++] = instance;
    Index start = 0;
    for (Index r = 0; r < c_.resources.size(); ++r) {
      const Index end = begin[r];  // filling moved begin[r] to where r's instances end
      if (end > start) c_.resources[r].active = std::span{c_.instances}.subspan(start, end - start);
      start = end;
    }
    compile_frozen();
    // Failcounts: summed per resource and node, expired ones skipped.
    std::vector<std::pair<std::pair<Index, Index>, std::int64_t>> counts;
    for (const auto& f : state().failcounts) {
      Index r = c_.resource(f.resource);
      Index n = c_.node(f.node);
      if (r == kNone || n == kNone) continue;
      const auto timeout_ms = c_.resources[r].meta.failure_timeout.count();
      if (timeout_ms > 0 && (state().now - f.last_failure) * 1000 >= timeout_ms) continue;
      counts.push_back({{r, n}, f.count});
    }
    std::sort(counts.begin(), counts.end());
    for (std::size_t i = 0; i < counts.size();) {
      auto key = counts[i].first;
      std::int64_t total = 0;
      for (; i < counts.size() && counts[i].first == key; ++i) total += counts[i].second;
      auto& info = c_.resources[key.first];
      info.failcounts.push_back({key.second, total});
      const auto threshold = info.meta.migration_threshold;
      if (threshold > 0 && total >= threshold) info.banned_by_failures.push_back(key.second);
    }
    for (auto& info : c_.resources) {
      const auto budget = info.meta.max_relocate;
      info.relocations_spent = budget >= 0 && info.banned_by_failures.size() > static_cast<std::size_t>(budget);
    }
  }

  /// Resources waiting for their node (shutdown_policy freeze). A record no longer holds
  /// once the resource runs (healthy) on another node, or once its node was lost instead of
  /// shut down (then it is recovered elsewhere after the fence, like anything else there). A
  /// failed instance elsewhere is only stopped.
  void compile_frozen() {
    for (const auto& f : state().frozen) {
      const Index r = c_.resource(f.resource);
      const Index n = c_.node(f.node);
      if (r == kNone || n == kNone || c_.resources[r].is_clone) continue;
      if (c_.nodes[n].state == model::NodeState::unclean) continue;
      auto& info = c_.resources[r];
      const bool elsewhere = std::any_of(info.active.begin(), info.active.end(),
                                         [&](const Instance& i) { return i.node != n && !i.failed; });
      if (elsewhere || !info.lost_on.empty()) continue;
      info.waits_for = n;
    }
    for (const auto& [resource, node] : state().last_node) {
      const Index r = c_.resource(resource);
      if (r != kNone && c_.resources[r].active.empty()) c_.resources[r].last_node = c_.node(node);
    }
    for (const auto& [resource, node] : state().last_node) {
      if (const Index r = c_.resource(resource); r != kNone) c_.resources[r].ran_before = true;
    }
    for (auto& info : c_.resources) info.ran_before = info.ran_before || !info.lost_on.empty();
    for (const auto& f : state().returns) {
      const Index r = c_.resource(f.resource);
      const Index n = c_.node(f.node);
      if (r == kNone || n == kNone || c_.resources[r].is_clone || c_.nodes[n].evacuate) continue;
      c_.resources[r].returns_to = n;
    }
  }

  /// Spare nodes (docs/policy.md §11): which resources are being recovered (their node is
  /// gone, or its health bans them) and may use one, and whether the spares fail back now.
  void compile_spares() {
    const auto& failover = config().options.failover_capacity;
    if (!failover || failover->spare_nodes.empty()) return;
    for (const auto& id : failover->spare_nodes) {
      if (const Index n = c_.node(id); n != kNone && !c_.nodes[n].spare) {
        c_.nodes[n].spare = true;
        c_.spare_nodes.push_back(n);
      }
    }
    std::sort(c_.spare_nodes.begin(), c_.spare_nodes.end());
    auto banned_by_health = [&](Index n, const ResourceInfo& info) {
      return c_.nodes[n].health <= model::kMinusInfinity && !info.meta.allow_unhealthy_nodes;
    };
    for (auto& info : c_.resources) {
      if (!info.lost_on.empty()) {
        info.recovering = true;
      } else if (info.active.empty()) {
        info.recovering = info.last_node != kNone && c_.nodes[info.last_node].state != model::NodeState::online;
      } else {
        info.recovering = std::any_of(info.active.begin(), info.active.end(),
                                      [&](const Instance& i) { return banned_by_health(i.node, info); });
      }
    }
    c_.failback_now = failover->failback && std::all_of(c_.nodes.begin(), c_.nodes.end(), [](const NodeInfo& n) {
                        return n.spare || (n.state == model::NodeState::online && n.health > model::kMinusInfinity);
                      });
  }

  void build_units() {
    const std::size_t count = c_.resources.size();
    if (std::all_of(c_.resources.begin(), c_.resources.end(),
                    [](const ResourceInfo& info) { return info.requires_.empty(); })) {
      single_units();
      return;
    }
    DisjointSets sets{count};
    for (Index r = 0; r < count; ++r) {
      for (Index required : c_.resources[r].requires_) sets.join(r, required);
    }
    // Units in order of their first resource; members in configuration order, laid out
    // unit after unit in c_.unit_members.
    std::vector<Index> unit_of_root(count, kNone);
    std::vector<std::size_t> sizes;
    sizes.reserve(count);
    c_.units.reserve(count);
    for (Index r = 0; r < count; ++r) {
      Index root = sets.find(r);
      if (unit_of_root[root] == kNone) {
        unit_of_root[root] = static_cast<Index>(c_.units.size());
        c_.units.emplace_back();
        c_.units.back().config_index = r;
        c_.units.back().priority = c_.resources[r].meta.priority;
        sizes.push_back(0);
      }
      const Index u = unit_of_root[root];
      ++sizes[u];
      c_.units[u].priority = std::max(c_.units[u].priority, c_.resources[r].meta.priority);
      c_.resources[r].unit = u;
    }
    c_.unit_members.resize(count);
    std::vector<std::size_t> filled(c_.units.size(), 0);
    std::size_t offset = 0;
    for (Index u = 0; u < c_.units.size(); ++u) {
      c_.units[u].members = std::span{c_.unit_members}.subspan(offset, sizes[u]);
      offset += sizes[u];
    }
    for (Index r = 0; r < count; ++r) {
      const Index u = c_.resources[r].unit;
      c_.units[u].members[filled[u]++] = r;
    }
    for (auto& unit : c_.units) {
      if (unit.members.size() > 1) order_members(unit);
    }
  }

  /// build_units() when nothing requires anything (often so): a unit per resource, in
  /// configuration order, without the sets and counts that group members.
  void single_units() {
    const std::size_t count = c_.resources.size();
    c_.unit_members.resize(count);
    std::iota(c_.unit_members.begin(), c_.unit_members.end(), Index{0});
    c_.units.resize(count);
    for (Index r = 0; r < count; ++r) {
      Unit& unit = c_.units[r];
      unit.members = std::span{c_.unit_members}.subspan(r, 1);
      unit.priority = c_.resources[r].meta.priority;
      unit.config_index = r;
      c_.resources[r].unit = r;
    }
  }

  /// Members after what they require (Kahn), configuration order among equals.
  void order_members(Unit& unit) {
    std::vector<Index> ordered;
    std::vector<bool> done(c_.resources.size(), false);
    while (ordered.size() < unit.members.size()) {
      bool progressed = false;
      for (Index r : unit.members) {
        if (done[r]) continue;
        const auto& req = c_.resources[r].requires_;
        if (std::all_of(req.begin(), req.end(), [&](Index q) { return done[q]; })) {
          done[r] = true;
          ordered.push_back(r);
          progressed = true;
        }
      }
      if (!progressed) {  // a cycle of +INFINITY colocations: take the rest in config order
        for (Index r : unit.members) {
          if (!done[r]) {
            done[r] = true;
            ordered.push_back(r);
          }
        }
      }
    }
    std::copy(ordered.begin(), ordered.end(), unit.members.begin());
  }

  Compiled c_;
  std::unordered_map<std::string, Index> group_first_;
  std::unordered_map<std::string, Index> group_last_;
  std::unordered_map<std::string, std::vector<Index>> group_members_;
};

}  // namespace

Compiled compile(const model::ClusterState& state, const model::Config& config) {
  return Compiler{state, config}.run();
}

}  // namespace wholesale_ha::policy::detail
