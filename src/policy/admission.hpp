#pragma once
// Admission control (docs/policy.md §11, options.failover_capacity): the cluster-wide budget
// that new resources are started within, so room stays free for failover.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "compiled.hpp"

namespace wholesale_ha::policy::detail {

class AdmissionBudget {
 public:
  /// What the hosting nodes offer minus the reserve, and what everything that runs or ran
  /// before (never held back) claims of it already.
  explicit AdmissionBudget(const Compiled& c);

  /// Whether `unit` may be placed with the members `runs` marks: a unit none of whose members
  /// runs or ran before must fit in what is left, and then claims it. Returns why not, or
  /// nullopt when admitted.
  std::optional<std::string> admit(const Unit& unit, std::span<const char> runs);

 private:
  const Compiled& c_;
  std::vector<std::int64_t> allowed_;    ///< per key: capacity minus the reserve
  std::vector<std::int64_t> committed_;  ///< per key: what is claimed of it so far
};

}  // namespace wholesale_ha::policy::detail
