#include "resource_activity.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "pacemaker_values.hpp"

namespace wholesale_ha::cib {

ActivityImporter::ActivityImporter(ImportContext& context, std::optional<model::Timestamp> now)
    : context_(context), now_(now) {
  const auto& config = context_.cluster.config;
  for (const auto& r : config.resources) {
    const auto timeout =
        model::effective_meta(r.meta, config.options.resource_defaults).failure_timeout;
    if (timeout.count() > 0) {
      failure_timeouts_.emplace(r.id, std::chrono::duration_cast<std::chrono::seconds>(timeout));
    }
  }
}

void ActivityImporter::add(pugi::xml_node node_state, const std::string* node) {
  const auto resources = node_state.child("lrm").child("lrm_resources").children("lrm_resource");
  // A node that left cleanly runs nothing, whatever its last history says.
  if (node == nullptr ||
      context_.cluster.state.nodes.at(*node).state == model::NodeState::offline) {
    for (auto xml : resources) note_changes(xml);
    return;
  }
  std::size_t position = 0;
  for (auto xml : resources) read_resource_history(xml, *node, position++);
}

std::string_view ActivityImporter::resource_id(std::string_view name, std::size_t position) {
  if (position < ids_by_position_.size() && ids_by_position_[position].first == name) {
    return ids_by_position_[position].second;
  }
  const auto id = context_.resource_id(name);
  if (position >= ids_by_position_.size()) ids_by_position_.resize(position + 1);
  ids_by_position_[position] = {std::string{name}, id};
  return id;
}

void ActivityImporter::note_changes(pugi::xml_node lrm_resource) {
  if (now_) return;
  for (auto op : lrm_resource.children("lrm_rsc_op")) {
    const auto change = parse_integer(op.attribute("last-rc-change").value()).value_or(0);
    newest_change_ = std::max(newest_change_, change);
  }
}

void ActivityImporter::read_resource_history(pugi::xml_node xml, const std::string& node,
                                             std::size_t position) {
  const std::string_view name = xml.attribute("id").value();
  const std::string_view resource = resource_id(name, position);
  if (resource.empty()) {
    if (!context_.is_left_out(name)) {
      context_.warning(Errc::unknown_reference, xml, fmt::format("\"{}\" has operation history on node \"{}\" but is "
                                        "not configured (an orphan Pacemaker would stop); "
                                        "ignored",
                                        name, node));
    }
    note_changes(xml);
    return;
  }
  operations_.clear();
  for (auto op : xml.children("lrm_rsc_op")) {
    operations_.push_back(read_operation(op));
    newest_change_ = std::max(newest_change_, operations_.back().last_rc_change);
  }
  if (!now_ && failure_timeouts_.contains(resource)) {
    histories_.push_back({std::string{resource}, node, {}, operations_});
    return;
  }
  auto outcome = replay(operations_, failures_expired_until(resource, now_.value_or(0)));
  // Most histories are probes that found nothing (one per resource per node): they neither
  // place, nor pend, nor complete a migration, so they are not kept.
  if (outcome.activity != Activity::stopped || !outcome.pending.empty() ||
      !outcome.completed_migrations_from.empty()) {
    histories_.push_back({std::string{resource}, node, std::move(outcome), std::nullopt});
  }
}

void ActivityImporter::finish(model::Timestamp now) {
  for (auto& history : histories_) {
    if (history.deferred) {
      history.outcome = replay(*history.deferred, failures_expired_until(history.resource, now));
      history.deferred.reset();
    }
    for (const auto& op : history.outcome.pending) {
      model::PendingOperation pending{history.resource, history.node, op.operation,
                                      std::nullopt, op.last_rc_change};
      if (op.operation == "migrate_to" && !op.migrate_target.empty()) {
        pending.target = op.migrate_target;
      }
      context_.cluster.state.pending.push_back(std::move(pending));
    }
  }
  for (const auto& history : histories_)
    place(history);
}

/// now - failure-timeout for the resource, when it has a failure timeout.
std::optional<model::Timestamp> ActivityImporter::failures_expired_until(
    std::string_view resource, model::Timestamp now) const {
  const auto found = failure_timeouts_.find(resource);
  if (found == failure_timeouts_.end()) return std::nullopt;
  return now - found->second.count();
}

/// Whether `target` finished the migration of `resource` from `source`.
bool ActivityImporter::migration_completed(const std::string& resource, const std::string& source,
                                           const std::string& target) const {
  return std::any_of(histories_.begin(), histories_.end(), [&](const NodeHistory& h) {
    const auto& from = h.outcome.completed_migrations_from;
    return h.resource == resource && h.node == target &&
           std::find(from.begin(), from.end(), source) != from.end();
  });
}

void ActivityImporter::place(const NodeHistory& history) {
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

}  // namespace wholesale_ha::cib
