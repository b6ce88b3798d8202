#include "operation_history.hpp"

#include <algorithm>

#include "pacemaker_values.hpp"

namespace wholesale_ha::cib {
namespace {

// OCF exit codes and executor statuses as Pacemaker records them.
constexpr int kOcfSuccess = 0;
constexpr int kOcfNotInstalled = 5;
constexpr int kOcfNotRunning = 7;
constexpr int kOcfRunningPromoted = 8;
constexpr int kOcfDegraded = 190;
constexpr int kOcfDegradedPromoted = 191;
constexpr int kExecPending = -1;
constexpr int kExecDone = 0;
constexpr int kExecCancelled = 1;
constexpr int kExecNotInstalled = 7;

int int_attribute(pugi::xml_node xml, const char* name, int fallback) {
  auto value = parse_integer(xml.attribute(name).value());
  return value ? static_cast<int>(*value) : fallback;
}

std::optional<int> expected_rc(std::string_view transition_key) {
  // "action:transition:expected-rc:uuid"
  auto first = transition_key.find(':');
  if (first == std::string_view::npos) return std::nullopt;
  auto second = transition_key.find(':', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  auto third = transition_key.find(':', second + 1);
  auto value = parse_integer(transition_key.substr(second + 1, third - second - 1));
  if (!value) return std::nullopt;
  return static_cast<int>(*value);
}

bool is_running_rc(int rc) {
  return rc == kOcfSuccess || rc == kOcfRunningPromoted || rc == kOcfDegraded ||
         rc == kOcfDegradedPromoted;
}

/// Operations that say nothing about whether the resource runs.
bool is_informational(std::string_view operation) {
  return operation == "notify" || operation == "meta-data" || operation == "validate-all" ||
         operation == "reload" || operation == "reload-agent" || operation == "cancel";
}

/// The activity after `op`, which completed (op-status done or an execution error).
Activity after(const RecordedOperation& op) {
  const bool probe = op.operation == "monitor" && op.interval_ms == 0;
  if (op.status != kExecDone) {
    // A probe that finds the agent missing means "not running here" (Pacemaker also bans
    // the node); every other execution error (timeout, error, ...) is a failure.
    return probe && op.status == kExecNotInstalled ? Activity::stopped : Activity::failed;
  }
  if (op.operation == "stop") {
    return op.rc == kOcfSuccess || op.rc == kOcfNotRunning ? Activity::stopped : Activity::failed;
  }
  if (is_running_rc(op.rc)) {
    return op.operation == "migrate_to" ? Activity::migrated_to_target : Activity::started;
  }
  if (op.operation == "monitor") {
    // A probe (or a monitor expecting "not running") that finds it stopped is news, not a
    // failure; a recurring monitor that finds it stopped is a failure to recover from.
    if (op.rc == kOcfNotRunning && (probe || op.expected_rc == kOcfNotRunning)) {
      return Activity::stopped;
    }
    if (probe && op.rc == kOcfNotInstalled) return Activity::stopped;
  }
  return Activity::failed;
}

}  // namespace

RecordedOperation read_operation(pugi::xml_node xml) {
  RecordedOperation op;
  op.operation = xml.attribute("operation").value();
  op.call_id = parse_integer(xml.attribute("call-id").value()).value_or(-1);
  op.rc = int_attribute(xml, "rc-code", kOcfSuccess);
  op.status = int_attribute(xml, "op-status", kExecDone);
  op.interval_ms = parse_integer(xml.attribute("interval").value()).value_or(0);
  op.expected_rc = expected_rc(xml.attribute("transition-key").value());
  op.last_rc_change = parse_integer(xml.attribute("last-rc-change").value()).value_or(0);
  op.migrate_source = xml.attribute("migrate_source").value();
  op.migrate_target = xml.attribute("migrate_target").value();
  return op;
}

HistoryOutcome replay(std::vector<RecordedOperation> operations,
                      std::optional<model::Timestamp> expired_until) {
  std::stable_sort(
      operations.begin(), operations.end(),
      [](const RecordedOperation& a, const RecordedOperation& b) { return a.call_id < b.call_id; });
  HistoryOutcome outcome;
  for (auto& op : operations) {
    if (op.status == kExecPending) {
      outcome.pending.push_back(std::move(op));
      continue;
    }
    if (op.status == kExecCancelled || is_informational(op.operation)) continue;
    const auto activity = after(op);
    if (activity == Activity::failed && expired_until && op.last_rc_change <= *expired_until) {
      continue;
    }
    outcome.activity = activity;
    if (outcome.activity == Activity::migrated_to_target) {
      outcome.migration_target = op.migrate_target;
    }
    if (op.operation == "migrate_from" && outcome.activity == Activity::started) {
      outcome.completed_migrations_from.push_back(op.migrate_source);
    }
  }
  return outcome;
}

}  // namespace wholesale_ha::cib
