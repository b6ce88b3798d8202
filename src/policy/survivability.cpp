#include <wholesale_ha/policy/survivability.hpp>

#include <algorithm>
#include <optional>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include <wholesale_ha/policy/planner.hpp>

#include "compiled.hpp"
#include "node_health.hpp"
#include "placement.hpp"
#include "reasons.hpp"

namespace wholesale_ha::policy {
namespace {

/// Plans are applied until there is nothing left to do: a migration_limit stages moves over
/// several transitions. The bound is a guard; real clusters converge in two or three.
constexpr int kMaxRounds = 16;

/// The plan of an applied plan is empty (docs/policy.md §8) unless the migration limit
/// deferred something: then, and only then, another round is planned.
bool staged(const Transition& t) {
  return std::any_of(t.notices.begin(), t.notices.end(),
                     [](const Notice& n) { return n.reason.code == ReasonCode::migration_deferred; });
}

model::ClusterState converge(model::ClusterState state, const model::Config& config) {
  Transition t = plan(state, config);
  for (int round = 0; round < kMaxRounds && !t.empty(); ++round) {
    state = apply(state, t);
    if (!staged(t)) break;
    t = plan(state, config);
  }
  return state;
}

bool online(const model::ClusterState& state, const std::string& node) {
  auto it = state.nodes.find(node);
  return it == state.nodes.end() || it->second.state == model::NodeState::online;
}

/// Resources (by configuration index) that are managed and run on an online node.
std::vector<bool> running(const model::ClusterState& state, const model::Config& config,
                          const std::unordered_map<std::string_view, std::size_t>& index) {
  std::vector<bool> out(config.resources.size(), false);
  for (const auto& p : state.resources) {
    if (p.state != model::ResourceState::started || !online(state, p.node)) continue;
    if (auto it = index.find(p.resource); it != index.end()) out[it->second] = true;
  }
  for (std::size_t r = 0; r < out.size(); ++r) {
    if (!model::effective_meta(config.resources[r].meta, config.options.resource_defaults).managed) out[r] = false;
  }
  return out;
}

/// "red" or "yellow" for a node whose health is either (no recovery goes there), else "".
std::string unhealthy(const model::Node& node, const model::ClusterState& state) {
  model::Attributes attributes = node.attributes;
  if (auto it = state.nodes.find(node.id); it != state.nodes.end()) {
    for (const auto& [name, value] : it->second.attributes) attributes[name] = value;
  }
  return std::string{detail::degraded_colour(attributes)};
}

class Checker {
 public:
  Checker(const model::ClusterState& state, const model::Config& config)
      : config_(config), base_(converge(state, config)) {
    for (std::size_t r = 0; r < config.resources.size(); ++r) index_[config.resources[r].id] = r;
    before_ = running(base_, config, index_);
    for (const auto& node : config.nodes) {
      if (!online(base_, node.id)) continue;
      candidates_.push_back(node.id);
      if (auto colour = unhealthy(node, base_); !colour.empty()) unfit_.emplace_back(node.id, std::move(colour));
    }
    ban_unfit_nodes();
  }

  [[nodiscard]] const std::vector<std::string>& candidates() const { return candidates_; }

  [[nodiscard]] std::vector<SpareInUse> spares_in_use() const {
    std::vector<SpareInUse> out;
    const auto& failover = config_.options.failover_capacity;
    if (!failover) return out;
    for (const auto& spare : failover->spare_nodes) {
      std::set<std::size_t> there;  // configuration indices
      for (const auto& p : base_.resources) {
        auto it = index_.find(p.resource);
        if (p.node == spare && it != index_.end() && !config_.resources[it->second].clone) there.insert(it->second);
      }
      if (there.empty()) continue;
      SpareInUse& use = out.emplace_back(SpareInUse{spare, {}});
      for (std::size_t r : there) use.resources.push_back(config_.resources[r].id);
    }
    return out;
  }

  FailureCase lose(const std::vector<std::string>& nodes) const {
    // Losing nodes that run nothing changes no placement (a spare stays a spare): no plan.
    const bool runs_something = std::any_of(base_.resources.begin(), base_.resources.end(), [&](const auto& p) {
      return std::find(nodes.begin(), nodes.end(), p.node) != nodes.end();
    });
    if (!runs_something) return {nodes, {}};
    model::ClusterState s = base_;
    for (const auto& n : nodes) {
      auto& status = s.nodes[n];
      status.state = model::NodeState::offline;  // lost and fenced
      status.shutdown.reset();
      model::drop_placements(s, n);
      std::erase_if(s.pending, [&](const auto& op) { return op.node == n; });
      std::erase_if(s.frozen, [&](const auto& f) { return f.node == n; });
    }
    // Where the planner would put everything is its placement: the plans that carry it out
    // (and a migration limit's stages) end there (docs/policy.md §8), so they are skipped.
    const detail::Compiled c = detail::compile(s, banned_ ? *banned_ : config_);
    const detail::Placement p = detail::place(c);
    const detail::ReasonWriter reasons{c, p};
    FailureCase out{nodes, {}};
    for (detail::Index r = 0; r < before_.size(); ++r) {
      const bool runs = c.resources[r].is_clone ? !p.clone_nodes[r].empty() : p.node_of[r] != detail::kNone;
      if (before_[r] && !runs) out.stranded.push_back({config_.resources[r].id, reasons.unplaced(r)});
    }
    return out;
  }

 private:
  /// Red and yellow nodes keep what runs on them and take nothing else (but what opts out
  /// of health, allow_unhealthy_nodes): a copy of the configuration with those bans, made
  /// once; none when every node is fit.
  void ban_unfit_nodes() {
    if (unfit_.empty()) return;
    banned_ = config_;
    std::set<std::pair<std::string_view, std::string_view>> runs;
    for (const auto& p : base_.resources) runs.emplace(p.resource, p.node);
    for (const auto& [node, colour] : unfit_) {
      const std::string id = fmt::format("what-if: {} is {}, no recovery target", node, colour);
      for (const auto& r : config_.resources) {
        if (runs.contains({r.id, node})) continue;
        if (model::effective_meta(r.meta, config_.options.resource_defaults).allow_unhealthy_nodes) continue;
        banned_->constraints.emplace_back(model::LocationConstraint{id, r.id, node, -model::kInfinity, std::nullopt});
      }
    }
  }

  const model::Config& config_;
  model::ClusterState base_;
  std::unordered_map<std::string_view, std::size_t> index_;
  std::vector<bool> before_;
  std::vector<std::string> candidates_;
  std::vector<std::pair<std::string, std::string>> unfit_;  ///< (node, colour)
  std::optional<model::Config> banned_;
};

}  // namespace

std::string Survivability::verdict() const {
  std::string spares;
  for (const auto& s : spares_in_use) {
    spares += fmt::format("; spare {} in use ({})", s.node, fmt::join(s.resources, ", "));
  }
  const std::string claim = fmt::format("tolerates {} host failure{}", k, k == 1 ? "" : "s");
  if (failing.empty()) {
    return fmt::format("{}: yes ({} case{} checked){}", claim, cases_checked, cases_checked == 1 ? "" : "s", spares);
  }
  const FailureCase& first = failing.front();
  // Named: the first that is stranded for its own sake, not for a dependency's.
  auto root = std::find_if(first.stranded.begin(), first.stranded.end(),
                           [](const auto& s) { return s.reason.code != ReasonCode::dependency; });
  const StrandedResource& r = root != first.stranded.end() ? *root : first.stranded.front();
  const std::string what = first.stranded.size() == 1
                               ? r.resource
                               : fmt::format("{} resources, among them {},", first.stranded.size(), r.resource);
  return fmt::format("{}: no — losing {} leaves {} stopped ({}); {} of {} cases strand something{}", claim,
                     fmt::join(first.nodes, " and "), what, r.reason.text, failing.size(), cases_checked, spares);
}

Survivability survivability(const model::ClusterState& state, const model::Config& config, int k) {
  Survivability out;
  out.k = k;
  if (k < 1) return out;
  const Checker checker(state, config);
  out.spares_in_use = checker.spares_in_use();
  const auto& nodes = checker.candidates();
  auto check = [&](std::vector<std::string> lost) {
    ++out.cases_checked;
    FailureCase c = checker.lose(lost);
    if (!c.stranded.empty()) out.failing.push_back(std::move(c));
  };
  if (static_cast<std::size_t>(k) >= nodes.size()) {
    check(nodes);  // every node at once
    return out;
  }
  // Every combination of k candidates, in node order (indices ascending).
  std::vector<std::size_t> pick(static_cast<std::size_t>(k));
  for (std::size_t i = 0; i < pick.size(); ++i) pick[i] = i;
  for (;;) {
    std::vector<std::string> lost;
    for (std::size_t i : pick) lost.push_back(nodes[i]);
    check(std::move(lost));
    std::size_t i = pick.size();
    while (i > 0 && pick[i - 1] == nodes.size() - pick.size() + i - 1) --i;
    if (i == 0) break;
    ++pick[i - 1];
    for (std::size_t j = i; j < pick.size(); ++j) pick[j] = pick[j - 1] + 1;
  }
  return out;
}

}  // namespace wholesale_ha::policy
