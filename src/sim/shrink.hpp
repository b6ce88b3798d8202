#pragma once
// A failing scenario made minimal: faults are taken out one at a time while the run still
// breaks the same invariant.

#include "scenario.hpp"
#include "world.hpp"

namespace wholesale_ha::sim {

struct Shrunk {
  Scenario scenario;
  Violation violation;  ///< what the minimal scenario breaks
  int runs = 0;
};

/// `failing` must fail `invariant`; at most `max_runs` runs are spent.
[[nodiscard]] Shrunk shrink(const Scenario& failing, const std::string& invariant, const Options& options,
                            int max_runs = 200);

}  // namespace wholesale_ha::sim
