// The live state as a replicated log: every change is a message. In-process it is applied at
// once; in a cluster every member applies the same messages in the same total order (CPG's
// virtual synchrony), so each holds the same state and any can take over as coordinator.

#include <fmt/format.h>

#include <wholesale_ha/model/enum_names.hpp>
#include <wholesale_ha/model/json.hpp>

#include "controller_impl.hpp"

namespace wholesale_ha {

using nlohmann::json;

void Controller::Impl::publish(const std::string& type, json body) {
  if (!clustered) return handle({local, type, std::move(body)});
  if (auto ec = membership->broadcast(type, body)) {
    log.error("cannot share a {} change with the cluster: {}", type, ec.message());
  }
}

void Controller::Impl::record_placement(const std::string& resource, const std::string& node,
                                        std::optional<model::ResourceState> s) {
  publish("placement", {{"resource", resource},
                        {"node", node},
                        {"state", s ? json(model::to_string(*s)) : json(nullptr)}});
}

std::int32_t Controller::Impl::record_failure(const std::string& resource, const std::string& node, bool fatal) {
  std::int32_t count = 0;
  for (const auto& f : state.failcounts) {
    if (f.resource == resource && f.node == node) count = f.count;
  }
  count = fatal ? model::kInfinity : std::min(count + 1, model::kInfinity);
  publish("failure", {{"resource", resource}, {"node", node}, {"count", count}, {"last_failure", now()}});
  return count;
}

void Controller::Impl::record_attribute(const std::string& node, const std::string& name,
                                        const std::optional<std::string>& value) {
  publish("attribute", {{"node", node}, {"name", name}, {"value", value ? json(*value) : json(nullptr)}});
}

void Controller::Impl::handle(const membership::Message& m) {
  const json& b = m.body;
  try {
    if (m.type == "placement") {
      const auto resource = b.at("resource").get<std::string>();
      const auto node = b.at("node").get<std::string>();
      if (b.at("state").is_null()) {
        remove_placement(resource, node);
      } else {
        const auto s = model::enum_from_string<model::ResourceState>(b.at("state").get<std::string>());
        set_placement(resource, node, s.value_or(model::ResourceState::failed));
        if (s != model::ResourceState::started) monitors.erase({resource, node});
      }
    } else if (m.type == "failure") {
      const auto resource = b.at("resource").get<std::string>();
      const auto node = b.at("node").get<std::string>();
      auto it = std::find_if(state.failcounts.begin(), state.failcounts.end(),
                             [&](const auto& f) { return f.resource == resource && f.node == node; });
      if (it == state.failcounts.end()) {
        state.failcounts.push_back({resource, node, 0, 0});
        it = std::prev(state.failcounts.end());
      }
      it->count = b.at("count").get<std::int32_t>();
      it->last_failure = b.at("last_failure").get<model::Timestamp>();
    } else if (m.type == "failures_cleared") {
      const auto resource = b.at("resource").get<std::string>();
      const auto node = b.value("node", std::string{});
      std::erase_if(state.failcounts, [&](const auto& f) {
        return f.resource == resource && (node.empty() || f.node == node);
      });
    } else if (m.type == "attribute") {
      const auto node = b.at("node").get<std::string>();
      const auto name = b.at("name").get<std::string>();
      auto& attributes = state.nodes[node].attributes;
      if (b.at("value").is_null()) {
        attributes.erase(name);
      } else {
        attributes[name] = b.at("value").get<std::string>();
      }
      if (name.starts_with("#health-")) {
        model::Attributes health;
        for (const auto& [k, v] : attributes) {
          if (k.starts_with("#health-")) health.emplace(k, v);
        }
        log.info("node {} health: {} = {}", node, name, b.at("value").is_null() ? "(removed)" : b.at("value").get<std::string>());
        self.on_node_health_changed.emit(node, health);
      }
    } else if (m.type == "fence_request") {
      const auto node = b.at("node").get<std::string>();
      fence_requested.insert(node);
      state.nodes[node].state = model::NodeState::unclean;
    } else if (m.type == "fenced") {
      const auto node = b.at("node").get<std::string>();
      fence_requested.erase(node);
      fenced.insert(node);
      state.nodes[node].state = model::NodeState::offline;
      drop_node_placements(node);
    } else if (m.type == "config") {
      auto loaded = model::parse_cluster_document(b);
      if (!loaded.ok()) {
        log.error("ignoring a configuration from {} that does not load: {}", m.from,
                  loaded.diagnostics.empty() ? "?" : loaded.diagnostics.front().to_string());
        return;
      }
      config = std::make_shared<const model::Config>(std::move(loaded.value->config));
      pool.set_config(*config);
      std::erase_if(state.failcounts, [&](const auto& f) { return config->find_resource(f.resource) == nullptr; });
      stop_orphans();
    } else if (m.type == "monitor_failed") {
      if (is_coordinator()) monitor_failed_on_member(b);
      return;
    } else if (m.type == "op_request") {
      serve_operation(m);
      return;
    } else if (m.type == "op_result") {
      operation_answered(b);
      return;
    } else if (m.type == "sync_request") {
      report_local(b.at("round").get<std::uint64_t>(), m.from);
      return;
    } else if (m.type == "node_report") {
      report_received(b);
      return;
    } else {
      log.warn("ignoring an unknown message \"{}\" from {}", m.type, m.from);
      return;
    }
  } catch (const json::exception& e) {
    log.error("ignoring a malformed {} message from {}: {}", m.type, m.from, e.what());
    return;
  }
  is_idle = false;
  // Only where resources run decides which monitors this node keeps.
  if (m.type == "placement" || m.type == "fenced" || m.type == "config") sync_monitors();
  // Results of the transition that is running are folded in without interrupting it (it
  // re-plans when it ends); anything else is news that warrants re-planning now.
  const bool result_of_running_transition =
      exec.busy() && (m.type == "placement" || m.type == "failure" || m.type == "fenced");
  if (!result_of_running_transition) schedule_plan();
}

}  // namespace wholesale_ha
