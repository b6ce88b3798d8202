#pragma once
// status/node_state/lrm → where each resource is active: the operation history of every
// resource on every node, replayed (operation_history.*), with migrations resolved across
// the source and target nodes. Fed one node_state at a time.

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <pugixml.hpp>

#include "import_context.hpp"
#include "operation_history.hpp"

namespace wholesale_ha::cib {

class ActivityImporter {
 public:
  /// `now` when it is known before the status is read (given, or the CIB's execution-date).
  /// Without it, histories that depend on it (resources with a failure timeout) are
  /// replayed by finish().
  ActivityImporter(ImportContext& context, std::optional<model::Timestamp> now);

  /// The operation history in the node_state of `node`; nullptr for a node_state that is
  /// not imported, whose operation times still count toward newest_change().
  void add(pugi::xml_node node_state, const std::string* node);
  /// Without a given `now`: the newest last-rc-change of every operation added, on any node.
  [[nodiscard]] model::Timestamp newest_change() const noexcept { return newest_change_; }
  /// After the last node_state: pending operations and where resources are active.
  void finish(model::Timestamp now);

 private:
  struct NodeHistory {
    std::string resource;  ///< model id
    std::string node;
    HistoryOutcome outcome;
    /// Waiting for `now` (see the constructor); replayed by finish().
    std::optional<std::vector<RecordedOperation>> deferred;
  };

  void read_resource_history(pugi::xml_node lrm_resource, const std::string& node,
                             std::size_t position);
  /// context_.resource_id, remembered by position in the node's lrm_resources: nodes list
  /// them in the same order, so comparing a name usually replaces hashing it.
  std::string_view resource_id(std::string_view name, std::size_t position);
  /// Only the times of operations that are not replayed, while `now` is unknown.
  void note_changes(pugi::xml_node element);
  [[nodiscard]] std::optional<model::Timestamp> failures_expired_until(
      std::string_view resource, model::Timestamp now) const;
  [[nodiscard]] bool migration_completed(const std::string& resource, const std::string& source,
                                         const std::string& target) const;
  void place(const NodeHistory& history);

  ImportContext& context_;
  std::optional<model::Timestamp> now_;
  model::Timestamp newest_change_ = 0;
  /// Configured resources' failure timeouts, where they have one.
  std::unordered_map<std::string_view, std::chrono::seconds> failure_timeouts_;
  std::vector<NodeHistory> histories_;
  std::vector<RecordedOperation> operations_;  ///< reused for every lrm_resource
  std::vector<std::pair<std::string, std::string_view>> ids_by_position_;
};

}  // namespace wholesale_ha::cib
