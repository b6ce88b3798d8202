#pragma once
// The "must happen before" edges between actions (docs/policy.md §5) and the final
// Transition with ids.

#include <wholesale_ha/policy/transition.hpp>

#include "compiled.hpp"
#include "decisions.hpp"

namespace wholesale_ha::policy::detail {

/// Numbers the actions, adds every ordering edge, and guarantees the result is acyclic: a
/// migration caught in a cycle (e.g. two VMs swapping nodes that cannot hold both) becomes
/// stop + start.
Transition build_transition(const Compiled& c, Decisions decisions);

}  // namespace wholesale_ha::policy::detail
