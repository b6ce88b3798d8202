// Operator commands and live reconfiguration. Each validates first and changes nothing when
// it finds a problem.

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <wholesale_ha/model/json.hpp>
#include <wholesale_ha/model/validate.hpp>

#include "controller_impl.hpp"

namespace wholesale_ha {
namespace {

using Diagnostics = std::vector<model::Diagnostic>;

Diagnostics error(std::string pointer, std::string message) {
  return {{model::Diagnostic::Severity::error, std::move(pointer), std::move(message)}};
}

}  // namespace

Diagnostics Controller::Impl::adopt(model::Config next) {
  // The model's own checks (ids, references, ...): a configuration built in code is held to
  // the same rules as a file.
  const model::Cluster proposed{std::move(next), {}};  // configuration only: no status
  Diagnostics problems;
  for (auto& d : model::validate(proposed)) {
    if (d.severity == model::Diagnostic::Severity::error) problems.push_back(std::move(d));
  }
  auto backend_problems = registry.validate(proposed.config.resources);
  problems.insert(problems.end(), backend_problems.begin(), backend_problems.end());
  if (!problems.empty()) {
    log.error("configuration rejected with {} problem(s); the running cluster is unchanged",
              problems.size());
    return problems;
  }
  // Every member switches when the change comes round in the total order.
  publish("config", model::to_json(proposed));
  return {};
}

/// Resources that are no longer configured but still run are stopped with the agent that
/// started them.
void Controller::Impl::stop_orphans() {
  std::vector<std::pair<std::string, std::string>> orphans;
  for (const auto& p : state.resources) {
    if (config->find_resource(p.resource) == nullptr) orphans.push_back({p.resource, p.node});
  }
  for (const auto& [resource, node] : orphans) {
    monitors.erase({resource, node});
    agents::Agent* agent = pool.get(resource, node);
    if (agent == nullptr) {
      remove_placement(resource, node);
      continue;
    }
    log.info("{} was removed from the configuration: stopping it on {}", resource, node);
    exec.call([agent](agents::Handler h) { agent->stop(std::chrono::seconds{20}, std::move(h)); },
              std::chrono::seconds{20}, [this, resource, node](agents::Result r) {
                if (r.ok()) {
                  remove_placement(resource, node);
                  pool.release(resource, node);
                } else {
                  log.error("stopping removed resource {} on {} failed: {}", resource, node, r.reason);
                }
              });
  }
}

Diagnostics Controller::reload(model::Config config) { return impl_->adopt(std::move(config)); }

Diagnostics Controller::move(const std::string& resource, const std::string& node) {
  const auto& current = *impl_->config;
  if (current.find_resource(resource) == nullptr) {
    return error("", fmt::format("move: unknown resource \"{}\"", resource));
  }
  if (!node.empty() && current.find_node(node) == nullptr) {
    return error("", fmt::format("move: unknown node \"{}\"", node));
  }
  model::Config next = current;
  const std::string id = "move-" + resource;
  std::erase_if(next.constraints, [&](const auto& c) { return model::constraint_id(c) == id; });
  if (!node.empty()) {
    next.constraints.emplace_back(model::LocationConstraint{id, resource, node, model::kInfinity, std::nullopt});
  }
  return impl_->adopt(std::move(next));
}

Diagnostics Controller::standby(const std::string& node, bool on) {
  model::Config next = *impl_->config;
  auto it = std::find_if(next.nodes.begin(), next.nodes.end(), [&](const auto& n) { return n.id == node; });
  if (it == next.nodes.end()) return error("", fmt::format("standby: unknown node \"{}\"", node));
  it->standby = on;
  return impl_->adopt(std::move(next));
}

Diagnostics Controller::set_target_role(const std::string& resource, model::TargetRole role) {
  model::Config next = *impl_->config;
  auto it = std::find_if(next.resources.begin(), next.resources.end(),
                         [&](const auto& r) { return r.id == resource; });
  if (it == next.resources.end()) {
    return error("", fmt::format("set_target_role: unknown resource \"{}\"", resource));
  }
  it->meta.target_role = role;
  return impl_->adopt(std::move(next));
}

Diagnostics Controller::clear_failcount(const std::string& resource, const std::optional<std::string>& node) {
  auto& impl = *impl_;
  if (impl.config->find_resource(resource) == nullptr) {
    return error("", fmt::format("clear_failcount: unknown resource \"{}\"", resource));
  }
  auto matches = [&](const std::string& r, const std::string& n) {
    return r == resource && (!node || *node == n);
  };
  impl.publish("failures_cleared", {{"resource", resource}, {"node", node.value_or("")}});
  // Failed or blocked instances are re-probed: the truth replaces the remembered failure.
  std::vector<std::string> nodes;
  for (const auto& p : impl.state.resources) {
    if (matches(p.resource, p.node) && p.state != model::ResourceState::started) nodes.push_back(p.node);
  }
  impl.log.info("failures of {}{} cleared", resource, node ? " on " + *node : std::string{});
  impl.is_idle = false;
  if (nodes.empty()) {
    impl.schedule_plan();
    return {};
  }
  auto pending = std::make_shared<std::size_t>(nodes.size());
  for (const auto& n : nodes) {
    impl.probe(resource, n, [&impl, pending] {
      if (--*pending == 0) impl.schedule_plan();
    });
  }
  return {};
}

Diagnostics Controller::set_attribute(const std::string& node, const std::string& name,
                                      const std::optional<std::string>& value) {
  auto& impl = *impl_;
  if (impl.config->find_node(node) == nullptr) {
    return error("", fmt::format("set_attribute: unknown node \"{}\"", node));
  }
  if (name.empty()) return error("", "set_attribute: the attribute name is empty");
  auto& attributes = impl.state.nodes[node].attributes;
  auto it = attributes.find(name);
  const bool unchanged = value ? (it != attributes.end() && it->second == *value) : it == attributes.end();
  if (unchanged) return {};
  impl.record_attribute(node, name, value);
  return {};
}

}  // namespace wholesale_ha
