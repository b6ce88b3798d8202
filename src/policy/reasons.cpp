#include "reasons.hpp"

#include <algorithm>

#include <fmt/format.h>

#include <wholesale_ha/model/enum_names.hpp>

#include <wholesale_ha/policy/shutdown.hpp>

#include "node_health.hpp"

namespace wholesale_ha::policy::detail {
namespace {

std::string score_text(Score s) { return model::score_to_string(s); }

std::string shutting_down(const NodeInfo& node) {
  return fmt::format("shutting down ({})", model::to_string(*node.shutdown));
}

std::string shutdown_text(const NodeInfo& node) { return node.config->id + " is " + shutting_down(node); }

}  // namespace

std::string ReasonWriter::health_text(Index n) const {
  if (health_texts_.empty()) health_texts_.resize(c_.nodes.size());
  auto& text = health_texts_[n];
  if (!text.empty()) return text;
  const NodeInfo& node = c_.nodes[n];
  std::string colour = node.health_evidence.find("=red") != std::string::npos      ? "red"
                       : node.health_evidence.find("=yellow") != std::string::npos ? "yellow"
                                                                                   : score_text(node.health);
  text = fmt::format("node {} health {} ({}) under {}", node.config->id, colour,
                     node.health_evidence, strategy_name(c_.config->options.health));
  return text;
}

std::string ReasonWriter::node_blocker(Index n) const {
  const NodeInfo& node = c_.nodes[n];
  if (node.state != model::NodeState::online) {
    return fmt::format("{} is {}", node.config->id, model::to_string(node.state));
  }
  if (node.config->maintenance) return node.config->id + " is in maintenance";
  if (node.config->standby) return node.config->id + " is in standby";
  if (node.shutdown) return shutdown_text(node);
  if (node.evacuate) return node.config->id + " is in maintenance mode";
  return {};
}

Score ReasonWriter::base_score(Index r, Index n) const {
  Score total = 0;
  for_each_base_term(c_, r, true, [&](const Term& t) {
    if (t.node == n) total = model::add_scores(total, t.score);
  });
  return total;
}

std::string ReasonWriter::describe(Index r, const Term& term) const {
  const auto& constraints = c_.config->constraints;
  switch (term.kind) {
    case TermKind::health: return "health (" + c_.nodes[term.node].health_evidence + ")";
    case TermKind::location:
      return "location " + model::constraint_id(constraints[term.constraint]);
    case TermKind::not_allowed: return "not enabled by any location constraint (opt-in cluster)";
    case TermKind::failcount: {
      const auto& info = c_.resources[r];
      auto it = std::find_if(info.failcounts.begin(), info.failcounts.end(),
                             [&](const auto& f) { return f.first == term.node; });
      return fmt::format("failcount {} >= migration_threshold {}",
                         it == info.failcounts.end() ? 0 : it->second,
                         info.meta.migration_threshold);
    }
    case TermKind::stickiness: return "stickiness (active here)";
    case TermKind::colocation:
      return fmt::format("colocation {} with {}", model::constraint_id(constraints[term.constraint]),
                         c_.resource_id(term.other));
    case TermKind::failback:
      return fmt::format("failback (it left {} for its maintenance)", c_.node_id(term.node));
    case TermKind::spare: return fmt::format("spare node {}, kept for recovery", c_.node_id(term.node));
    case TermKind::frozen:
      return fmt::format("frozen with {} (shutdown_policy freeze)", c_.node_id(c_.resources[r].waits_for));
  }
  return "?";
}

ReasonWriter::Blocker ReasonWriter::why_not_on(Index r, Index n) const {
  if (auto blocker = node_blocker(n); !blocker.empty()) return {blocker};
  // The most negative term explains a negative score best.
  Term worst;
  bool found = false;
  for_each_base_term(c_, r, false, [&](const Term& t) {
    if (t.node == n && t.score < 0 && (!found || t.score < worst.score)) {
      worst = t;
      found = true;
    }
  });
  if (found && base_score(r, n) < 0) {
    return {fmt::format("{} scores {} ({})", c_.node_id(n), score_text(base_score(r, n)),
                        describe(r, worst))};
  }
  if (c_.utilization_enabled) {
    const std::size_t keys = c_.utilization_keys.size();
    for (std::size_t k = 0; k < keys; ++k) {
      const auto demand = c_.resources[r].demand[k];
      if (demand == 0) continue;
      const auto used = p_.used[n * keys + k];
      const auto capacity = c_.nodes[n].capacity[k];
      if (used + demand > capacity) {
        return {fmt::format("{} lacks capacity ({} {} of {} used, needs {})", c_.node_id(n),
                            c_.utilization_keys[k], used, capacity, demand),
                true};
      }
    }
  }
  return {};
}

Reason ReasonWriter::leave(Index r, Index from, bool failed_there) const {
  const ResourceInfo& info = c_.resources[r];
  const NodeInfo& node = c_.nodes[from];
  const std::string& id = info.config->id;
  if (node.state == model::NodeState::unclean) {
    return {ReasonCode::node_lost, fmt::format("node {} was lost; fenced before recovery",
                                               node.config->id)};
  }
  if (failed_there) {
    return {ReasonCode::failed, fmt::format("{} failed on {}", id, node.config->id)};
  }
  if (node.shutdown) {
    return {ReasonCode::node_shutdown,
            fmt::format("node {} (shutdown_policy {})", shutdown_text(node),
                        model::to_string(shutdown_policy(*info.config, c_.config->options, *node.shutdown)))};
  }
  if (node.evacuate) {
    return {ReasonCode::node_maintenance, fmt::format("node {} is in maintenance mode", node.config->id)};
  }
  if (std::find(info.banned_by_failures.begin(), info.banned_by_failures.end(), from) !=
      info.banned_by_failures.end()) {
    return {ReasonCode::failcount_threshold,
            describe(r, Term{TermKind::failcount, from, model::kMinusInfinity}) + " on " +
                node.config->id};
  }
  if (node.config->standby) {
    return {ReasonCode::node_standby, fmt::format("node {} is in standby", node.config->id)};
  }
  if (!info.meta.allow_unhealthy_nodes && node.health < 0 &&
      (node.health <= model::kMinusInfinity || base_score(r, from) < 0 ||
       c_.config->options.health.strategy == model::HealthStrategy::progressive ||
       c_.config->options.health.strategy == model::HealthStrategy::custom)) {
    return {ReasonCode::node_unhealthy, health_text(from)};
  }
  Term worst;
  bool found = false;
  for_each_base_term(c_, r, false, [&](const Term& t) {
    if (t.node == from && (t.kind == TermKind::location || t.kind == TermKind::not_allowed) &&
        t.score < 0 && (!found || t.score < worst.score)) {
      worst = t;
      found = true;
    }
  });
  if (found) {
    return {ReasonCode::constraint,
            fmt::format("{} on {} ({})", describe(r, worst), node.config->id, score_text(worst.score))};
  }
  for (const auto& term : info.colocations) {
    if (term.score < 0 && !c_.resources[term.other].is_clone &&
        p_.node_of[term.other] == from) {
      return {ReasonCode::constraint,
              fmt::format("{} on {}", describe(r, Term{TermKind::colocation, from, term.score,
                                                       term.constraint, term.other}),
                          node.config->id)};
    }
  }
  if (auto blocker = why_not_on(r, from); blocker.capacity) {
    return {ReasonCode::capacity, blocker.text};
  }
  for (Index q : info.requires_) {
    if (p_.node_of[q] != kNone && p_.node_of[q] != from) {
      return {ReasonCode::dependency, fmt::format("follows {} (they run together)",
                                                  c_.resource_id(q))};
    }
  }
  const Index to = p_.node_of[r];
  if (to != kNone && node.spare && !c_.nodes[to].spare && c_.failback_now) {
    return {ReasonCode::failback,
            fmt::format("leaves spare node {}: every other node is back (failover_capacity failback)", node.config->id)};
  }
  if (to != kNone && to == info.returns_to) {
    return {ReasonCode::failback,
            fmt::format("back to {}, which it left for that node's maintenance", c_.node_id(to))};
  }
  if (info.is_clone && p_.why[r] == Unplaced::placed) {
    std::vector<std::string> kept;
    for (Index n : p_.clone_nodes[r]) kept.push_back(c_.node_id(n));
    return {ReasonCode::better_placement, fmt::format("{} keeps {} instance{} (clone_max {}), on {}: not this one", id,
                                                      kept.size(), kept.size() == 1 ? "" : "s", info.clone_max,
                                                      fmt::join(kept, ", "))};
  }
  if (to != kNone) {
    return {ReasonCode::better_placement,
            fmt::format("{} scores {}, {} scores {}", c_.node_id(to), score_text(base_score(r, to)),
                        node.config->id, score_text(base_score(r, from)))};
  }
  return {ReasonCode::no_eligible_node, unplaced(r).text};
}

Reason ReasonWriter::start(Index r, Index to) const {
  return {ReasonCode::initial_start,
          fmt::format("{} is not running; {} is the best node", c_.resource_id(r), c_.node_id(to))};
}

Reason ReasonWriter::unplaced(Index r) const {
  const std::string& id = c_.resource_id(r);
  switch (p_.why[r]) {
    case Unplaced::target_stopped:
      return {ReasonCode::target_role_stopped, id + " has target_role stopped"};
    case Unplaced::needs_other:
      return {ReasonCode::dependency,
              fmt::format("{} depends on {} which cannot run", id, c_.resource_id(p_.needs[r]))};
    case Unplaced::relocations_spent: {
      std::vector<std::string> nodes;
      for (Index n : c_.resources[r].banned_by_failures) nodes.push_back(c_.node_id(n));
      return {ReasonCode::failcount_threshold,
              fmt::format("{} failed on {} (max_relocate {}): it stays stopped until an operator clears its "
                          "failures",
                          id, fmt::join(nodes, ", "), c_.resources[r].meta.max_relocate)};
    }
    case Unplaced::admission_control: {
      auto it = p_.held_back.find(r);
      return {ReasonCode::admission_control,
              fmt::format("{} is not started: {}", id, it != p_.held_back.end() ? it->second : "admission control")};
    }
    case Unplaced::unmanaged:
      return {ReasonCode::unmanaged, id + " is unmanaged: the cluster neither starts, stops nor recovers it"};
    case Unplaced::blocked_unclean:
      return {ReasonCode::fencing_disabled,
              fmt::format("{} may still run on a lost node and fencing is disabled", id)};
    case Unplaced::placed:
    case Unplaced::no_node: break;
  }
  if (const Index n = c_.resources[r].waits_for; n != kNone) {
    const NodeInfo& node = c_.nodes[n];
    return {ReasonCode::node_shutdown,
            fmt::format("{} waits for {} ({}): frozen with it under shutdown_policy freeze, it starts "
                        "there again when the node is back",
                        id, node.config->id,
                        node.shutdown ? shutting_down(node) : std::string{model::to_string(node.state)})};
  }
  std::vector<std::string> why;
  bool room_is_the_problem = false;  // some node would take it but for capacity
  constexpr std::size_t kShown = 4;
  for (Index n = 0; n < c_.nodes.size(); ++n) {
    auto blocker = why_not_on(r, n);
    room_is_the_problem = room_is_the_problem || blocker.capacity;
    if (!blocker.text.empty() && why.size() <= kShown) why.push_back(std::move(blocker.text));
  }
  if (why.size() > kShown) {
    why.resize(kShown);
    why.emplace_back("...");
  }
  return {room_is_the_problem ? ReasonCode::capacity : ReasonCode::no_eligible_node,
          fmt::format("no node can run {}{}{}", id, why.empty() ? "" : ": ", fmt::join(why, "; "))};
}

}  // namespace wholesale_ha::policy::detail
