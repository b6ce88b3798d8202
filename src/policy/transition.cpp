#include <wholesale_ha/policy/transition.hpp>

namespace wholesale_ha::policy {

std::string_view to_string(ReasonCode code) noexcept {
  switch (code) {
    case ReasonCode::initial_start: return "initial-start";
    case ReasonCode::node_unhealthy: return "node-unhealthy";
    case ReasonCode::node_standby: return "node-standby";
    case ReasonCode::node_shutdown: return "node-shutdown";
    case ReasonCode::node_maintenance: return "node-maintenance";
    case ReasonCode::failback: return "failback";
    case ReasonCode::node_lost: return "node-lost";
    case ReasonCode::node_fenced: return "node-fenced";
    case ReasonCode::failed: return "failed";
    case ReasonCode::failcount_threshold: return "failcount-threshold";
    case ReasonCode::admission_control: return "admission-control";
    case ReasonCode::constraint: return "constraint";
    case ReasonCode::better_placement: return "better-placement";
    case ReasonCode::capacity: return "capacity";
    case ReasonCode::target_role_stopped: return "target-role-stopped";
    case ReasonCode::active_multiple: return "active-multiple";
    case ReasonCode::dependency: return "dependency";
    case ReasonCode::no_quorum: return "no-quorum";
    case ReasonCode::no_eligible_node: return "no-eligible-node";
    case ReasonCode::migration_deferred: return "migration-deferred";
    case ReasonCode::fencing_disabled: return "fencing-disabled";
    case ReasonCode::blocked: return "blocked";
    case ReasonCode::unmanaged: return "unmanaged";
  }
  return "?";
}

std::string_view to_string(ActionKind kind) noexcept {
  switch (kind) {
    case ActionKind::start: return "start";
    case ActionKind::stop: return "stop";
    case ActionKind::migrate: return "migrate";
    case ActionKind::fence: return "fence";
  }
  return "?";
}

std::string_view to_string(ChangeKind kind) noexcept {
  switch (kind) {
    case ChangeKind::start: return "start";
    case ChangeKind::stop: return "stop";
    case ChangeKind::restart: return "restart";
    case ChangeKind::migrate: return "migrate";
    case ChangeKind::move: return "move";
  }
  return "?";
}

std::string describe(const Action& action) {
  switch (action.kind) {
    case ActionKind::fence: return "fence " + action.node;
    case ActionKind::migrate:
      return "migrate " + action.resource + " " + action.node + "->" + action.target.value_or("?");
    case ActionKind::start:
    case ActionKind::stop: break;
  }
  return std::string{to_string(action.kind)} + " " + action.resource + " " + action.node;
}

}  // namespace wholesale_ha::policy
