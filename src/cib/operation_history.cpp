#include "operation_history.hpp"

#include <algorithm>
#include <utility>

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

std::optional<int> expected_rc(const char* transition_key) {
  // "action:transition:expected-rc:uuid": one pass up to the third colon, not over the uuid.
  const char* field = nullptr;
  const char* at = transition_key;
  int colons = 0;
  for (; *at != '\0'; ++at) {
    if (*at != ':') continue;
    if (++colons == 2) field = at + 1;
    if (colons == 3) break;
  }
  if (field == nullptr) return std::nullopt;
  auto value = parse_integer(std::string_view{field, static_cast<std::size_t>(at - field)});
  if (!value) return std::nullopt;
  return static_cast<int>(*value);
}

/// An attribute's integer value. Plain digits, as Pacemaker writes them, are read in place;
/// anything else (a sign, blanks, a number too long to be sure of) goes to parse_integer.
std::optional<std::int64_t> integer_value(pugi::xml_attribute attribute) {
  if (!attribute) return std::nullopt;
  const char* s = attribute.value();
  std::int64_t value = 0;
  int digits = 0;
  for (; *s >= '0' && *s <= '9' && digits < 18; ++s, ++digits) value = value * 10 + (*s - '0');
  if (*s == '\0' && digits > 0) return value;
  return parse_integer(attribute.value());
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
  // A live cluster's status holds tens of thousands of these with some 17 attributes each.
  // The fields are looked up in the order Pacemaker writes them, each search starting after
  // the attribute found last (pugixml's hint, which wraps around for any other order): a
  // few comparisons per field, where a scan per field was a fifth of the whole import.
  pugi::xml_attribute hint;
  auto find = [&](const char* name) { return xml.attribute(name, hint); };
  auto text = [&](const char* name) {
    const auto attribute = find(name);
    return attribute ? std::string_view{attribute.value()} : std::string_view{};
  };
  RecordedOperation op;
  op.operation = text("operation");
  op.expected_rc = expected_rc(find("transition-key").value());
  op.call_id = integer_value(find("call-id")).value_or(-1);
  op.rc = static_cast<int>(integer_value(find("rc-code")).value_or(kOcfSuccess));
  op.status = static_cast<int>(integer_value(find("op-status")).value_or(kExecDone));
  op.interval_ms = integer_value(find("interval")).value_or(0);
  op.last_rc_change = integer_value(find("last-rc-change")).value_or(0);
  if (op.operation.starts_with("migrate_")) {  // nothing else has them
    op.migrate_source = text("migrate_source");
    op.migrate_target = text("migrate_target");
  }
  return op;
}

HistoryOutcome replay(std::span<RecordedOperation> operations,
                      std::optional<model::Timestamp> expired_until) {
  auto by_call = [](const RecordedOperation& a, const RecordedOperation& b) {
    return a.call_id < b.call_id;
  };
  // Usually already in order (and one or two long): a sort would allocate its buffer.
  if (!std::is_sorted(operations.begin(), operations.end(), by_call)) {
    std::stable_sort(operations.begin(), operations.end(), by_call);
  }
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
