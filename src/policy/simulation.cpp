#include <wholesale_ha/policy/simulation.hpp>

#include <wholesale_ha/policy/maintenance.hpp>
#include <wholesale_ha/policy/shutdown.hpp>

#include <algorithm>

#include <fmt/format.h>

namespace wholesale_ha::policy::simulate {
namespace {

Result<void> unknown_node(const model::Cluster& cluster, std::string_view node) {
  if (cluster.config.find_node(node) != nullptr) return {};
  return Diagnostic::error(Errc::unknown_reference, "", fmt::format("unknown node \"{}\"", node));
}

Result<void> set_state(model::Cluster& cluster, std::string_view node, model::NodeState state) {
  if (auto done = unknown_node(cluster, node); !done) return done;
  cluster.state.nodes[std::string{node}].state = state;
  return {};
}

}  // namespace

Result<void> node_down(model::Cluster& cluster, std::string_view node) {
  return set_state(cluster, node, model::NodeState::unclean);
}

Result<void> node_offline(model::Cluster& cluster, std::string_view node) {
  if (auto done = set_state(cluster, node, model::NodeState::offline); !done) return done;
  // An offline node runs nothing: keeping its entries would show its resources twice once
  // they start elsewhere, and restart them when it comes back.
  model::drop_placements(cluster.state, node);
  std::erase_if(cluster.state.pending, [&](const auto& op) { return op.node == node; });
  cluster.state.nodes[std::string{node}].shutdown.reset();
  return {};
}

Result<void> node_up(model::Cluster& cluster, std::string_view node) {
  if (auto done = set_state(cluster, node, model::NodeState::online); !done) return done;
  cluster.state.nodes[std::string{node}].shutdown.reset();
  return {};
}

Result<void> shutdown(model::Cluster& cluster, std::string_view node, model::ShutdownKind kind) {
  if (auto done = unknown_node(cluster, node); !done) return done;
  if (cluster.state.nodes[std::string{node}].state != model::NodeState::online) {
    return Diagnostic::error(Errc::conflict, "", fmt::format("node \"{}\" is not online: only a running node can shut down cleanly", node));
  }
  policy::begin_shutdown(cluster.state, cluster.config, node, kind);
  return {};
}

Result<void> standby(model::Cluster& cluster, std::string_view node, bool on) {
  auto it = std::find_if(cluster.config.nodes.begin(), cluster.config.nodes.end(),
                         [&](const model::Node& n) { return n.id == node; });
  if (it == cluster.config.nodes.end()) return Diagnostic::error(Errc::unknown_reference, "", fmt::format("unknown node \"{}\"", node));
  it->standby = on;
  return {};
}

Result<void> maintenance(model::Cluster& cluster, std::string_view node, bool on) {
  if (auto done = unknown_node(cluster, node); !done) return done;
  if (on) {
    policy::begin_maintenance(cluster.state, cluster.config, node);
  } else {
    policy::end_maintenance(cluster.state, node);
  }
  return {};
}

Result<void> health(model::Cluster& cluster, std::string_view spec) {
  const auto colon = spec.find(':');
  const auto equals = spec.find('=', colon == std::string_view::npos ? 0 : colon);
  if (colon == std::string_view::npos || equals == std::string_view::npos) {
    return Diagnostic::error(Errc::syntax, "", fmt::format("\"{}\": expected NODE:#health-NAME=VALUE, e.g. n3:#health-disk=red", spec));
  }
  const auto node = spec.substr(0, colon);
  const auto attribute = spec.substr(colon + 1, equals - colon - 1);
  const auto value = spec.substr(equals + 1);
  if (auto done = unknown_node(cluster, node); !done) return done;
  if (!attribute.starts_with("#health-") || attribute.size() == 8) {
    return Diagnostic::error(Errc::invalid_value, "", fmt::format("\"{}\": the attribute must be named #health-<something>", attribute));
  }
  const bool colour = value == "red" || value == "yellow" || value == "green";
  if (!colour && !model::parse_score(value)) {
    return Diagnostic::error(Errc::invalid_value, "", fmt::format("\"{}\": a health value is red, yellow, green or an integer score", value));
  }
  cluster.state.nodes[std::string{node}].attributes[std::string{attribute}] = std::string{value};
  return {};
}

Result<void> fail(model::Cluster& cluster, std::string_view spec) {
  const auto at = spec.find('@');
  if (at == std::string_view::npos) {
    return Diagnostic::error(Errc::syntax, "", fmt::format("\"{}\": expected RESOURCE@NODE, e.g. vm7@n1", spec));
  }
  const std::string resource{spec.substr(0, at)};
  const std::string node{spec.substr(at + 1)};
  if (cluster.config.find_resource(resource) == nullptr) {
    return Diagnostic::error(Errc::unknown_reference, "", fmt::format("unknown resource \"{}\"", resource));
  }
  if (auto done = unknown_node(cluster, node); !done) return done;
  auto& placements = cluster.state.resources;
  auto it = std::find_if(placements.begin(), placements.end(), [&](const auto& p) {
    return p.resource == resource && p.node == node;
  });
  if (it == placements.end()) {
    placements.push_back({resource, node, model::ResourceState::failed});
  } else {
    it->state = model::ResourceState::failed;
  }
  auto& failcounts = cluster.state.failcounts;
  auto f = std::find_if(failcounts.begin(), failcounts.end(), [&](const auto& record) {
    return record.resource == resource && record.node == node;
  });
  if (f == failcounts.end()) {
    failcounts.push_back({resource, node, 1, cluster.state.now});
  } else {
    ++f->count;
    f->last_failure = cluster.state.now;
  }
  return {};
}

Result<void> fail_operation(model::Cluster& cluster, std::string_view spec) {
  const auto colon = spec.rfind(':');
  const auto op = colon == std::string_view::npos ? std::string_view{} : spec.substr(colon + 1);
  if (op != "start" && op != "stop" && op != "migrate") {
    return Diagnostic::error(Errc::syntax, "", fmt::format("\"{}\": expected RESOURCE@NODE:start|stop|migrate, e.g. vm7@n1:stop", spec));
  }
  const auto where = spec.substr(0, colon);
  if (auto done = fail(cluster, where); !done) return done;  // failed there, failcount + 1
  const auto at = where.find('@');
  const std::string resource{where.substr(0, at)};
  const std::string node{where.substr(at + 1)};
  const model::Resource& r = *cluster.config.find_resource(resource);
  const auto& ops = r.operations;
  const auto fallback = op == "stop" ? (cluster.config.options.stonith_enabled ? model::OnFail::fence : model::OnFail::block)
                                     : model::OnFail::restart;
  const auto on_fail = (op == "start" ? ops.start : op == "stop" ? ops.stop : ops.migrate).on_fail.value_or(fallback);
  auto placement = std::find_if(cluster.state.resources.begin(), cluster.state.resources.end(),
                                [&](const auto& p) { return p.resource == resource && p.node == node; });
  switch (on_fail) {
    case model::OnFail::ignore:
    case model::OnFail::restart: break;
    case model::OnFail::block: placement->state = model::ResourceState::blocked; break;
    case model::OnFail::fence: cluster.state.nodes[node].state = model::NodeState::unclean; break;
  }
  // A failed start bans its node once max_restart retries there are spent.
  const auto max_restart = model::effective_meta(r.meta, cluster.config.options.resource_defaults).max_restart;
  if (op == "start" && on_fail != model::OnFail::ignore) {
    for (auto& f : cluster.state.failcounts) {
      if (f.resource == resource && f.node == node && f.count > max_restart) f.count = model::kInfinity;
    }
  }
  return {};
}

Result<void> move(model::Cluster& cluster, std::string_view resource, std::string_view node, bool offline) {
  if (cluster.config.find_resource(resource) == nullptr) return Diagnostic::error(Errc::unknown_reference, "", fmt::format("unknown resource \"{}\"", resource));
  if (!node.empty()) {
    if (auto done = unknown_node(cluster, node); !done) return done;
  }
  const std::string id = fmt::format("move-{}", resource);
  auto& constraints = cluster.config.constraints;
  std::erase_if(constraints, [&](const auto& c) { return model::constraint_id(c) == id; });
  if (!node.empty()) {
    constraints.emplace_back(model::LocationConstraint{id, std::string{resource}, std::string{node}, model::kInfinity,
                                                       std::nullopt, offline});
  }
  return {};
}

Result<void> quorum(model::Cluster& cluster, bool quorate) {
  cluster.state.quorate = quorate;
  return {};
}

}  // namespace wholesale_ha::policy::simulate
