#include "replies.hpp"

#include <map>

#include <wholesale_ha/model/enum_names.hpp>
#include <wholesale_ha/policy/format.hpp>
#include <wholesale_ha/utf8.hpp>

namespace wha_node {

using nlohmann::json;
namespace model = wholesale_ha::model;

namespace {

json health_evidence(const NodeHealth& health) {
  json out = json::array();
  for (const auto& r : health.readings()) {
    out.push_back({{"attribute", r.attribute},
                   {"probe", r.probe},
                   {"value", r.value ? json(r.value->to_string()) : json(nullptr)},
                   {"since", r.since},
                   {"checked", r.checked},
                   {"evidence", wholesale_ha::valid_utf8(r.evidence)}});
  }
  return out;
}

json status(const Daemon& d) {
  const auto& c = d.controller;
  const auto& membership = d.membership;
  const auto& state = c.state();
  json nodes = json::array();
  for (const auto& n : c.config().nodes) {
    json health = json::object();
    json attributes = json::object();
    model::NodeState s = model::NodeState::online;
    bool maintenance = false;
    std::optional<model::ShutdownKind> shutdown;
    if (auto it = state.nodes.find(n.id); it != state.nodes.end()) {
      s = it->second.state;
      maintenance = it->second.evacuate;
      shutdown = it->second.shutdown;
      for (const auto& [k, v] : it->second.attributes) {
        (k.starts_with("#health-") ? health : attributes)[k] = v;
      }
    }
    nodes.push_back({{"id", n.id},
                     {"state", model::to_string(s)},
                     {"standby", n.standby},
                     {"maintenance", maintenance},
                     {"shutdown", shutdown ? json(model::to_string(*shutdown)) : json(nullptr)},
                     {"health", health},
                     {"attributes", attributes}});
  }
  std::map<std::string_view, json> where;  // one pass over the placements, not one per resource
  for (const auto& p : state.resources) {
    where[p.resource].push_back({{"node", p.node}, {"state", model::to_string(p.state)}});
  }
  json resources = json::array();
  for (const auto& r : c.config().resources) {
    auto it = where.find(r.id);
    resources.push_back({{"id", r.id},
                         {"backend", r.backend},
                         {"placements", it == where.end() ? json::array() : std::move(it->second)}});
  }
  json failcounts = json::array();
  for (const auto& f : state.failcounts) {
    failcounts.push_back({{"resource", f.resource}, {"node", f.node}, {"count", f.count}});
  }
  const auto capacity = c.failover_capacity(1);
  return {{"ok", true},
          {"schema", kStatusSchema},
          {"quorate", state.quorate},
          {"failover_capacity", capacity ? json{{"tolerated", capacity->tolerated()},
                                                {"verdict", capacity->verdict()},
                                                {"spares_in_use", wholesale_ha::policy::to_json(*capacity)["spares_in_use"]}}
                                         : json(nullptr)},
          {"local", membership.local_node()},
          {"coordinator", membership.view().coordinator},
          {"idle", c.idle()},
          {"nodes", nodes},
          {"resources", resources},
          {"failcounts", failcounts},
          {"in_flight", d.activity.in_flight()},
          {"local_health", health_evidence(d.health)},
          {"fencing", d.activity.fencing()},
          {"recent", d.activity.recent()}};
}

/// "errors": the lines a person reads; "problems": the same with their codes, for programs.
json result(const wholesale_ha::Result<void>& done) {
  if (done) return {{"ok", true}};
  json errors = json::array();
  json problems = json::array();
  for (const auto& d : done.errors()) {
    errors.push_back(d.to_string());
    problems.push_back({{"code", wholesale_ha::to_string(d.code)}, {"pointer", d.pointer}, {"message", d.message}});
  }
  return {{"ok", false}, {"errors", errors}, {"problems", problems}};
}

}  // namespace

json answer(const Request& request, const Daemon& daemon) {
  struct Visitor {
    const Daemon& d;
    wholesale_ha::Controller& c;
    json operator()(const StatusRequest&) const { return status(d); }
    json operator()(const AttributeRequest& r) const { return result(c.set_attribute(r.node, r.name, r.value)); }
    json operator()(const MoveRequest& r) const { return result(c.move(r.resource, r.node, r.offline)); }
    json operator()(const StandbyRequest& r) const { return result(c.standby(r.node, r.on)); }
    json operator()(const MaintenanceRequest& r) const { return result(c.maintenance(r.node, r.on)); }
    json operator()(const ClearRequest& r) const { return result(c.clear_failcount(r.resource, r.node)); }
    json operator()(const RoleRequest& r) const { return result(c.set_target_role(r.resource, r.role)); }
    json operator()(const ReloadRequest&) const {
      return d.reload ? d.reload() : error_reply("this daemon cannot reload its configuration");
    }
  };
  return std::visit(Visitor{daemon, daemon.controller}, request);
}

json error_reply(std::string_view message) {
  const std::string text = wholesale_ha::valid_utf8(message);
  return {{"ok", false}, {"error", text}, {"errors", json::array({text})}};
}

std::string reply_line(const json& reply) {
  return reply.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace wha_node
