#include <wholesale_ha/metrics.hpp>

#include <algorithm>
#include <chrono>
#include <limits>

#include <wholesale_ha/model/enum_names.hpp>
#include <wholesale_ha/model/score.hpp>
#include <wholesale_ha/policy/transition.hpp>
#include <wholesale_ha/version.hpp>

#include "openmetrics_text.hpp"

namespace wholesale_ha {

std::string_view content_type(MetricsFormat format) noexcept {
  return format == MetricsFormat::openmetrics ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                                              : "text/plain; version=0.0.4; charset=utf-8";
}

MetricsFormat negotiate_format(std::string_view accept) noexcept {
  return accept.find("application/openmetrics-text") != std::string_view::npos ? MetricsFormat::openmetrics
                                                                                : MetricsFormat::prometheus;
}

void Metrics::Histogram::observe(std::span<const double> bounds, double value) {
  if (counts.empty()) counts.assign(bounds.size() + 1, 0);
  const auto bucket = std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin();
  ++counts[static_cast<std::size_t>(bucket)];
  sum += value;
  ++count;
}

Metrics::Metrics(Controller& controller, Clock clock) : controller_(controller), clock_(std::move(clock)) {
  if (!clock_) {
    clock_ = [] { return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(); };
  }
  started_ = controller_.on_action_started.subscribe([this](const policy::Action& a) { action_started(a); });
  finished_ = controller_.on_action_finished.subscribe([this](const auto& r) { action_finished(r); });
  failed_ = controller_.on_resource_failed.subscribe([this](const ResourceFailure&) { ++resource_failures_; });
  repaired_ = controller_.on_resource_repaired.subscribe([this](const ResourceRepair& r) {
    ++repairs_[{r.action, std::string{agents::to_string(r.result.status)}}];
  });
  planned_ = controller_.on_plan_computed.subscribe([this](const PlanComputed& p) {
    plans_.observe(kPlanBuckets, std::chrono::duration<double>(p.took).count());
    if (p.actions > 0) ++plans_with_actions_;
  });
  membership_ = controller_.on_membership_changed.subscribe(
      [this](const membership::View& v) { coordinator_ = v.coordinator; });
  capacity_changed_ =
      controller_.on_failover_capacity_changed.subscribe([this](const policy::Survivability& s) { capacity_ = s; });
}

void Metrics::action_started(const policy::Action& action) {
  if (action.kind == policy::ActionKind::migrate && action.target) {
    migrating_[action.resource] = {action.node, *action.target};
  }
}

void Metrics::action_finished(const executor::ActionResult& r) {
  const std::string kind{policy::to_string(r.action.kind)};
  const std::string result = r.skipped ? "skipped" : std::string{agents::to_string(r.result.status)};
  ++actions_[{kind, result}];
  if (!r.skipped) durations_[kind].observe(kDurationBuckets, std::chrono::duration<double>(r.result.elapsed).count());
  if (r.action.kind == policy::ActionKind::migrate) {
    migrating_.erase(r.action.resource);
    progress_.erase(r.action.resource);
  }
}

void Metrics::migration_progress(const MigrationSample& sample) {
  if (sample.complete) {
    progress_.erase(sample.resource);
  } else {
    progress_[sample.resource] = sample;
  }
}

namespace {

/// A health colour as a number that alerts compare: green 0, yellow 1, red 2.
std::optional<double> colour_value(std::string_view value) {
  if (value == "green") return 0;
  if (value == "yellow") return 1;
  if (value == "red") return 2;
  return std::nullopt;
}

double score_value(std::int32_t score) {
  if (score >= model::kInfinity) return std::numeric_limits<double>::infinity();
  return score;
}

}  // namespace

std::string Metrics::render(MetricsFormat format, std::string_view local_node,
                            std::span<const health::AttributeReading> local_health) const {
  metrics_text::Writer w{format};
  const auto& config = controller_.config();
  const auto& state = controller_.state();

  w.family("wha_info", "gauge", "This wholesale_ha node: its library version and cluster name.");
  w.sample({{"version", kVersion}, {"node", local_node}, {"cluster", config.options.cluster_name}}, 1);

  w.family("wha_quorate", "gauge", "1 while this node's partition has quorum.");
  w.sample({}, state.quorate ? 1 : 0);

  w.family("wha_coordinator", "gauge", "1 for the node that plans for the cluster (none without quorum).");
  if (!coordinator_.empty()) w.sample({{"node", coordinator_}}, 1);

  w.family("wha_node_state", "gauge",
           "1 for each configured node's state as this node sees it (online, offline, unclean).");
  for (const auto& n : config.nodes) {
    auto it = state.nodes.find(n.id);
    const auto s = it == state.nodes.end() ? model::NodeState::online : it->second.state;
    w.sample({{"node", n.id}, {"state", model::to_string(s)}}, 1);
  }

  w.family("wha_node_standby", "gauge", "1 for a node in standby or maintenance (it takes no resources).");
  for (const auto& n : config.nodes) {
    auto it = state.nodes.find(n.id);
    const bool maintenance = it != state.nodes.end() && it->second.evacuate;
    w.sample({{"node", n.id}}, n.standby || maintenance ? 1 : 0);
  }

  w.family("wha_node_health", "gauge", "A node's #health-* attribute: 0 green, 1 yellow, 2 red.");
  for (const auto& [node, status] : state.nodes) {
    for (const auto& [attribute, value] : status.attributes) {
      if (!attribute.starts_with("#health-")) continue;
      if (auto v = colour_value(value)) w.sample({{"node", node}, {"attribute", attribute}}, *v);
    }
  }

  w.family("wha_health_evidence_age_seconds", "gauge",
           "Seconds since this node's probe for the attribute last completed a run.");
  const double now = clock_();
  for (const auto& r : local_health) {
    if (r.checked <= 0) continue;
    w.sample({{"node", local_node}, {"attribute", r.attribute}, {"probe", r.probe}},
             std::max(0.0, now - static_cast<double>(r.checked)));
  }

  w.family("wha_failcount", "gauge", "Failures of a resource on a node (+Inf: banned there).");
  for (const auto& f : state.failcounts) w.sample({{"resource", f.resource}, {"node", f.node}}, score_value(f.count));

  w.family("wha_resource_placement", "gauge", "1 for each instance of a resource and its state on a node.");
  for (const auto& p : state.resources) {
    w.sample({{"resource", p.resource}, {"node", p.node}, {"state", model::to_string(p.state)}}, 1);
  }

  w.family("wha_actions", "counter",
           "Actions this node ran, by kind and result (an agent status such as success or timed_out, or skipped).");
  for (const auto& [key, count] : actions_) {
    w.sample({{"kind", key.first}, {"result", key.second}}, static_cast<double>(count));
  }

  w.family("wha_action_duration_seconds", "histogram", "How long actions took, by kind.");
  for (const auto& [kind, h] : durations_) w.histogram({{"kind", kind}}, kDurationBuckets, h.counts, h.sum, h.count);

  w.family("wha_resource_failures", "counter", "Monitor and operation failures this node saw.");
  w.sample({}, static_cast<double>(resource_failures_));

  w.family("wha_resource_repairs", "counter", "Repairs in place of recovery ladders, by action and result.");
  for (const auto& [key, count] : repairs_) {
    w.sample({{"action", key.first}, {"result", key.second}}, static_cast<double>(count));
  }

  w.family("wha_migrations_in_flight", "gauge", "Live migrations this node runs now.");
  w.sample({}, static_cast<double>(migrating_.size()));

  w.family("wha_migration_remaining_bytes", "gauge", "Memory a running live migration has still to copy.");
  for (const auto& [resource, route] : migrating_) {
    auto it = progress_.find(resource);
    if (it == progress_.end()) continue;  // no sample yet
    w.sample({{"resource", resource}, {"from", route.first}, {"to", route.second}},
             static_cast<double>(it->second.bytes_remaining));
  }
  w.family("wha_migration_total_bytes", "gauge", "The memory a running live migration copies in all.");
  for (const auto& [resource, route] : migrating_) {
    auto it = progress_.find(resource);
    if (it == progress_.end()) continue;
    w.sample({{"resource", resource}, {"from", route.first}, {"to", route.second}},
             static_cast<double>(it->second.bytes_total));
  }

  w.family("wha_plan_duration_seconds", "histogram",
           "Time of each decision step that computed a plan (on the node that plans).");
  if (plans_.count > 0) w.histogram({}, kPlanBuckets, plans_.counts, plans_.sum, plans_.count);
  w.family("wha_transitions", "counter", "Plans that had actions to run.");
  w.sample({}, static_cast<double>(plans_with_actions_));

  if (capacity_) {
    w.family("wha_failover_tolerated", "gauge",
             "1 when losing any one node leaves nothing stopped (checked when the cluster converges).");
    w.sample({}, capacity_->tolerated() ? 1 : 0);
    w.family("wha_spare_nodes_in_use", "gauge", "Spare nodes (failover_capacity spare_nodes) that run something.");
    w.sample({}, static_cast<double>(capacity_->spares_in_use.size()));
  }
  return w.finish();
}

}  // namespace wholesale_ha
