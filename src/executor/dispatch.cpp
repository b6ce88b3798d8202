#include "dispatch.hpp"

namespace wholesale_ha::executor {

using policy::ActionKind;

Dispatch::Dispatch(const policy::Transition& t, int node_concurrency, int migration_limit)
    : actions_(t.actions),
      next_(t.actions.size()),
      waiting_(t.actions.size(), 0),
      phase_(t.actions.size(), Phase::waiting),
      node_concurrency_(node_concurrency),
      migration_limit_(migration_limit) {
  for (const auto& e : t.edges) {
    next_[e.before].push_back(e.after);
    ++waiting_[e.after];
  }
  for (std::size_t i = 0; i < actions_.size(); ++i) {
    if (waiting_[i] == 0) ready_.insert(i);
  }
}

bool Dispatch::fits(const policy::Action& a) const {
  auto load = [&](const std::string& node) {
    auto it = node_load_.find(node);
    return it == node_load_.end() ? 0 : it->second;
  };
  if (a.kind == ActionKind::fence) return true;  // fencing never waits for a slot
  if (load(a.node) >= node_concurrency_) return false;
  if (a.kind == ActionKind::migrate) {
    if (migration_limit_ >= 0 && migrations_ >= migration_limit_) return false;
    if (load(*a.target) >= node_concurrency_) return false;
  }
  return true;
}

void Dispatch::occupy(const policy::Action& a, int delta) {
  if (a.kind == ActionKind::fence) return;
  node_load_[a.node] += delta;
  if (a.kind == ActionKind::migrate) {
    node_load_[*a.target] += delta;
    migrations_ += delta;
  }
}

std::vector<std::size_t> Dispatch::take_ready() {
  std::vector<std::size_t> out;
  if (aborted_) return out;
  for (auto it = ready_.begin(); it != ready_.end();) {
    const auto& a = actions_[*it];
    if (!fits(a)) {
      ++it;
      continue;
    }
    phase_[*it] = Phase::running;
    ++in_flight_;
    occupy(a, +1);
    out.push_back(*it);
    it = ready_.erase(it);
  }
  return out;
}

std::vector<std::size_t> Dispatch::finish(std::size_t id, bool ok) {
  --in_flight_;
  occupy(actions_[id], -1);
  phase_[id] = ok ? Phase::succeeded : Phase::failed;
  std::vector<std::size_t> skipped;
  if (ok) {
    for (std::size_t j : next_[id]) {
      if (--waiting_[j] == 0 && phase_[j] == Phase::waiting) ready_.insert(j);
    }
    return skipped;
  }
  any_failed_ = true;
  std::vector<std::size_t> stack = next_[id];
  while (!stack.empty()) {
    const std::size_t j = stack.back();
    stack.pop_back();
    if (phase_[j] != Phase::waiting) continue;
    phase_[j] = Phase::skipped;
    ready_.erase(j);
    skipped.push_back(j);
    stack.insert(stack.end(), next_[j].begin(), next_[j].end());
  }
  return skipped;
}

bool Dispatch::over() const noexcept {
  if (in_flight_ > 0) return false;
  // With nothing running a ready action always fits, so "ready" means "not yet taken".
  return aborted_ || ready_.empty();
}

std::vector<std::size_t> Dispatch::leftovers() {
  std::vector<std::size_t> out;
  if (!over()) return out;
  for (std::size_t j = 0; j < phase_.size(); ++j) {
    if (phase_[j] == Phase::waiting) {
      phase_[j] = Phase::skipped;
      out.push_back(j);
    }
  }
  return out;
}

}  // namespace wholesale_ha::executor
