#include "admission.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace wholesale_ha::policy::detail {

AdmissionBudget::AdmissionBudget(const Compiled& c) : c_(c) {
  const std::size_t keys = c.utilization_keys.size();
  allowed_.assign(keys, 0);
  reserve_.assign(keys, 0);
  std::vector<std::vector<std::int64_t>> hosting(keys);  // per key: each hosting node's capacity
  std::int64_t hosting_nodes = 0;
  for (const auto& node : c.nodes) {
    // A degrading node is no recovery target (the what-if agrees): its room does not count.
    if (!node.can_host || node.spare || node.degraded) continue;
    ++hosting_nodes;
    for (std::size_t k = 0; k < keys; ++k) {
      allowed_[k] += node.capacity[k];
      hosting[k].push_back(node.capacity[k]);
    }
  }
  for (std::size_t k = 0; k < keys; ++k) {
    if (!c.reserve_percent.empty()) {
      reserve_[k] = allowed_[k] * c.reserve_percent[k] / 100;
    } else if (c.reserve_hosts > 0) {
      // Per attribute, the largest nodes: losing any c.reserve_hosts nodes frees no more.
      auto& caps = hosting[k];
      const auto lost = std::min(caps.size(), static_cast<std::size_t>(c.reserve_hosts));
      std::partial_sort(caps.begin(), caps.begin() + static_cast<std::ptrdiff_t>(lost), caps.end(), std::greater<>{});
      for (std::size_t i = 0; i < lost; ++i) reserve_[k] += caps[i];
    }
    allowed_[k] -= reserve_[k];
  }
  // What is claimed must not change when a plan is carried out, or the next plan would admit
  // what this one held back (docs/policy.md §8): a resource claims while it runs or ran before
  // (a stop leaves its last node), a clone as many instances as it may run, whether or not
  // they run now; what is meant to be stopped claims nothing.
  for (const auto& info : c.resources) {
    if (info.meta.target_role == model::TargetRole::stopped) continue;
    const std::int64_t copies =
        info.is_clone ? std::min<std::int64_t>(std::max(info.clone_max, 0), hosting_nodes * info.clone_node_max)
                      : (!info.active.empty() || info.ran_before ? 1 : 0);
    if (copies == 0) continue;
    auto& claimed = claimed_[c.units[info.unit].priority];
    claimed.resize(keys, 0);
    for (std::size_t k = 0; k < keys; ++k) claimed[k] += copies * info.demand[k];
  }
}

std::int64_t AdmissionBudget::claimed(std::int32_t priority, std::size_t key) const {
  std::int64_t total = 0;
  for (auto it = claimed_.begin(); it != claimed_.end() && it->first >= priority; ++it) total += it->second[key];
  return total;
}

std::string AdmissionBudget::reserve_text(std::size_t key) const {
  if (!c_.reserve_percent.empty()) {
    return fmt::format("{}% of {} free for failover", c_.reserve_percent[key], c_.utilization_keys[key]);
  }
  return fmt::format("room for {} host failure{} ({} {})", c_.reserve_hosts, c_.reserve_hosts == 1 ? "" : "s",
                     c_.utilization_keys[key], reserve_[key]);
}

std::optional<std::string> AdmissionBudget::admit(const Unit& unit, std::span<const char> runs) {
  const std::size_t keys = allowed_.size();
  bool new_start = true;
  std::vector<std::int64_t> need(keys, 0);
  for (std::size_t i = 0; i < unit.members.size(); ++i) {
    const auto& info = c_.resources[unit.members[i]];
    if (!info.active.empty() || info.ran_before) new_start = false;
    if (!runs[i] || !info.active.empty() || info.ran_before) continue;
    for (std::size_t k = 0; k < keys; ++k) need[k] += info.demand[k];
  }
  if (new_start) {
    for (std::size_t k = 0; k < keys; ++k) {
      const std::int64_t total = claimed(unit.priority, k) + need[k];
      if (reserve_[k] == 0 || total <= allowed_[k]) continue;
      return fmt::format("admission control keeps {}: starting it would claim {} of the {} allowed", reserve_text(k),
                         total, allowed_[k]);
    }
  }
  auto& claimed = claimed_[unit.priority];
  claimed.resize(keys, 0);
  for (std::size_t k = 0; k < keys; ++k) claimed[k] += need[k];
  return std::nullopt;
}

}  // namespace wholesale_ha::policy::detail
