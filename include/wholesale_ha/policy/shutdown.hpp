#pragma once
// A node going down on purpose (docs/policy.md §9): the shutdown policy each resource follows,
// and the state change that starts it. Pure functions: the controller and wha-simulate share them.

#include <optional>
#include <string>
#include <string_view>

#include <wholesale_ha/model/cluster.hpp>

namespace wholesale_ha::policy {

/// The policy `resource` follows when its node goes down for `kind`: its own meta, else
/// resource_defaults, else the cluster option; `conditional` resolved (freeze on reboot,
/// failover on power-off). Never returns `conditional`.
model::ShutdownPolicy shutdown_policy(const model::Resource& resource, const model::ClusterOptions& options,
                                      model::ShutdownKind kind) noexcept;

/// `node` announced a clean shutdown or reboot: it is marked as emptying itself, and every
/// resource active on it whose policy resolves to freeze is recorded as waiting for it.
/// Idempotent; an unknown node changes nothing.
void begin_shutdown(model::ClusterState& state, const model::Config& config, std::string_view node,
                    model::ShutdownKind kind);

/// The node `resource` waits for under freeze, or nullopt: a frozen record holds unless its
/// node was lost (unclean) or the resource runs, healthy, on another node (as the planner reads it).
std::optional<std::string> waits_for(const model::ClusterState& state, std::string_view resource);

/// `resource` started somewhere: it no longer waits for a node.
void forget_frozen(model::ClusterState& state, std::string_view resource);

}  // namespace wholesale_ha::policy
