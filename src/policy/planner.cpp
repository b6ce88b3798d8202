#include <wholesale_ha/policy/planner.hpp>

#include <algorithm>
#include <map>
#include <span>

#include <fmt/format.h>

#include "compiled.hpp"
#include "decisions.hpp"
#include "ordering.hpp"
#include "placement.hpp"
#include "reasons.hpp"

namespace wholesale_ha::policy {
namespace {

using detail::Index;
using detail::kNone;

bool without_quorum(const model::ClusterState& state, const model::Config& config) {
  return !state.quorate && config.options.no_quorum_policy != model::NoQuorumPolicy::ignore;
}

/// The node `r` was active on that this transition fences (it moves from there), or null.
/// `fences` are the transition's fence actions. `r`'s lost nodes come from the compiled
/// status: a pass over the whole status per resource made a node dying with thousands of
/// resources quadratic.
const std::string* lost_from(const detail::Compiled& c, std::span<const Action* const> fences,
                             Index r) {
  for (const Action* fence : fences) {
    for (Index n : c.resources[r].lost_on) {
      if (c.node_id(n) == fence->node) return &fence->node;
    }
  }
  return nullptr;
}

/// One summary line per resource (per instance for clones), in configuration order.
std::vector<ResourceChange> summarize(const detail::Compiled& c, const Transition& t,
                                      const std::vector<Index>& resource_of) {
  // Actions by resource index (= configuration order), kept in transition order.
  std::vector<std::pair<Index, const Action*>> by_resource;
  std::vector<const Action*> fences;
  by_resource.reserve(t.actions.size());
  for (std::size_t i = 0; i < t.actions.size(); ++i) {
    if (resource_of[i] != kNone) by_resource.emplace_back(resource_of[i], &t.actions[i]);
    if (t.actions[i].kind == ActionKind::fence) fences.push_back(&t.actions[i]);
  }
  auto by_index = [](const auto& a, const auto& b) { return a.first < b.first; };
  // Usually sorted already (actions come resource by resource): a sort would allocate.
  if (!std::is_sorted(by_resource.begin(), by_resource.end(), by_index)) {
    std::stable_sort(by_resource.begin(), by_resource.end(), by_index);
  }
  std::vector<ResourceChange> out;
  out.reserve(by_resource.size());
  std::vector<const Action*> actions;
  for (auto it = by_resource.begin(); it != by_resource.end();) {
    const Index r = it->first;
    const auto& resource = *c.resources[r].config;
    actions.clear();
    for (; it != by_resource.end() && it->first == r; ++it) {
      actions.push_back(it->second);
    }
    const Reason& why = actions.front()->reason;
    if (resource.clone) {
      // Instances: a stop and a start on the same node is a restart.
      std::vector<const Action*> starts;
      std::vector<const Action*> stops;
      for (const Action* a : actions) (a->kind == ActionKind::start ? starts : stops).push_back(a);
      for (const Action* stop : stops) {
        auto same = std::find_if(starts.begin(), starts.end(),
                                 [&](const Action* s) { return s->node == stop->node; });
        if (same != starts.end()) {
          out.emplace_back(resource.id, ChangeKind::restart, stop->node, stop->node, stop->reason);
          starts.erase(same);
        } else {
          out.emplace_back(resource.id, ChangeKind::stop, stop->node, std::nullopt, stop->reason);
        }
      }
      for (const Action* start : starts) {
        out.emplace_back(resource.id, ChangeKind::start, std::nullopt, start->node, start->reason);
      }
      continue;
    }
    // Pointers into the actions: each node id is copied once, into the change itself.
    const std::string* from = nullptr;
    const std::string* to = nullptr;
    bool migrate = false;
    for (const Action* a : actions) {
      if (a->kind == ActionKind::migrate) {
        migrate = true;
        from = &a->node;
        to = a->target ? &*a->target : nullptr;
      } else if (a->kind == ActionKind::stop && !from) {
        from = &a->node;
      } else if (a->kind == ActionKind::start) {
        to = &a->node;
      }
    }
    if (!from && !migrate) from = lost_from(c, fences, r);
    ChangeKind kind = ChangeKind::move;
    if (migrate) {
      kind = ChangeKind::migrate;
    } else if (!to) {
      kind = ChangeKind::stop;
    } else if (!from) {
      kind = ChangeKind::start;
    } else if (std::any_of(actions.begin(), actions.end(), [&](const Action* a) {
                 return a->kind == ActionKind::stop && a->node == *to;
               })) {
      kind = ChangeKind::restart;  // it ends where it was (also after running twice)
      from = to;
    }
    ResourceChange& change = out.emplace_back();
    change.resource = resource.id;
    change.kind = kind;
    if (from) change.from = *from;
    if (to) change.to = *to;
    change.reason = why;
  }
  return out;
}

}  // namespace

Transition plan(const model::ClusterState& state, const model::Config& config) {
  const detail::Compiled c = detail::compile(state, config);
  Transition t;
  std::vector<Index> resource_of;
  if (without_quorum(state, config)) {
    t = detail::build_transition(c, detail::decide_without_quorum(c), resource_of);
  } else {
    const detail::Placement p = detail::place(c);
    const detail::ReasonWriter reasons{c, p};
    t = detail::build_transition(c, detail::decide(c, p, reasons), resource_of);
  }
  t.changes = summarize(c, t, resource_of);
  return t;
}

Explanation explain(const model::ClusterState& state, const model::Config& config,
                    std::string_view resource) {
  Explanation out;
  out.resource = std::string{resource};
  const detail::Compiled c = detail::compile(state, config);
  const Index r = c.resource(resource);
  if (r == kNone) {
    out.notes.push_back(fmt::format("unknown resource \"{}\"", resource));
    return out;
  }
  std::vector<std::vector<detail::Term>> terms(c.nodes.size());
  const detail::Placement p =
      detail::place(c, [&](Index who, const detail::Term& t) {
        if (who == r) terms[t.node].push_back(t);
      });
  const detail::ReasonWriter reasons{c, p};
  const auto& info = c.resources[r];
  detail::for_each_base_term(c, r, !info.is_clone, [&](const detail::Term& t) {
    terms[t.node].push_back(t);
  });

  const std::size_t keys = c.utilization_keys.size();
  for (Index n = 0; n < c.nodes.size(); ++n) {
    NodeScore score;
    score.node = c.node_id(n);
    for (const auto& t : terms[n]) {
      score.total = model::add_scores(score.total, t.score);
      score.contributions.push_back({reasons.describe(r, t), t.score});
    }
    if (auto blocker = reasons.node_blocker(n); !blocker.empty()) score.blockers.push_back(blocker);
    if (score.total < 0) score.blockers.push_back("score below 0");
    if (c.utilization_enabled) {
      const bool here = p.node_of[r] == n ||
                        std::count(p.clone_nodes[r].begin(), p.clone_nodes[r].end(), n) > 0;
      for (std::size_t k = 0; k < keys; ++k) {
        const auto others = p.used[n * keys + k] - (here ? info.demand[k] : 0);
        if (info.demand[k] > 0 && others + info.demand[k] > c.nodes[n].capacity[k]) {
          score.blockers.push_back(fmt::format("lacks capacity ({} {} of {} used by others, needs {})",
                                               c.utilization_keys[k], others,
                                               c.nodes[n].capacity[k], info.demand[k]));
        }
      }
    }
    score.eligible = score.blockers.empty();
    out.nodes.push_back(std::move(score));
  }

  if (info.is_clone) {
    std::vector<std::string> where;
    for (Index n : p.clone_nodes[r]) where.push_back(c.node_id(n));
    out.notes.push_back(where.empty() ? "no instance is placed"
                                      : fmt::format("instances on {}", fmt::join(where, ", ")));
  } else if (p.node_of[r] != kNone) {
    out.placed_on = c.node_id(p.node_of[r]);
  } else {
    out.notes.push_back(reasons.unplaced(r).text);
  }
  const auto& unit = c.units[info.unit];
  if (unit.members.size() > 1) {
    std::vector<std::string> together;
    for (Index m : unit.members) {
      if (m != r) together.push_back(c.resource_id(m));
    }
    out.notes.push_back(fmt::format("runs together with {} (group, +INFINITY colocation or "
                                    "depends_on): their scores are summed",
                                    fmt::join(together, ", ")));
  }
  for (const auto& order : c.orders) {
    if (order.then == r && order.mandatory) {
      out.notes.push_back(fmt::format("starts after {} and cannot run without it",
                                      c.resource_id(order.first)));
    }
  }
  if (without_quorum(state, config)) {
    out.notes.push_back("the partition has no quorum: plan() starts nothing");
  }
  return out;
}

}  // namespace wholesale_ha::policy
