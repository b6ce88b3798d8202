#pragma once
// The "must happen before" edges between actions (docs/policy.md §5) and the final
// Transition with ids.

#include <wholesale_ha/policy/transition.hpp>

#include "compiled.hpp"
#include "decisions.hpp"

namespace wholesale_ha::policy::detail {

/// Numbers the actions, adds every ordering edge, and guarantees the result is acyclic: a
/// migration caught in a cycle (e.g. two VMs swapping nodes that cannot hold both) becomes
/// stop + start. `resource_of` receives each action's resource index (kNone for a fence),
/// so the summary need not look the ids up again.
Transition build_transition(const Compiled& c, Decisions decisions,
                            std::vector<Index>& resource_of);

}  // namespace wholesale_ha::policy::detail
