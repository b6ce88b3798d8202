#include "admission.hpp"

#include <fmt/format.h>

namespace wholesale_ha::policy::detail {

AdmissionBudget::AdmissionBudget(const Compiled& c) : c_(c) {
  const std::size_t keys = c.utilization_keys.size();
  allowed_.assign(keys, 0);
  committed_.assign(keys, 0);
  for (const auto& node : c.nodes) {
    if (!node.can_host) continue;
    for (std::size_t k = 0; k < keys; ++k) allowed_[k] += node.capacity[k];
  }
  for (std::size_t k = 0; k < keys; ++k) allowed_[k] -= allowed_[k] * c.reserve_percent[k] / 100;
  for (const auto& info : c.resources) {
    const std::size_t copies = info.is_clone ? info.active.size() : (!info.active.empty() || info.ran_before ? 1 : 0);
    for (std::size_t k = 0; k < keys; ++k) committed_[k] += static_cast<std::int64_t>(copies) * info.demand[k];
  }
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
      if (c_.reserve_percent[k] == 0 || committed_[k] + need[k] <= allowed_[k]) continue;
      return fmt::format("admission control keeps {}% of {} free for failover: starting it would claim {} of the {} allowed",
                         c_.reserve_percent[k], c_.utilization_keys[k], committed_[k] + need[k], allowed_[k]);
    }
  }
  for (std::size_t k = 0; k < keys; ++k) committed_[k] += need[k];
  return std::nullopt;
}

}  // namespace wholesale_ha::policy::detail
