#pragma once
// Maintenance mode (docs/policy.md §10; Proxmox VE's node maintenance, vSphere's maintenance
// mode): a node is evacuated for as long as an operator wants, and what it ran returns to it
// afterwards. Pure functions: the controller and wha-simulate share them.

#include <string_view>

#include <wholesale_ha/model/cluster.hpp>

namespace wholesale_ha::policy {

/// Maintenance on `node` begins: it takes nothing new and is emptied, and every resource
/// active on it (clones aside) whose meta allows failback is recorded as returning there.
/// Idempotent; an unknown node changes nothing.
void begin_maintenance(model::ClusterState& state, const model::Config& config, std::string_view node);

/// Maintenance on `node` ends: the planner brings back what is recorded as returning there.
void end_maintenance(model::ClusterState& state, std::string_view node);

/// `resource` started or arrived on `node`: a return there is done.
void arrived(model::ClusterState& state, std::string_view resource, std::string_view node);

}  // namespace wholesale_ha::policy
