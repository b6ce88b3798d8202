#include "placement.hpp"

#include <algorithm>
#include <utility>
#include <optional>
#include <span>
#include <tuple>

#include "admission.hpp"
#include "unit_order.hpp"

namespace wholesale_ha::policy::detail {
namespace {

using model::kInfinity;
using model::kMinusInfinity;

class Placer {
 public:
  Placer(const Compiled& c, const ColocationObserver& observe)
      : c_(c), observe_(observe), links_(c) {
    const std::size_t r_count = c.resources.size();
    p_.node_of.assign(r_count, kNone);
    p_.clone_nodes.resize(r_count);
    p_.why.assign(r_count, Unplaced::no_node);
    p_.needs.assign(r_count, kNone);
    p_.pinned.assign(r_count, false);
    decided_.assign(r_count, false);
    keys_ = c.utilization_keys.size();
    used_.assign(c.nodes.size() * keys_, 0);
    // Ties go to the least loaded node as it is now: what runs there, until decided otherwise.
    load_.assign(c.nodes.size(), 0);
    left_current_.assign(r_count, false);
    staying_demand_.assign(c.nodes.size() * keys_, 0);
    if (!c.reserve_percent.empty() || c.reserve_hosts > 0) admission_.emplace(c);
    for (const auto& info : c.resources) {
      for (const auto& inst : info.active) {
        ++load_[inst.node];
        for (std::size_t k = 0; k < keys_; ++k) staying_demand_[inst.node * keys_ + k] += info.demand[k];
      }
    }
  }

  Placement run() {
    p_.unit_order = unit_order(c_, links_);
    // What nobody may touch holds its capacity before anything else is placed.
    for (const Unit& unit : c_.any_frozen_or_lost ? c_.units : std::span<const Unit>{}) {
      if (is_clone_unit(unit)) {
        keep_untouchable_instances(unit.members[0]);
      } else {
        pin_if_needed(unit);
      }
    }
    for (Index u : p_.unit_order) {
      const Unit& unit = c_.units[u];
      if (is_clone_unit(unit)) {
        place_clone(unit.members[0]);
      } else if (!p_.pinned[unit.members[0]]) {
        place_unit(unit);
      }
    }
    p_.used = std::move(used_);
    return std::move(p_);
  }

 private:
  [[nodiscard]] bool fits_on(Index n, const std::vector<std::int64_t>& extra,
                             const std::vector<std::int64_t>& demand) const {
    for (std::size_t k = 0; k < keys_; ++k) {
      if (used_[n * keys_ + k] + extra[k] + demand[k] > c_.nodes[n].capacity[k]) return false;
    }
    return true;
  }

  void occupy(Index n, const std::vector<std::int64_t>& demand) {
    for (std::size_t k = 0; k < keys_; ++k) used_[n * keys_ + k] += demand[k];
    ++load_[n];
  }

  /// `r` is decided (placed by occupy(), or not): where it runs now no longer counts as load.
  void leave_current(Index r) {
    if (std::exchange(left_current_[r], true)) return;
    const auto& info = c_.resources[r];
    for (const auto& inst : info.active) {
      --load_[inst.node];
      for (std::size_t k = 0; k < keys_; ++k) staying_demand_[inst.node * keys_ + k] -= info.demand[k];
    }
  }

  [[nodiscard]] bool is_running(Index r) const {
    return c_.resources[r].is_clone ? !p_.clone_nodes[r].empty() : p_.node_of[r] != kNone;
  }

  /// Why `r` cannot run at all before looking at nodes, or Unplaced::placed if it might.
  Unplaced precondition(Index r) {
    const auto& info = c_.resources[r];
    if (info.meta.target_role == model::TargetRole::stopped) return Unplaced::target_stopped;
    if (info.relocations_spent) return Unplaced::relocations_spent;
    for (Index first : links_.mandatory_firsts(r)) {
      if (decided_[first] && !is_running(first)) {
        p_.needs[r] = first;
        return Unplaced::needs_other;
      }
    }
    for (const auto& term : info.colocations) {
      if (term.score >= kInfinity && decided_[term.other] && !is_running(term.other)) {
        p_.needs[r] = term.other;
        return Unplaced::needs_other;
      }
    }
    return Unplaced::placed;
  }

  /// Adds colocation terms from already placed resources into `scores` for resource `r`.
  void add_colocations(Index r, std::span<Score> scores) {
    auto apply = [&](Index other, Score score, Index constraint) {
      if (!decided_[other] || !is_running(other)) return;
      std::vector<Index> other_nodes = c_.resources[other].is_clone
                                           ? p_.clone_nodes[other]
                                           : std::vector<Index>{p_.node_of[other]};
      auto emit = [&](Index n, Score s) {
        scores[n] = model::add_scores(scores[n], s);
        if (observe_) observe_(r, Term{TermKind::colocation, n, s, constraint, other});
      };
      if (score >= kInfinity) {
        // Only where the other runs (a clone's instances, or a primitive's node for a clone).
        for (Index n = 0; n < c_.nodes.size(); ++n) {
          if (std::find(other_nodes.begin(), other_nodes.end(), n) == other_nodes.end()) {
            emit(n, kMinusInfinity);
          }
        }
        return;
      }
      std::sort(other_nodes.begin(), other_nodes.end());
      other_nodes.erase(std::unique(other_nodes.begin(), other_nodes.end()), other_nodes.end());
      for (Index n : other_nodes) emit(n, score);
    };
    for (const auto& term : c_.resources[r].colocations) {
      apply(term.other, term.score, term.constraint);
    }
    // Symmetric effect of finite and -INFINITY colocations placed the other way round.
    for (const auto& [dependent, t] : links_.colocated_by(r)) {
      const auto& term = c_.resources[dependent].colocations[t];
      if (term.score < kInfinity) apply(dependent, term.score, term.constraint);
    }
  }

  [[nodiscard]] bool is_clone_unit(const Unit& unit) const {
    return unit.members.size() == 1 && c_.resources[unit.members[0]].is_clone;
  }

  void place_unit(const Unit& unit) {
    const std::size_t m_count = unit.members.size();
    const std::size_t n_count = c_.nodes.size();
    scores_.assign(m_count * n_count, 0);
    pre_.resize(m_count);
    for (std::size_t i = 0; i < m_count; ++i) {
      Index r = unit.members[i];
      pre_[i] = precondition(r);
      std::span<Score> row{scores_.data() + i * n_count, n_count};
      add_base_scores(c_, r, /*with_stickiness=*/true, row);
      add_colocations(r, row);
    }
    recovers_ = !c_.spare_nodes.empty() && std::any_of(unit.members.begin(), unit.members.end(),
                                                        [&](Index r) { return c_.resources[r].recovering; });
    leaves_spare_ = c_.failback_now && !recovers_;
    const Index current = current_node(unit);
    Index best = m_count == 1 && !c_.utilization_enabled ? best_node_alone(current) : best_node(unit, current);
    bool held_back = false;
    if (best != kNone && admission_) {
      if (auto why = admission_->admit(unit, runs_)) {
        for (Index r : unit.members) p_.held_back[r] = *why;
        held_back = true;
        best = kNone;
      }
    }

    for (std::size_t i = 0; i < m_count; ++i) {
      Index r = unit.members[i];
      decided_[r] = true;
      leave_current(r);
      if (best != kNone && runs_[i]) {
        p_.node_of[r] = best;
        p_.why[r] = Unplaced::placed;
        occupy(best, c_.resources[r].demand);
        continue;
      }
      p_.why[r] = pre_[i] != Unplaced::placed ? pre_[i] : held_back ? Unplaced::admission_control : Unplaced::no_node;
      if (p_.why[r] != Unplaced::no_node) continue;
      // A member that could run alone but not with what it requires waits on that.
      for (Index q : c_.resources[r].requires_) {
        if (p_.node_of[q] == kNone && decided_[q]) {
          p_.why[r] = Unplaced::needs_other;
          p_.needs[r] = q;
          break;
        }
      }
    }
  }

  /// The node the unit should run on, or kNone; leaves runs_ describing that node.
  Index best_node(const Unit& unit, Index current) {
    if (const Index kept = keep_current(unit, current); kept != kNone) return kept;
    Index best = kNone;
    std::size_t best_count = 0;
    std::int64_t best_score = 0;
    for (Index n = 0; n < c_.nodes.size(); ++n) {
      if (!c_.nodes[n].can_host) continue;
      auto [count, total] = evaluate(unit, n);
      if (count == 0) continue;
      if (best == kNone || better(n, count, total, best, best_count, best_score, current, extra_)) {
        best = n;
        best_count = count;
        best_score = total;
        best_extra_ = extra_;
      }
    }
    if (best != kNone) evaluate(unit, best);
    return best;
  }

  /// best_node()'s answer when it is the current node, found without evaluating every node:
  /// every member that may run fits there and no node scores higher, so by better()'s order
  /// nothing can beat it. Most units stay where they are; kNone when it cannot tell so.
  Index keep_current(const Unit& unit, Index current) {
    if (current == kNone || !c_.nodes[current].can_host || recovers_ || (leaves_spare_ && c_.nodes[current].spare)) {
      return kNone;
    }
    const std::size_t m_count = unit.members.size();
    const std::size_t n_count = c_.nodes.size();
    const std::size_t possible = static_cast<std::size_t>(std::count(pre_.begin(), pre_.end(), Unplaced::placed));
    const auto [count, total] = evaluate(unit, current);
    if (count == 0 || count != possible) return kNone;
    const Score mine = model::clamp_score(total);
    for (Index n = 0; n < n_count; ++n) {
      if (n == current || !c_.nodes[n].can_host) continue;
      std::int64_t sum = 0;  // what n would total if every member could run there
      bool all = true;
      for (std::size_t i = 0; i < m_count && all; ++i) {
        if (pre_[i] != Unplaced::placed) continue;
        const Score s = scores_[i * n_count + n];
        all = s >= 0;
        sum += s;
      }
      if (all && model::clamp_score(sum) > mine) return kNone;
    }
    best_extra_ = extra_;
    return current;
  }

  /// best_node() for most units: one resource and no capacities to fit, so it runs on the
  /// best node its score allows.
  Index best_node_alone(Index current) {
    Index best = kNone;
    if (pre_[0] == Unplaced::placed) {
      const auto n_count = static_cast<Index>(c_.nodes.size());
      // The current node when no node scores higher (ties go to it): a scan of the scores
      // instead of better() per node, for the many resources that stay where they are.
      if (current != kNone && c_.nodes[current].can_host && scores_[current] >= 0 && !recovers_ &&
          !(leaves_spare_ && c_.nodes[current].spare)) {
        const Score mine = scores_[current];
        bool beaten = false;
        for (Index n = 0; n < n_count && !beaten; ++n) beaten = scores_[n] > mine && c_.nodes[n].can_host;
        if (!beaten) {
          runs_.assign(1, true);
          return current;
        }
      }
      for (Index n = 0; n < n_count; ++n) {
        if (!c_.nodes[n].can_host || scores_[n] < 0) continue;
        if (best == kNone || better(n, 1, scores_[n], best, 1, scores_[best], current, extra_)) {
          best = n;
        }
      }
    }
    runs_.assign(1, best != kNone);
    return best;
  }

  /// The node running most of the unit's members now (failed ones count: recovery in place
  /// is preferred), the lowest node index among equals; when nothing runs, the node where
  /// the first member that ran somewhere last ran, else kNone.
  [[nodiscard]] Index current_node(const Unit& unit) {
    if (const auto& info = c_.resources[unit.members[0]]; unit.members.size() == 1 && info.active.size() <= 1) {
      return info.active.empty() ? info.last_node : info.active.front().node;  // the usual case
    }
    running_on_.clear();
    for (Index r : unit.members) {
      for (const auto& inst : c_.resources[r].active) running_on_.push_back(inst.node);
    }
    std::sort(running_on_.begin(), running_on_.end());
    Index current = kNone;
    std::size_t most = 0;
    for (std::size_t i = 0; i < running_on_.size();) {  // ascending node index
      std::size_t j = i;
      while (j < running_on_.size() && running_on_[j] == running_on_[i]) ++j;
      if (j - i > most) {
        current = running_on_[i];
        most = j - i;
      }
      i = j;
    }
    if (current != kNone) return current;
    for (Index r : unit.members) {
      if (c_.resources[r].last_node != kNone) return c_.resources[r].last_node;
    }
    return kNone;
  }

  /// Which members can run on `n` (into runs_, their demand into extra_): count and score.
  std::pair<std::size_t, std::int64_t> evaluate(const Unit& unit, Index n) {
    const std::size_t m_count = unit.members.size();
    const std::size_t n_count = c_.nodes.size();
    runs_.assign(m_count, false);
    extra_.assign(keys_, 0);
    std::size_t count = 0;
    std::int64_t total = 0;
    for (std::size_t i = 0; i < m_count; ++i) {
      Index r = unit.members[i];
      if (pre_[i] != Unplaced::placed) continue;
      const Score s = scores_[i * n_count + n];
      if (s < 0) continue;
      if (m_count > 1 && (!requirements_run(unit, runs_, r) || apart_from_runner(unit, i))) {
        continue;
      }
      if (c_.utilization_enabled && !fits_on(n, extra_, c_.resources[r].demand)) continue;
      runs_[i] = true;
      ++count;
      total += s;
      for (std::size_t k = 0; k < keys_; ++k) extra_[k] += c_.resources[r].demand[k];
    }
    return {count, total};
  }

  /// A -INFINITY colocation between member `i` and a member already marked runnable: both
  /// must be together (same unit) and apart, so the later one cannot run (the ban wins).
  [[nodiscard]] bool apart_from_runner(const Unit& unit, std::size_t i) const {
    const Index r = unit.members[i];
    for (std::size_t j = 0; j < i; ++j) {
      if (!runs_[j]) continue;
      const Index q = unit.members[j];
      auto banned = [](const ResourceInfo& a, Index b) {
        return std::any_of(a.colocations.begin(), a.colocations.end(), [&](const ColocationTerm& t) {
          return t.other == b && t.score <= kMinusInfinity;
        });
      };
      if (banned(c_.resources[r], q) || banned(c_.resources[q], r)) return true;
    }
    return false;
  }

  /// Every resource `r` requires within the unit is already marked runnable.
  [[nodiscard]] bool requirements_run(const Unit& unit, const std::vector<char>& runs,
                                      Index r) const {
    for (Index q : c_.resources[r].requires_) {
      auto it = std::find(unit.members.begin(), unit.members.end(), q);
      if (it == unit.members.end()) continue;
      if (!runs[static_cast<std::size_t>(it - unit.members.begin())]) return false;
    }
    return true;
  }

  /// docs/policy.md §3 preference order between candidate node `a` and the best so far `b`.
  [[nodiscard]] bool better(Index a, std::size_t a_count, std::int64_t a_score, Index b,
                            std::size_t b_count, std::int64_t b_score, Index current,
                            const std::vector<std::int64_t>& a_extra) const {
    if (a_count != b_count) return a_count > b_count;
    const Score sa = model::clamp_score(a_score);
    const Score sb = model::clamp_score(b_score);
    if (sa != sb) return sa > sb;
    if ((recovers_ || leaves_spare_) && c_.nodes[a].spare != c_.nodes[b].spare) return c_.nodes[a].spare == recovers_;
    if (a == current || b == current) return a == current;
    return strategy_prefers(a, b, a_extra, best_extra_);
  }

  /// Tie-break by placement strategy; false keeps `b` (the earlier node).
  [[nodiscard]] bool strategy_prefers(Index a, Index b, const std::vector<std::int64_t>& a_extra,
                                      const std::vector<std::int64_t>& b_extra) const {
    using model::PlacementStrategy;
    switch (c_.config->options.placement_strategy) {
      case PlacementStrategy::minimal: return false;
      case PlacementStrategy::balanced: {
        int more = 0;
        for (std::size_t k = 0; k < keys_; ++k) {
          const auto free_a =
              c_.nodes[a].capacity[k] - used_[a * keys_ + k] - staying_demand_[a * keys_ + k] - a_extra[k];
          const auto free_b =
              c_.nodes[b].capacity[k] - used_[b * keys_ + k] - staying_demand_[b * keys_ + k] - b_extra[k];
          more += free_a > free_b ? 1 : (free_a < free_b ? -1 : 0);
        }
        if (more != 0) return more > 0;
        return load_[a] < load_[b];
      }
      case PlacementStrategy::default_:
      case PlacementStrategy::utilization: return load_[a] < load_[b];
    }
    return false;
  }

  /// Leaves a unit exactly where it is when a member sits on a maintenance node or is
  /// blocked, or may still run on a lost node that cannot be fenced.
  void pin_if_needed(const Unit& unit) {
    const bool fencing = c_.config->options.stonith_enabled;
    bool pin = false;
    bool blocked = false;
    for (Index r : unit.members) {
      pin = pin || c_.resources[r].frozen;
      blocked = blocked || (!fencing && !c_.resources[r].lost_on.empty());
    }
    if (!pin && !blocked) return;
    for (Index r : unit.members) {
      decided_[r] = true;
      leave_current(r);
      p_.pinned[r] = true;
      const auto& active = c_.resources[r].active;
      if (!active.empty()) {
        p_.node_of[r] = active.front().node;
        p_.why[r] = Unplaced::placed;
        // Every instance stays (decisions leave a pinned resource alone), and takes room.
        for (const auto& inst : active) occupy(inst.node, c_.resources[r].demand);
      } else {
        p_.why[r] = !c_.resources[r].meta.managed ? Unplaced::unmanaged
                    : blocked                     ? Unplaced::blocked_unclean
                                                  : Unplaced::no_node;
      }
    }
  }

  /// Instances on a maintenance node, blocked ones, or ones on a lost node that cannot be
  /// fenced stay as they are and count against clone_max.
  void keep_untouchable_instances(Index r) {
    const auto& info = c_.resources[r];
    auto& instances = p_.clone_nodes[r];
    leave_current(r);
    for (const auto& inst : info.active) {
      if (inst.frozen) {
        instances.push_back(inst.node);
        occupy(inst.node, info.demand);
      }
    }
    if (!c_.config->options.stonith_enabled) {
      instances.insert(instances.end(), info.lost_on.begin(), info.lost_on.end());
    }
    p_.pinned[r] = !instances.empty();
  }

  void place_clone(Index r) {
    const auto& info = c_.resources[r];
    decided_[r] = true;
    leave_current(r);
    const std::size_t n_count = c_.nodes.size();
    std::vector<int> existing(n_count, 0);  // healthy instances per node, to prefer keeping
    std::vector<int> count(n_count, 0);
    auto& instances = p_.clone_nodes[r];
    for (Index n : instances) ++count[n];
    for (const auto& inst : info.active) {
      if (!inst.failed && !inst.frozen) ++existing[inst.node];
    }
    Unplaced pre = precondition(r);
    if (pre != Unplaced::placed) {
      p_.why[r] = pre;
      return;
    }
    std::vector<Score> base(n_count, 0);
    add_base_scores(c_, r, /*with_stickiness=*/false, base);
    add_colocations(r, base);
    const std::vector<std::int64_t> none(keys_, 0);
    while (instances.size() < static_cast<std::size_t>(std::max(info.clone_max, 0))) {
      Index best = kNone;
      Score best_score = 0;
      for (Index n = 0; n < n_count; ++n) {
        if (!c_.nodes[n].can_host || count[n] >= info.clone_node_max) continue;
        if (c_.utilization_enabled && !fits_on(n, none, info.demand)) continue;
        const bool keeps = existing[n] > 0;
        const Score s = model::add_scores(base[n], keeps ? info.meta.stickiness : 0);
        if (s < 0) continue;
        if (best == kNone || s > best_score ||
            (s == best_score && prefer_clone_node(n, best, existing))) {
          best = n;
          best_score = s;
        }
      }
      if (best == kNone) break;
      instances.push_back(best);
      ++count[best];
      if (existing[best] > 0) --existing[best];
      occupy(best, info.demand);
    }
    p_.why[r] = instances.empty() ? Unplaced::no_node : Unplaced::placed;
  }

  [[nodiscard]] bool prefer_clone_node(Index a, Index b, const std::vector<int>& existing) const {
    if ((existing[a] > 0) != (existing[b] > 0)) return existing[a] > 0;
    const std::vector<std::int64_t> none(keys_, 0);
    return strategy_prefers(a, b, none, none);
  }

  const Compiled& c_;
  const ColocationObserver& observe_;
  Links links_;
  Placement p_;
  std::vector<char> decided_;  ///< char: std::vector<bool>'s bit access costs more here
  std::size_t keys_ = 0;
  std::vector<std::int64_t> used_;
  /// Per node: instances placed so far plus those running there and not yet decided.
  std::vector<std::int64_t> load_;
  /// Per node and key: demand of what runs there and is not yet decided (balanced ties).
  std::vector<std::int64_t> staying_demand_;
  std::optional<AdmissionBudget> admission_;  ///< with options.failover_capacity
  std::vector<char> left_current_;  ///< leave_current() has run for this resource
  /// The unit being placed is recovered and there are spares: a spare wins ties.
  bool recovers_ = false;
  /// The unit being placed is failing back (Compiled::failback_now): a spare loses ties.
  bool leaves_spare_ = false;
  // Scratch space reused across units.
  std::vector<Score> scores_;
  std::vector<Unplaced> pre_;
  std::vector<char> runs_;  ///< per member of the unit being placed (char: no bit packing)
  std::vector<std::int64_t> extra_;
  std::vector<std::int64_t> best_extra_;
  std::vector<Index> running_on_;
};

}  // namespace

Placement place(const Compiled& c, const ColocationObserver& observe) {
  return Placer{c, observe}.run();
}

}  // namespace wholesale_ha::policy::detail
