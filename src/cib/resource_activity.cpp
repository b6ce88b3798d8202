// status/node_state/lrm → where each resource is active: the operation history of every
// resource on every node, replayed (operation_history.*), with migrations resolved across
// the source and target nodes.

#include <algorithm>
#include <map>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "import_steps.hpp"
#include "operation_history.hpp"

namespace wholesale_ha::cib {
namespace {

struct NodeHistory {
  std::string resource;  ///< model id
  std::string node;
  HistoryOutcome outcome;
};

class ActivityImporter {
 public:
  explicit ActivityImporter(ImportContext& context) : context_(context) {}

  void import(pugi::xml_node status) {
    // Every history entry looks its resource up: by index, not by a scan of the
    // configuration (N x M entries against M resources was quadratic).
    resources_.reserve(context_.cluster.config.resources.size());
    for (const auto& r : context_.cluster.config.resources) resources_.emplace(r.id, &r);
    for (auto node_state : status.children("node_state")) {
      const std::string node = node_name(node_state);
      const auto known = context_.cluster.state.nodes.find(node);
      if (known == context_.cluster.state.nodes.end()) continue;  // reported with the node
      // A node that left cleanly runs nothing, whatever its last history says.
      if (known->second.state == model::NodeState::offline) continue;
      for (auto xml : node_state.child("lrm").child("lrm_resources").children("lrm_resource")) {
        read_resource_history(xml, node);
      }
    }
    for (const auto& history : histories_)
      place(history);
  }

 private:
  std::string node_name(pugi::xml_node node_state) const {
    std::string uname = node_state.attribute("uname").value();
    if (!uname.empty()) return uname;
    auto it = context_.node_unames.find(node_state.attribute("id").value());
    return it == context_.node_unames.end() ? std::string{} : it->second;
  }

  void read_resource_history(pugi::xml_node xml, const std::string& node) {
    const std::string_view name = xml.attribute("id").value();
    const std::string resource = context_.resource_id(name);
    if (resource.empty()) {
      if (!context_.is_left_out(name)) {
        context_.warning(xml, fmt::format("\"{}\" has operation history on node \"{}\" but is "
                                          "not configured (an orphan Pacemaker would stop); "
                                          "ignored",
                                          name, node));
      }
      return;
    }
    std::vector<RecordedOperation> operations;
    for (auto op : xml.children("lrm_rsc_op"))
      operations.push_back(read_operation(op));
    auto outcome = replay(std::move(operations), failures_expired_until(resource));
    for (const auto& op : outcome.pending) {
      model::PendingOperation pending{resource, node, op.operation, std::nullopt,
                                      op.last_rc_change};
      if (op.operation == "migrate_to" && !op.migrate_target.empty()) {
        pending.target = op.migrate_target;
      }
      context_.cluster.state.pending.push_back(std::move(pending));
    }
    histories_.push_back({resource, node, std::move(outcome)});
  }

  /// now - failure-timeout for the resource, when it has a failure timeout.
  std::optional<model::Timestamp> failures_expired_until(const std::string& resource) const {
    const auto& config = context_.cluster.config;
    const auto found = resources_.find(resource);
    if (found == resources_.end()) return std::nullopt;
    const auto* configured = found->second;
    const auto timeout =
        model::effective_meta(configured->meta, config.options.resource_defaults).failure_timeout;
    if (timeout.count() <= 0) return std::nullopt;
    return context_.cluster.state.now -
           std::chrono::duration_cast<std::chrono::seconds>(timeout).count();
  }

  /// Whether `target` finished the migration of `resource` from `source`.
  bool migration_completed(const std::string& resource, const std::string& source,
                           const std::string& target) const {
    return std::any_of(histories_.begin(), histories_.end(), [&](const NodeHistory& h) {
      const auto& from = h.outcome.completed_migrations_from;
      return h.resource == resource && h.node == target &&
             std::find(from.begin(), from.end(), source) != from.end();
    });
  }

  void place(const NodeHistory& history) {
    auto activity = history.outcome.activity;
    if (activity == Activity::migrated_to_target) {
      // Completed: the resource lives on the target now (its own history says so); the
      // source still needs its stop, which changes nothing for placement. Otherwise the
      // migration stopped half way and the resource still runs here.
      activity =
          migration_completed(history.resource, history.node, history.outcome.migration_target)
              ? Activity::stopped
              : Activity::started;
    }
    if (activity == Activity::stopped) return;
    context_.cluster.state.resources.push_back({history.resource, history.node,
                                                activity == Activity::failed
                                                    ? model::ResourceState::failed
                                                    : model::ResourceState::started});
  }

  ImportContext& context_;
  std::unordered_map<std::string_view, const model::Resource*> resources_;
  std::vector<NodeHistory> histories_;
};

}  // namespace

void import_operation_history(ImportContext& context, pugi::xml_node status) {
  ActivityImporter{context}.import(status);
}

}  // namespace wholesale_ha::cib
