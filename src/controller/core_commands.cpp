// Operator commands and live reconfiguration. Each validates first and changes nothing when
// it finds a problem.

#include "core.hpp"

#include <algorithm>

#include <wholesale_ha/model/validate.hpp>

namespace wholesale_ha::core {
namespace {

using Diagnostics = std::vector<Diagnostic>;

Diagnostics error(Errc code, std::string message) { return {Diagnostic::error(code, "", std::move(message))}; }

}  // namespace

Diagnostics Core::command(const Command& command, Now now, Effects& out) {
  out_ = &out;
  now_ = now;
  Diagnostics result = std::visit(
      [this](const auto& c) -> Diagnostics {
        using C = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<C, Reload>) {
          return adopt(c.config);
        } else if constexpr (std::is_same_v<C, Move>) {
          if (find_resource(c.resource) == nullptr) {
            return error(Errc::unknown_reference, fmt::format("move: unknown resource \"{}\"", c.resource));
          }
          if (!c.node.empty() && config_->find_node(c.node) == nullptr) {
            return error(Errc::unknown_reference, fmt::format("move: unknown node \"{}\"", c.node));
          }
          model::Config next = *config_;
          const std::string id = "move-" + c.resource;
          std::erase_if(next.constraints, [&](const auto& k) { return model::constraint_id(k) == id; });
          if (!c.node.empty()) {
            next.constraints.emplace_back(
                model::LocationConstraint{id, c.resource, c.node, model::kInfinity, std::nullopt, c.offline});
          }
          return adopt(std::move(next));
        } else if constexpr (std::is_same_v<C, SetStandby>) {
          model::Config next = *config_;
          auto it = std::find_if(next.nodes.begin(), next.nodes.end(), [&](const auto& n) { return n.id == c.node; });
          if (it == next.nodes.end()) return error(Errc::unknown_reference, fmt::format("standby: unknown node \"{}\"", c.node));
          it->standby = c.on;
          return adopt(std::move(next));
        } else if constexpr (std::is_same_v<C, SetMaintenance>) {
          if (config_->find_node(c.node) == nullptr) return error(Errc::unknown_reference, fmt::format("maintenance: unknown node \"{}\"", c.node));
          if (state_.nodes[c.node].evacuate != c.on) publish(protocol::Maintenance{c.node, c.on});
          return {};
        } else if constexpr (std::is_same_v<C, ShutdownNode>) {
          if (settings_.clustered) {
            return error(Errc::invalid_value, "shutdown_node: in a cluster each node shuts down by itself (Controller::leave there)");
          }
          if (config_->find_node(c.node) == nullptr) {
            return error(Errc::unknown_reference, fmt::format("shutdown_node: unknown node \"{}\"", c.node));
          }
          if (view_.state_of(c.node) != model::NodeState::online) {
            return error(Errc::invalid_value, fmt::format("shutdown_node: node \"{}\" is not online", c.node));
          }
          emptying_.insert(c.node);
          publish(protocol::Leaving{c.node, c.kind});
          return {};
        } else if constexpr (std::is_same_v<C, SetTargetRole>) {
          model::Config next = *config_;
          auto it = std::find_if(next.resources.begin(), next.resources.end(),
                                 [&](const auto& r) { return r.id == c.resource; });
          if (it == next.resources.end()) {
            return error(Errc::unknown_reference, fmt::format("set_target_role: unknown resource \"{}\"", c.resource));
          }
          it->meta.target_role = c.role;
          return adopt(std::move(next));
        } else if constexpr (std::is_same_v<C, ClearFailcount>) {
          if (find_resource(c.resource) == nullptr) {
            return error(Errc::unknown_reference, fmt::format("clear_failcount: unknown resource \"{}\"", c.resource));
          }
          publish(protocol::FailuresCleared{c.resource, c.node});
          // Failed or blocked instances are re-probed: the truth replaces the remembered failure.
          std::vector<std::string> nodes;
          for (const auto& p : state_.resources) {
            if (p.resource == c.resource && (!c.node || *c.node == p.node) && p.state != model::ResourceState::started) {
              nodes.push_back(p.node);
            }
          }
          log_.info("failures of {}{} cleared", c.resource, c.node ? " on " + *c.node : std::string{});
          is_idle_ = false;
          for (const auto& n : nodes) {
            if (responsible_for(c.resource, n)) probe(c.resource, n);
          }
          plan_wanted_ = running_ && !stopping_;
          return {};
        } else if constexpr (std::is_same_v<C, SetAttribute>) {
          if (config_->find_node(c.node) == nullptr) return error(Errc::unknown_reference, fmt::format("set_attribute: unknown node \"{}\"", c.node));
          if (c.name.empty()) return error(Errc::invalid_value, "set_attribute: the attribute name is empty");
          auto& attributes = state_.nodes[c.node].attributes;
          auto it = attributes.find(c.name);
          const bool unchanged = c.value ? (it != attributes.end() && it->second == *c.value) : it == attributes.end();
          if (!unchanged) publish(protocol::Attribute{c.node, c.name, c.value});
          return {};
        }
      },
      command);
  finish_deferred();
  out_ = nullptr;
  return result;
}

Diagnostics Core::adopt(model::Config next) {
  // The model's own checks (ids, references, ...): a configuration built in code is held to
  // the same rules as a file.
  model::Cluster proposed{std::move(next), {}};  // configuration only: no status
  Diagnostics problems;
  for (auto& d : model::validate(proposed).diagnostics()) {
    if (d.severity == Diagnostic::Severity::error) problems.push_back(std::move(d));
  }
  if (!problems.empty()) {
    log_.error("configuration rejected with {} problem(s); the running cluster is unchanged", problems.size());
    return problems;
  }
  // Every member switches when the change comes round in the total order.
  publish(protocol::ConfigChange{std::move(proposed.config)});
  return {};
}

}  // namespace wholesale_ha::core
