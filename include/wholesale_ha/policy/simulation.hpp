#pragma once
// "What if" events applied to a cluster before planning, as wha-simulate's flags spell them
// (--node-down n2, --health n3:#health-disk=red, --fail vm7@n1, ...). Each changes nothing
// and says why when it cannot be applied.

#include <string>
#include <string_view>

#include <wholesale_ha/model/cluster.hpp>
#include <wholesale_ha/result.hpp>

namespace wholesale_ha::policy::simulate {

/// The node is lost without a clean leave (unclean: it must be fenced).
Result<void> node_down(model::Cluster& cluster, std::string_view node);
/// The node left cleanly or was fenced (offline): what the status placed there is gone.
Result<void> node_offline(model::Cluster& cluster, std::string_view node);
/// The node is back online (a shutdown it announced is over).
Result<void> node_up(model::Cluster& cluster, std::string_view node);
/// The node announces a clean shutdown or reboot: it empties itself by the shutdown policies
/// (policy::begin_shutdown); --node-offline then completes it.
Result<void> shutdown(model::Cluster& cluster, std::string_view node, model::ShutdownKind kind);
Result<void> standby(model::Cluster& cluster, std::string_view node, bool on);
/// Maintenance mode on (evacuate, remember what to bring back) or off (failback).
Result<void> maintenance(model::Cluster& cluster, std::string_view node, bool on);
/// "n3:#health-disk=red"; the attribute must start with "#health-"; the value is a colour
/// or an integer score.
Result<void> health(model::Cluster& cluster, std::string_view spec);
/// "vm7@n1": the resource fails on that node (it need not have been running there): its
/// instance is marked failed and its failcount there grows by one at `now`.
Result<void> fail(model::Cluster& cluster, std::string_view spec);
/// "vm7@n1:start" (or stop, migrate; migrate names the source): the operation failed there
/// and its on_fail applies as the controller applies it — restart: failed, failcount +1
/// (a start: INFINITY); block: blocked; fence: the node is lost (unclean) until fenced.
Result<void> fail_operation(model::Cluster& cluster, std::string_view spec);
Result<void> quorum(model::Cluster& cluster, bool quorate);
/// The operator moves `resource` to `node` (a +INFINITY location "move-<resource>", as
/// Controller::move; `offline`: by stop and start, never migration); an empty node clears
/// the move.
Result<void> move(model::Cluster& cluster, std::string_view resource, std::string_view node, bool offline = false);

}  // namespace wholesale_ha::policy::simulate
