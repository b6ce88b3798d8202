// Invariants that must hold for every cluster, checked on hundreds of random ones: never two
// active copies, never over capacity, never a start where the resource may not run, no
// flapping, determinism, and the domain rules for failed resources, lost nodes and quorum.

#include <algorithm>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <tuple>

#include <gtest/gtest.h>

#include <wholesale_ha/model/cluster.hpp>
#include <wholesale_ha/model/json.hpp>
#include <wholesale_ha/policy/planner.hpp>

#include "transition_checks.hpp"

namespace {

namespace model = wholesale_ha::model;
namespace policy = wholesale_ha::policy;

class RandomCluster {
 public:
  explicit RandomCluster(std::uint32_t seed) : rng_(seed) {}

  model::Cluster make() {
    model::Cluster c;
    auto& o = c.config.options;
    o.health.strategy = pick<model::HealthStrategy>(
        {model::HealthStrategy::none, model::HealthStrategy::migrate_on_red,
         model::HealthStrategy::only_green, model::HealthStrategy::progressive});
    o.health.yellow = -30;
    o.health.base = 50;
    o.placement_strategy = pick<model::PlacementStrategy>(
        {model::PlacementStrategy::default_, model::PlacementStrategy::utilization,
         model::PlacementStrategy::balanced, model::PlacementStrategy::minimal});
    o.stonith_enabled = chance(0.8);
    o.no_quorum_policy = pick<model::NoQuorumPolicy>(
        {model::NoQuorumPolicy::stop, model::NoQuorumPolicy::freeze, model::NoQuorumPolicy::ignore});
    o.symmetric_cluster = chance(0.9);
    o.resource_defaults.stickiness = uniform(0, 3) * 50;
    c.state.quorate = chance(0.9);
    c.state.now = 1'764'050'000;

    const int nodes = uniform(2, 6);
    for (int n = 0; n < nodes; ++n) {
      model::Node node;
      node.id = "n" + std::to_string(n);
      node.name = node.id;
      node.standby = chance(0.1);
      node.attributes["rack"] = std::to_string(n % 2);
      node.capacity = {{"cpu", uniform(2, 8)}};
      c.config.nodes.push_back(node);
      model::NodeStatus status;
      const double roll = real();
      status.state = roll < 0.1 ? model::NodeState::offline
                     : roll < 0.2 ? model::NodeState::unclean
                                  : model::NodeState::online;
      const char* colours[] = {"green", "green", "green", "yellow", "red"};
      status.attributes["#health-disk"] = colours[uniform(0, 4)];
      c.state.nodes[node.id] = status;
    }

    const int resources = uniform(1, 14);
    for (int r = 0; r < resources; ++r) {
      model::Resource res;
      res.id = "r" + std::to_string(r);
      res.backend = "callback";
      res.meta.allow_migrate = chance(0.6);
      if (chance(0.1)) res.meta.allow_unhealthy_nodes = true;
      if (chance(0.1)) res.meta.target_role = model::TargetRole::stopped;
      if (chance(0.3)) res.meta.migration_threshold = uniform(1, 3);
      if (chance(0.3)) res.meta.priority = uniform(0, 5);
      res.utilization = {{"cpu", uniform(1, 3)}};
      if (chance(0.12)) res.clone = model::CloneSpec{uniform(1, nodes), uniform(1, 2)};
      c.config.resources.push_back(res);
    }
    add_constraints(c);
    add_status(c);
    if (chance(0.25)) {  // admission control in each of its modes (docs/policy.md §11)
      model::FailoverCapacity f;
      const double mode = real();
      if (mode < 0.33) {
        f.percent = {{"cpu", uniform(10, 60)}};
      } else if (mode < 0.66) {
        f.hosts = uniform(1, 2);
      } else {
        f.spare_nodes = {c.config.nodes.back().id};
        f.failback = chance(0.5);
      }
      o.failover_capacity = f;
    }
    return c;
  }

 private:
  void add_constraints(model::Cluster& c) {
    const auto& rs = c.config.resources;
    const int count = static_cast<int>(rs.size());
    int id = 0;
    auto next_id = [&] { return "c" + std::to_string(id++); };
    for (const auto& r : rs) {
      if (chance(0.4)) {
        c.config.constraints.emplace_back(model::LocationConstraint{
            next_id(), r.id, c.config.nodes[static_cast<std::size_t>(uniform(0, static_cast<int>(c.config.nodes.size()) - 1))].id,
            pick<model::Score>({-model::kInfinity, -100, 50, 200, model::kInfinity}), std::nullopt});
      }
      if (chance(0.15)) {
        model::Rule rule{pick<model::Score>({-model::kInfinity, 100}), model::BooleanOperator::and_,
                         {{"rack", model::RuleOperator::eq, "1"}}};
        c.config.constraints.emplace_back(
            model::LocationConstraint{next_id(), r.id, std::nullopt, 0, rule});
      }
    }
    for (int i = 0; i + 1 < count; ++i) {
      const auto& a = rs[static_cast<std::size_t>(i)].id;
      const auto& b = rs[static_cast<std::size_t>(uniform(i + 1, count - 1))].id;
      if (chance(0.15)) c.config.constraints.emplace_back(model::DependsOnConstraint{next_id(), b, a});
      if (chance(0.1)) {
        c.config.constraints.emplace_back(model::ColocationConstraint{
            next_id(), b, a, pick<model::Score>({-model::kInfinity, -50, 50, model::kInfinity})});
      }
      if (chance(0.1)) {
        c.config.constraints.emplace_back(model::OrderConstraint{
            next_id(), a, b, pick<model::OrderKind>({model::OrderKind::mandatory, model::OrderKind::optional}),
            true});
      }
    }
    // One group of up to three plain (non-clone, ungrouped) resources.
    if (count >= 3 && chance(0.3)) {
      model::Group g{"g", {}};
      for (const auto& r : rs) {
        if (!r.clone && g.resources.size() < 3 && chance(0.5)) g.resources.push_back(r.id);
      }
      if (!g.resources.empty()) c.config.groups.push_back(g);
    }
  }

  void add_status(model::Cluster& c) {
    const int nodes = static_cast<int>(c.config.nodes.size());
    for (const auto& r : c.config.resources) {
      int copies = chance(0.7) ? 1 : (chance(0.1) ? 2 : 0);
      if (r.clone) copies = uniform(0, nodes);
      std::vector<int> used;
      for (int i = 0; i < copies; ++i) {
        int n = uniform(0, nodes - 1);
        if (std::find(used.begin(), used.end(), n) != used.end()) continue;
        used.push_back(n);
        c.state.resources.push_back({r.id, "n" + std::to_string(n),
                                     chance(0.15) ? model::ResourceState::failed
                                                  : model::ResourceState::started});
      }
      if (chance(0.2)) {
        c.state.failcounts.push_back({r.id, "n" + std::to_string(uniform(0, nodes - 1)),
                                      uniform(1, 4), c.state.now - uniform(0, 1000)});
      }
    }
  }

  bool chance(double p) { return real() < p; }
  double real() { return std::uniform_real_distribution<double>{0, 1}(rng_); }
  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>{lo, hi}(rng_); }
  template <class T>
  T pick(std::initializer_list<T> options) {
    return *(options.begin() + uniform(0, static_cast<int>(options.size()) - 1));
  }

  std::mt19937 rng_;
};

/// True when the configuration would let `resource` start on `node` at all.
bool may_run(const model::Cluster& c, const std::string& resource, const std::string& node) {
  const auto& cfg = c.config;
  const auto* n = cfg.find_node(node);
  const auto* r = cfg.find_resource(resource);
  if (n == nullptr || r == nullptr || n->standby || n->maintenance) return false;
  auto status = c.state.nodes.find(node);
  if (status != c.state.nodes.end() && status->second.state != model::NodeState::online) return false;
  auto meta = model::effective_meta(r->meta, cfg.options.resource_defaults);
  if (meta.target_role == model::TargetRole::stopped) return false;
  const std::string colour =
      status == c.state.nodes.end() ? "green" : status->second.attributes.at("#health-disk");
  using S = model::HealthStrategy;
  const auto strategy = cfg.options.health.strategy;
  if (!meta.allow_unhealthy_nodes &&
      ((colour == "red" && (strategy == S::migrate_on_red || strategy == S::only_green)) ||
       (colour == "yellow" && strategy == S::only_green))) {
    return false;
  }
  for (const auto& f : c.state.failcounts) {
    if (f.resource == resource && f.node == node && meta.migration_threshold > 0 &&
        f.count >= meta.migration_threshold) {
      return false;
    }
  }
  for (const auto& constraint : cfg.constraints) {
    if (const auto* l = std::get_if<model::LocationConstraint>(&constraint)) {
      if (l->resource == resource && l->node == node && l->score <= -model::kInfinity) return false;
    }
  }
  return true;
}

void check_invariants(const model::Cluster& c, const policy::Transition& t) {
  const bool may_start = c.state.quorate || c.config.options.no_quorum_policy == model::NoQuorumPolicy::ignore;
  std::map<std::string, bool> failed_somewhere;
  for (const auto& p : c.state.resources) {
    if (p.state == model::ResourceState::failed) failed_somewhere[p.resource + "@" + p.node] = true;
  }
  for (const auto& a : t.actions) {
    const auto text = policy::describe(a);
    if (!may_start) {
      EXPECT_EQ(a.kind, policy::ActionKind::stop) << "without quorum: " << text;
    }
    if (a.kind == policy::ActionKind::start) {
      EXPECT_TRUE(may_run(c, a.resource, a.node)) << "start on an ineligible node: " << text;
    }
    if (a.kind == policy::ActionKind::migrate) {
      EXPECT_TRUE(may_run(c, a.resource, *a.target)) << "migration to an ineligible node: " << text;
      EXPECT_FALSE(failed_somewhere[a.resource + "@" + a.node]) << "failed resource migrated: " << text;
      auto source = c.state.nodes.find(a.node);
      EXPECT_TRUE(source == c.state.nodes.end() || source->second.state == model::NodeState::online)
          << "migration away from a node that is not online: " << text;
    }
  }
  EXPECT_TRUE(wha_test::acyclic(t));
}

/// True when the transition starts or migrates either resource (pre-existing clashes the
/// plan leaves alone, e.g. on a lost node it cannot fence, are not its doing).
bool receives_any(const policy::Transition& t, const std::string& a, const std::string& b) {
  return std::any_of(t.actions.begin(), t.actions.end(), [&](const policy::Action& x) {
    return (x.kind == policy::ActionKind::start || x.kind == policy::ActionKind::migrate) &&
           (x.resource == a || x.resource == b);
  });
}

/// A resource the plan has no action for while a lost node cannot be fenced: it may belong
/// to a unit the planner must leave exactly as it is (docs/policy.md §6), copies included.
bool left_alone(const model::Cluster& c, const policy::Transition& t, const std::string& resource) {
  const bool unfenceable = !c.config.options.stonith_enabled &&
                           std::any_of(c.state.nodes.begin(), c.state.nodes.end(), [](const auto& n) {
                             return n.second.state == model::NodeState::unclean;
                           });
  return unfenceable && std::none_of(t.actions.begin(), t.actions.end(),
                                     [&](const policy::Action& a) { return a.resource == resource; });
}

/// After the transition: one copy at most, clone limits, and nothing added to a node beyond
/// its capacity (resources the plan may not touch — on a lost node that cannot be fenced —
/// can keep a node over capacity, but the plan never adds to it).
void check_outcome(const model::Cluster& c, const policy::Transition& t,
                   const model::ClusterState& after) {
  std::map<std::string, int> copies;
  std::map<std::pair<std::string, std::string>, int> per_node;
  std::map<std::string, std::int64_t> load;
  for (const auto& p : after.resources) {
    // Only online nodes: a lost node that cannot be fenced keeps whatever it may run.
    auto status = after.nodes.find(p.node);
    if (status != after.nodes.end() && status->second.state != model::NodeState::online) continue;
    ++copies[p.resource];
    ++per_node[{p.resource, p.node}];
    const auto* r = c.config.find_resource(p.resource);
    load[p.node] += r->utilization.at("cpu");
  }
  for (const auto& r : c.config.resources) {
    if (r.clone) {
      const auto max = r.clone->max.value_or(static_cast<std::int32_t>(c.config.nodes.size()));
      EXPECT_LE(copies[r.id], max) << r.id;
      for (const auto& [key, count] : per_node) {
        if (key.first == r.id) {
          EXPECT_LE(count, r.clone->node_max) << r.id << " on " << key.second;
        }
      }
    } else if (!left_alone(c, t, r.id)) {
      EXPECT_LE(copies[r.id], 1) << "two active copies of " << r.id;
    }
  }
  std::map<std::string, std::string> where;
  for (const auto& p : after.resources) {
    auto status = after.nodes.find(p.node);
    if (status == after.nodes.end() || status->second.state == model::NodeState::online) {
      where[p.resource] = p.node;
    }
  }
  for (const auto& constraint : c.config.constraints) {
    const auto* co = std::get_if<model::ColocationConstraint>(&constraint);
    if (co == nullptr || co->score > -model::kInfinity) continue;
    const auto* a = c.config.find_resource(co->resource);
    const auto* b = c.config.find_resource(co->with);
    if (a == nullptr || b == nullptr || a->clone || b->clone) continue;
    if (where.contains(a->id) && where.contains(b->id) && receives_any(t, a->id, b->id)) {
      EXPECT_NE(where[a->id], where[b->id]) << a->id << " and " << b->id << " must never share a node";
    }
  }
  if (c.config.options.placement_strategy == model::PlacementStrategy::default_) return;
  std::map<std::string, bool> receives;
  for (const auto& a : t.actions) {
    if (a.kind == policy::ActionKind::start) receives[a.node] = true;
    if (a.kind == policy::ActionKind::migrate) receives[*a.target] = true;
  }
  for (const auto& node : c.config.nodes) {
    if (!receives[node.id]) continue;
    EXPECT_LE(load[node.id], node.capacity.at("cpu")) << "over capacity on " << node.id;
  }
}

/// The status listed node by node (as a CIB import gives it) or resource by resource in
/// configuration order (as most JSON does). The planner guesses lookups from the order, so
/// both must plan the same.
model::ClusterState status_listed(model::ClusterState state, const model::Config& config,
                                  bool node_by_node) {
  auto position = [&](const std::string& id) {
    return std::find_if(config.resources.begin(), config.resources.end(),
                        [&](const model::Resource& r) { return r.id == id; }) -
           config.resources.begin();
  };
  auto key = [&](const model::ResourcePlacement& p) {
    return node_by_node ? std::tuple{p.node, position(p.resource), std::string{}}
                        : std::tuple{std::string{}, position(p.resource), p.node};
  };
  std::stable_sort(state.resources.begin(), state.resources.end(),
                   [&](const auto& a, const auto& b) { return key(a) < key(b); });
  return state;
}

/// WHA_PROPERTY_SEEDS=N runs more random clusters (the default keeps the suite fast).
std::uint32_t seed_count() {
  const char* env = std::getenv("WHA_PROPERTY_SEEDS");
  return env != nullptr ? static_cast<std::uint32_t>(std::stoul(env)) : 500;
}

TEST(PolicyProperties, RandomClustersKeepEveryInvariant) {
  for (std::uint32_t seed = 1; seed <= seed_count(); ++seed) {
    model::Cluster c = RandomCluster{seed}.make();
    // Random input may be invalid in ways the loader rejects (e.g. group member in a
    // colocation with itself); the planner is only specified for valid configurations.
    auto reloaded = model::parse_cluster(std::string_view{model::to_json_string(c)});
    if (!reloaded.ok()) continue;
    SCOPED_TRACE("seed " + std::to_string(seed) + "\n" + model::to_json_string(c));
    const auto t = policy::plan(c.state, c.config);
    check_invariants(c, t);
    EXPECT_EQ(policy::plan(c.state, c.config), t) << "not deterministic";
    EXPECT_EQ(policy::plan(status_listed(c.state, c.config, true), c.config),
              policy::plan(status_listed(c.state, c.config, false), c.config))
        << "the order the status lists placements in changes the plan";
    if (!c.state.quorate && c.config.options.no_quorum_policy != model::NoQuorumPolicy::ignore) {
      continue;  // the partition only stops things; stability is a quorate property
    }
    const auto after = policy::apply(c.state, t);
    check_outcome(c, t, after);
    const auto again = policy::plan(after, c.config);
    EXPECT_TRUE(again.empty()) << "flapping: re-planning the result is not empty\n"
                               << wha_test::dump(t) << "then:\n" << wha_test::dump(again);
    if (HasFailure()) break;  // one seed's report is enough to debug
  }
}

}  // namespace
