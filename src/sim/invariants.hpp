#pragma once
// Invariants the simulator checks that need only one controller's view and the operation it
// issues, or the coordinator's view and the truth at the end (docs/simulation.md numbers
// them). The ones that need the whole world's history (active twice, fence first, exactly
// once, clean leave) stay in world.cpp, next to that history.

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include <wholesale_ha/executor/executor.hpp>
#include <wholesale_ha/model/status.hpp>

#include "../controller/core.hpp"

namespace wholesale_ha::sim {

/// Which invariant broke, and how.
struct Broken {
  std::string invariant;
  std::string detail;
};

/// 7. Off a node shutting down on purpose, only shutdown_policy migrate live-migrates; a
/// resource frozen with a node that left cleanly starts nowhere else.
[[nodiscard]] std::optional<Broken> check_shutdown_policy(const core::Core& issuer, std::string_view issuer_id,
                                                             const executor::Operation& op);

/// 8. Nothing live-migrates to the node of an offline move.
[[nodiscard]] std::optional<Broken> check_offline_move(const core::Core& issuer, std::string_view issuer_id,
                                                          const executor::Operation& op);

/// 9. A spare node takes no resource's first start (clones excepted): it is kept for what is
/// recovered. A resource the cluster had to stop somewhere (a probe found it failed there) was
/// active as far as the cluster could know, so it counts as having run. `was_active` collects
/// the resources a start or stop was issued for.
[[nodiscard]] std::optional<Broken> check_spare_reserved(const core::Core& issuer, std::string_view issuer_id,
                                                            const executor::Operation& op,
                                                            std::set<std::string>& was_active);

/// 5. Once faults stop, the cluster converges to what the planner wants, and the coordinator's
/// replicated state is the truth: `running` holds (resource, host) for what really runs.
[[nodiscard]] std::optional<Broken> check_converged(const core::Core& coordinator, std::string_view id,
                                                       model::Timestamp now,
                                                       const std::set<std::pair<std::string, std::string>>& running);

}  // namespace wholesale_ha::sim
