#include "ordering.hpp"

#include <algorithm>
#include <stdexcept>
#include <tuple>

#include <boost/container/small_vector.hpp>

namespace wholesale_ha::policy::detail {
namespace {

constexpr std::size_t kNoAction = static_cast<std::size_t>(-1);

struct Endpoint {
  std::size_t action = 0;
  Index node = kNone;
  bool migrate = false;
};

/// The actions point into the Decisions they were built from: their reasons are moved out
/// once the graph is final instead of being copied for every build.
struct Graph {
  std::vector<Proto*> actions;
  std::vector<Edge> edges;
};

/// Where a resource's actions start (up) or stop (down) it: one or two for a primitive.
using Endpoints = boost::container::small_vector<Endpoint, 2>;

class EdgeBuilder {
 public:
  EdgeBuilder(const Compiled& c, Decisions& d)
      : c_(c), d_(d), first_action_(c.resources.size(), kNoAction),
        fence_of_(c.nodes.size(), kNoAction) {
    std::size_t count = d.fences.size();
    for (const auto& protos : d.by_resource) count += protos.size();
    g_.actions.reserve(count);
    fences_ = d.fences.size();
    for (auto& fence : d.fences) g_.actions.push_back(&fence);
    for (Index r = 0; r < d.by_resource.size(); ++r) {
      if (!d.by_resource[r].empty()) first_action_[r] = g_.actions.size();
      for (auto& proto : d.by_resource[r]) g_.actions.push_back(&proto);
    }
    for (std::size_t i = 0; i < d.fences.size(); ++i) fence_of_[g_.actions[i]->node] = i;
  }

  Graph run() {
    // Actions come resource by resource (fences first): each resource with any, once.
    for (std::size_t i = 0; i < g_.actions.size(); ++i) {
      const Index r = g_.actions[i]->resource;
      if (r != kNone && (i == 0 || g_.actions[i - 1]->resource != r)) within_resource(r);
    }
    if (fences_ > 0) after_fencing();
    for (const auto& order : c_.orders) between(order);
    if (c_.any_colocation) apart();
    if (c_.utilization_enabled) capacity();
    dedupe();
    return std::move(g_);
  }

 private:
  /// Where `r`'s actions start it (a migration: on its target).
  [[nodiscard]] Endpoints ups(Index r) const { return endpoints(r, ActionKind::start, true); }
  /// Where `r`'s actions stop it (a migration: on its source).
  [[nodiscard]] Endpoints downs(Index r) const { return endpoints(r, ActionKind::stop, false); }
  /// `r`'s actions of kind `plain`, and its migration on the node it arrives on (`arriving`)
  /// or leaves.
  [[nodiscard]] Endpoints endpoints(Index r, ActionKind plain, bool arriving) const {
    Endpoints out;
    const auto& protos = d_.by_resource[r];
    for (std::size_t k = 0; k < protos.size(); ++k) {
      const Proto& p = protos[k];
      if (p.kind == plain) out.push_back({first_action_[r] + k, p.node, false});
      if (p.kind == ActionKind::migrate) {
        out.push_back({first_action_[r] + k, arriving ? p.target : p.node, true});
      }
    }
    return out;
  }

  void edge(std::size_t before, std::size_t after) {
    if (before != after) g_.edges.push_back({before, after});
  }

  /// Stops before starts: all of them for a primitive, per node for a clone's instances.
  void within_resource(Index r) {
    const bool clone = c_.resources[r].is_clone;
    const Endpoints starts = ups(r);
    for (const auto& down : downs(r)) {
      if (down.migrate) continue;
      for (const auto& up : starts) {
        if (!up.migrate && (!clone || up.node == down.node)) edge(down.action, up.action);
      }
    }
  }

  void after_fencing() {
    for (Index r = 0; r < c_.resources.size(); ++r) {
      if (c_.resources[r].lost_on.empty()) continue;
      const Endpoints starts = ups(r);
      for (Index lost : c_.resources[r].lost_on) {
        if (fence_of_[lost] == kNoAction) continue;
        for (const auto& up : starts) edge(fence_of_[lost], up.action);
      }
    }
  }

  void between(const OrderTerm& order) {
    const bool local = c_.resources[order.first].is_clone || c_.resources[order.then].is_clone;
    auto same_place = [&](Index a, Index b) { return !local || a == b; };
    const Endpoints then_starts = ups(order.then);
    for (const auto& f : ups(order.first)) {
      for (const auto& t : then_starts) {
        if (same_place(f.node, t.node)) edge(f.action, t.action);
      }
    }
    if (!order.symmetrical) return;
    const Endpoints first_stops = downs(order.first);
    for (const auto& t : downs(order.then)) {
      for (const auto& f : first_stops) {
        // Two migrations are ordered by the start rule alone; neither stops.
        if (t.migrate && f.migrate) continue;
        if (same_place(f.node, t.node)) edge(t.action, f.action);
      }
    }
  }

  /// Resources that must never share a node: the one leaving a node goes before the other
  /// arrives there.
  void apart() {
    for (Index r = 0; r < c_.resources.size(); ++r) {
      for (const auto& term : c_.resources[r].colocations) {
        if (term.score > model::kMinusInfinity) continue;
        leave_before_arrive(term.other, r);
        leave_before_arrive(r, term.other);
      }
    }
  }

  void leave_before_arrive(Index leaving, Index arriving) {
    const Endpoints arrivals = ups(arriving);
    for (const auto& down : downs(leaving)) {
      for (const auto& up : arrivals) {
        if (down.node == up.node) edge(down.action, up.action);
      }
    }
  }

  /// Where a node cannot hold what arrives together with what leaves, leaving goes first.
  void capacity() {
    const std::size_t keys = c_.utilization_keys.size();
    const std::size_t n_count = c_.nodes.size();
    std::vector<std::int64_t> usage(n_count * keys, 0);
    for (const auto& info : c_.resources) {
      for (const auto& inst : info.active) {
        for (std::size_t k = 0; k < keys; ++k) usage[inst.node * keys + k] += info.demand[k];
      }
    }
    std::vector<std::vector<std::size_t>> incoming(n_count);
    std::vector<std::vector<std::size_t>> outgoing(n_count);
    for (Index r = 0; r < c_.resources.size(); ++r) {
      for (const auto& up : ups(r)) {
        incoming[up.node].push_back(up.action);
        for (std::size_t k = 0; k < keys; ++k) usage[up.node * keys + k] += c_.resources[r].demand[k];
      }
      for (const auto& down : downs(r)) outgoing[down.node].push_back(down.action);
    }
    for (Index n = 0; n < n_count; ++n) {
      if (incoming[n].empty() || outgoing[n].empty()) continue;
      bool over = false;
      for (std::size_t k = 0; k < keys; ++k) {
        over = over || usage[n * keys + k] > c_.nodes[n].capacity[k];
      }
      if (!over) continue;
      for (std::size_t out : outgoing[n]) {
        for (std::size_t in : incoming[n]) edge(out, in);
      }
    }
  }

  void dedupe() {
    auto& e = g_.edges;
    std::sort(e.begin(), e.end(), [](const Edge& a, const Edge& b) {
      return std::tie(a.before, a.after) < std::tie(b.before, b.after);
    });
    e.erase(std::unique(e.begin(), e.end()), e.end());
  }

  const Compiled& c_;
  Graph g_;
  const Decisions& d_;
  std::vector<std::size_t> first_action_;  ///< per resource: its first action, or kNoAction
  std::vector<std::size_t> fence_of_;  ///< per node: its fence action, or kNoAction
  std::size_t fences_ = 0;
};

/// Actions on a cycle (Kahn's algorithm leftovers); empty when the graph is a DAG.
std::vector<std::size_t> cyclic_actions(std::size_t count, const std::vector<Edge>& edges) {
  if (edges.empty()) return {};  // often so (independent moves): no cycle, no tables
  std::vector<std::vector<std::size_t>> next(count);
  std::vector<std::size_t> waiting(count, 0);
  for (const auto& e : edges) {
    next[e.before].push_back(e.after);
    ++waiting[e.after];
  }
  std::vector<std::size_t> ready;
  for (std::size_t i = 0; i < count; ++i) {
    if (waiting[i] == 0) ready.push_back(i);
  }
  std::size_t seen = 0;
  while (!ready.empty()) {
    std::size_t i = ready.back();
    ready.pop_back();
    ++seen;
    for (std::size_t j : next[i]) {
      if (--waiting[j] == 0) ready.push_back(j);
    }
  }
  std::vector<std::size_t> left;
  if (seen == count) return left;
  for (std::size_t i = 0; i < count; ++i) {
    if (waiting[i] > 0) left.push_back(i);
  }
  return left;
}

}  // namespace

Transition build_transition(const Compiled& c, Decisions decisions,
                            std::vector<Index>& resource_of) {
  Graph graph = EdgeBuilder{c, decisions}.run();
  for (auto cycle = cyclic_actions(graph.actions.size(), graph.edges); !cycle.empty();
       cycle = cyclic_actions(graph.actions.size(), graph.edges)) {
    auto migration = std::find_if(cycle.begin(), cycle.end(), [&](std::size_t i) {
      return graph.actions[i]->kind == ActionKind::migrate;
    });
    if (migration == cycle.end()) {
      throw std::logic_error("policy: ordering cycle without a migration to break it");
    }
    const Proto& m = *graph.actions[*migration];
    // Changes the decisions the graph points into: the graph is rebuilt right after.
    migration_to_move(decisions.by_resource[m.resource],
                      {ReasonCode::capacity,
                       m.reason.text + "; moved by stop and start because live migration would "
                                       "need both nodes' capacity at once"});
    graph = EdgeBuilder{c, decisions}.run();
  }

  Transition t;
  t.actions.reserve(graph.actions.size());
  resource_of.clear();
  resource_of.reserve(graph.actions.size());
  for (std::size_t i = 0; i < graph.actions.size(); ++i) {
    Proto& p = *graph.actions[i];
    Action& a = t.actions.emplace_back();
    a.id = i;
    a.kind = p.kind;
    if (p.resource != kNone) a.resource = c.resource_id(p.resource);
    a.node = c.node_id(p.node);
    if (p.target != kNone) a.target = c.node_id(p.target);
    a.reason = std::move(p.reason);
    resource_of.push_back(p.resource);
  }
  t.edges = std::move(graph.edges);
  t.notices = std::move(decisions.notices);
  return t;
}

}  // namespace wholesale_ha::policy::detail
