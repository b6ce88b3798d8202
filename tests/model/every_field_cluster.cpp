#include "every_field_cluster.hpp"

#include <chrono>

namespace wha_test {

namespace model = wholesale_ha::model;

model::Cluster every_field_cluster() {
  model::Cluster c;
  auto& o = c.config.options;
  o.cluster_name = "all";
  o.health = {model::HealthStrategy::custom, -300, -20, 5, 0};
  o.placement_strategy = model::PlacementStrategy::minimal;
  o.migration_limit = 3;
  o.stonith_enabled = false;
  o.no_quorum_policy = model::NoQuorumPolicy::ignore;
  o.symmetric_cluster = false;
  o.shutdown_policy = model::ShutdownPolicy::conditional;
  o.failover_capacity = model::FailoverCapacity{{{"cpu", 25}}};
  o.resource_defaults.stickiness = model::kInfinity;
  o.resource_defaults.failure_timeout = std::chrono::milliseconds{1500};
  c.config.nodes.push_back({"n1", "host-1", true, false, {{"rack", "r1"}}, {{"cpu", 4}}});
  c.config.nodes.push_back({"n2", "n2", false, true, {}, {}});
  model::Resource r;
  r.id = "r1";
  r.backend = "ocf";
  r.type = "heartbeat:Dummy";
  r.params = {{"state", "/tmp/x"}, {"fake", "true"}};
  r.meta = {true, model::kMinusInfinity, 3, std::chrono::minutes{10}, -4,
            model::TargetRole::stopped, true, model::ShutdownPolicy::freeze, false, false, 2, 1};
  r.utilization = {{"cpu", 2}};
  r.operations.monitor = {std::chrono::seconds{10}, std::chrono::seconds{20}, model::OnFail::block};
  r.operations.stop = {std::nullopt, std::chrono::minutes{2}, model::OnFail::fence};
  r.recovery = {{"restart_application", 3, std::chrono::seconds{30}}, {"reset", 1, std::nullopt}};
  c.config.resources.push_back(r);
  model::Resource clone;
  clone.id = "c1";
  clone.backend = "process";
  clone.clone = model::CloneSpec{2, 1};
  c.config.resources.push_back(clone);
  c.config.groups.push_back({"g1", {"r1"}});
  model::Rule rule{100, model::BooleanOperator::or_,
                   {{"rack", model::RuleOperator::eq, "r1"},
                    {"#health-disk", model::RuleOperator::not_defined, std::nullopt}}};
  c.config.constraints.emplace_back(model::LocationConstraint{"l1", "g1", std::nullopt, 0, rule});
  c.config.constraints.emplace_back(model::LocationConstraint{"l2", "c1", "n2", -50, std::nullopt});
  c.config.constraints.emplace_back(model::ColocationConstraint{"co", "c1", "g1", -model::kInfinity});
  c.config.constraints.emplace_back(
      model::OrderConstraint{"o", "c1", "g1", model::OrderKind::serialize, false});
  c.config.constraints.emplace_back(model::DependsOnConstraint{"d", "r1", "c1"});
  c.config.constraints.emplace_back(model::LocationConstraint{"l3", "r1", "n1", 20, std::nullopt, /*offline=*/true});
  c.state.now = 1'764'050'000;
  c.state.quorate = false;
  c.state.nodes["n1"] = {model::NodeState::unclean, {{"#health-disk", "red"}}};
  c.state.resources.push_back({"r1", "n1", model::ResourceState::failed});
  c.state.resources.push_back({"c1", "n2", model::ResourceState::started});
  c.state.resources.push_back({"r1", "n2", model::ResourceState::blocked});
  c.state.failcounts.push_back({"r1", "n1", 2, 1'764'049'000});
  c.state.pending.push_back({"c1", "n2", "migrate", "n1", 1'764'049'999});
  c.state.nodes["n2"] = {model::NodeState::online, {}, model::ShutdownKind::reboot, true};
  c.state.frozen.push_back({"r1", "n2"});
  c.state.returns.push_back({"r1", "n1"});
  c.state.last_node["c1"] = "n1";
  return c;
}

}  // namespace wha_test
