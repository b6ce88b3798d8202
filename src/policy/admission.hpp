#pragma once
// Admission control (docs/policy.md §11, options.failover_capacity): the cluster-wide budget
// that new resources are started within, so room stays free for failover.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "compiled.hpp"

namespace wholesale_ha::policy::detail {

class AdmissionBudget {
 public:
  /// What the hosting nodes offer minus the reserve (a percentage, or the largest nodes'
  /// capacity), and what everything that runs or ran before (never held back) claims of it.
  explicit AdmissionBudget(const Compiled& c);

  /// Whether `unit` may be placed with the members `runs` marks: a unit none of whose members
  /// runs or ran before must fit, together with everything of its priority or higher, in
  /// what is allowed, and then claims it. So a failure can only cost what has a lower
  /// priority than what was admitted. Returns why not, or nullopt when admitted.
  std::optional<std::string> admit(const Unit& unit, std::span<const char> runs);

 private:
  /// Claimed of `key` by resources of `priority` or higher.
  [[nodiscard]] std::int64_t claimed(std::int32_t priority, std::size_t key) const;
  [[nodiscard]] std::string reserve_text(std::size_t key) const;

  const Compiled& c_;
  std::vector<std::int64_t> allowed_;  ///< per key: capacity minus the reserve
  std::vector<std::int64_t> reserve_;  ///< per key: what is kept free (0: not reserved)
  /// Per priority (highest first), per key: what is claimed so far.
  std::map<std::int32_t, std::vector<std::int64_t>, std::greater<>> claimed_;
};

}  // namespace wholesale_ha::policy::detail
