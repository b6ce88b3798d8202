#pragma once
// Human-readable, machine-matchable reasons for what the planner decides.

#include <string>
#include <vector>

#include <wholesale_ha/policy/transition.hpp>

#include "compiled.hpp"
#include "placement.hpp"
#include "scoring.hpp"

namespace wholesale_ha::policy::detail {

class ReasonWriter {
 public:
  ReasonWriter(const Compiled& c, const Placement& p) : c_(c), p_(p) {}

  /// Why resource `r` leaves node `from` (docs/policy.md §4 precedence).
  [[nodiscard]] Reason leave(Index r, Index from, bool failed_there) const;
  /// Why `r` starts on `to` having not run anywhere.
  [[nodiscard]] Reason start(Index r, Index to) const;
  /// Why `r` is not placed anywhere.
  [[nodiscard]] Reason unplaced(Index r) const;
  /// Why a node cannot take anything right now ("standby", "offline", ...), or "".
  [[nodiscard]] std::string node_blocker(Index n) const;
  /// "location db-prefers-a", "health (#health-disk=red)", ... for explain().
  [[nodiscard]] std::string describe(Index r, const Term& term) const;
  /// "node n3 health red (#health-disk=red) under migrate-on-red".
  [[nodiscard]] std::string health_text(Index n) const;

 private:
  [[nodiscard]] Score base_score(Index r, Index n) const;
  /// Why `r` cannot go to `n` ("" when nothing stands in the way).
  struct Blocker {
    std::string text;
    bool capacity = false;  ///< only the node's remaining capacity
  };
  [[nodiscard]] Blocker why_not_on(Index r, Index n) const;

  const Compiled& c_;
  const Placement& p_;
  /// health_text per node, written once: every resource leaving a red node gives it.
  mutable std::vector<std::string> health_texts_;
};

}  // namespace wholesale_ha::policy::detail
