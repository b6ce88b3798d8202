#pragma once
// The terms that make up a resource's score on each node. One enumeration serves both the
// planner (which sums them) and explain() (which lists them), so the two cannot disagree.

#include <algorithm>
#include <span>

#include "compiled.hpp"

namespace wholesale_ha::policy::detail {

enum class TermKind {
  health,       ///< the node's health score (strategy applied)
  location,     ///< a location constraint (node or rule)
  not_allowed,  ///< asymmetric cluster and no constraint names the node
  failcount,    ///< failcount reached migration_threshold
  stickiness,   ///< the resource is active there (failed included)
  colocation,   ///< relative to an already placed resource
  frozen,       ///< waits for another node (shutdown_policy freeze)
  failback,     ///< returns to the node it left for that node's maintenance
  spare,        ///< a spare node, kept for what is recovered
};

struct Term {
  TermKind kind = TermKind::location;
  Index node = kNone;
  Score score = 0;
  Index constraint = kNone;  ///< location / colocation constraint index
  Index other = kNone;       ///< colocation: the other resource
};

/// Calls sink(Term) for every placement-independent term of resource `r`. Stickiness is
/// included only when `with_stickiness` (clones add it per instance themselves).
template <class Sink>
void for_each_base_term(const Compiled& c, Index r, bool with_stickiness, Sink&& sink) {
  const ResourceInfo& info = c.resources[r];
  // allow_unhealthy_nodes exempts a resource from negative health only: a healthy node's
  // positive score still attracts it (as Pacemaker does).
  for (Index n : c.scored_health_nodes) {
    if (!info.meta.allow_unhealthy_nodes || c.nodes[n].health > 0) sink(Term{TermKind::health, n, c.nodes[n].health});
  }
  for (const auto& t : info.locations) {
    sink(Term{TermKind::location, t.node, t.score, t.constraint});
  }
  if (!c.config->options.symmetric_cluster) {
    for (Index n = 0; n < c.nodes.size(); ++n) {
      if (std::find(info.allowed_nodes.begin(), info.allowed_nodes.end(), n) ==
          info.allowed_nodes.end()) {
        sink(Term{TermKind::not_allowed, n, model::kMinusInfinity});
      }
    }
  }
  for (Index n : info.banned_by_failures) sink(Term{TermKind::failcount, n, model::kMinusInfinity});
  if (info.returns_to != kNone) sink(Term{TermKind::failback, info.returns_to, model::kInfinity});
  if (info.waits_for != kNone) {
    for (Index n = 0; n < c.nodes.size(); ++n) {
      if (n != info.waits_for) sink(Term{TermKind::frozen, n, model::kMinusInfinity});
    }
  }
  // A spare is kept for what is recovered (which prefers it among equals: placement's
  // tie-break). Clones run there too: recovered resources may need them.
  if (!info.is_clone && !info.recovering) {
    for (Index n : c.spare_nodes) {
      const bool runs_there = std::any_of(info.active.begin(), info.active.end(),
                                          [&](const Instance& i) { return i.node == n; });
      if (!runs_there) sink(Term{TermKind::spare, n, model::kMinusInfinity});
    }
  }
  if (with_stickiness && info.meta.stickiness != 0) {
    for (const auto& instance : info.active) {
      // A failed instance keeps it too, as in Pacemaker: it is recovered in place while it may
      // stay (migration_threshold). Failing back, a spare holds nothing by stickiness.
      if (!(c.failback_now && c.nodes[instance.node].spare)) {
        sink(Term{TermKind::stickiness, instance.node, info.meta.stickiness});
      }
    }
  }
}

/// Adds the base terms of `r` into `scores` (one entry per node, pre-initialised by caller).
inline void add_base_scores(const Compiled& c, Index r, bool with_stickiness,
                            std::span<Score> scores) {
  for_each_base_term(c, r, with_stickiness, [&](const Term& t) {
    scores[t.node] = model::add_scores(scores[t.node], t.score);
  });
}

}  // namespace wholesale_ha::policy::detail
