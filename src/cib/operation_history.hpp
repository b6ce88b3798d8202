#pragma once
// What one resource's operation history on one node (lrm_resource) says about it there.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include <pugixml.hpp>

#include <wholesale_ha/model/status.hpp>

namespace wholesale_ha::cib {

/// One lrm_rsc_op.
struct RecordedOperation {
  std::string operation;  ///< start, stop, monitor, migrate_to, migrate_from, ...
  std::int64_t call_id = 0;
  int rc = 0;
  int status = 0;  ///< op-status: 0 done, -1 pending, 1 cancelled, 2 timed out, 4+ errors
  std::int64_t interval_ms = 0;
  std::optional<int> expected_rc;  ///< from transition-key "action:transition:rc:uuid"
  model::Timestamp last_rc_change = 0;
  std::string migrate_source;
  std::string migrate_target;
};

RecordedOperation read_operation(pugi::xml_node lrm_rsc_op);

enum class Activity {
  stopped,
  started,
  failed,
  /// Its last operation here was a successful migrate_to: active on the target if the target
  /// completed migrate_from, otherwise still here (a partial migration).
  migrated_to_target,
};

struct HistoryOutcome {
  Activity activity = Activity::stopped;
  std::string migration_target;  ///< for migrated_to_target
  /// Whether a migrate_from from `source` succeeded here (the target side of a migration).
  std::vector<std::string> completed_migrations_from;
  std::vector<RecordedOperation> pending;
};

/// Replays the operations in call-id order (sorting them in place; pending ones are moved
/// into the outcome). Failures recorded at or before `expired_until` (now - failure-timeout)
/// have expired and are skipped, as Pacemaker does: the resource is then in whatever state
/// the rest of its history says.
HistoryOutcome replay(std::span<RecordedOperation> operations,
                      std::optional<model::Timestamp> expired_until = std::nullopt);

}  // namespace wholesale_ha::cib
