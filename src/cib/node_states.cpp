#include "node_states.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "pacemaker_values.hpp"
#include "value_readers.hpp"

namespace wholesale_ha::cib {
namespace {

/// in_ccm and crmd are "true"/"false" and "online"/"offline" up to Pacemaker 2.1.6, and the
/// time the node joined (0 = not) from 2.1.7 on.
bool flag_is_set(pugi::xml_attribute attribute, std::string_view set_word) {
  const std::string_view text = attribute.value();
  if (text == set_word) return true;
  if (auto number = parse_integer(text)) return *number > 0;
  return parse_boolean(text).value_or(false);
}

/// Pacemaker's view of a node from its membership (in_ccm), controller (crmd), join state and
/// what the DC expected of it.
model::NodeState node_state(ImportContext& context, pugi::xml_node xml) {
  const bool member = flag_is_set(xml.attribute("in_ccm"), "true");
  const bool controller = flag_is_set(xml.attribute("crmd"), "online");
  const std::string_view join = xml.attribute("join").value();
  const bool expected_down = std::string_view{xml.attribute("expected").value()} == "down";
  if (member && controller && join == "member") return model::NodeState::online;
  if (expected_down) return model::NodeState::offline;  // shut down cleanly (or was fenced)
  if (!member) {
    // Lost while the DC expected it to stay: it may still run resources until fenced.
    const bool expected_member = std::string_view{xml.attribute("expected").value()} == "member";
    return expected_member ? model::NodeState::unclean : model::NodeState::offline;
  }
  if (!controller) return model::NodeState::unclean;  // in the membership, controller died
  context.warning(Errc::invalid_value, xml, fmt::format("node \"{}\" is in the membership but has not joined "
                                   "(join=\"{}\"); it is imported as offline",
                                   xml.attribute("uname").value(), join));
  return model::NodeState::offline;
}

// Attributes the cluster daemons keep for themselves; they mean nothing to placement.
constexpr std::array kInternalAttributes = {
    std::string_view{"#attrd-protocol"}, std::string_view{"#feature-set"},
    std::string_view{"#node-unfenced"},  std::string_view{"probe_complete"},
    std::string_view{"terminate"},
};

}  // namespace

const model::Node* NodeStateImporter::add(pugi::xml_node xml) {
  any_ = true;
  std::string uname = xml.attribute("uname").value();
  if (uname.empty()) {
    auto it = context_.node_unames.find(xml.attribute("id").value());
    if (it != context_.node_unames.end()) uname = it->second;
  }
  if (context_.left_out_nodes.contains(uname)) return nullptr;
  auto* node = find_node(uname);
  if (node == nullptr) {
    context_.warning(Errc::unknown_reference, xml, fmt::format("status of node \"{}\", which is not configured, is "
                                      "ignored",
                                      uname.empty() ? xml.attribute("id").value() : uname));
    return nullptr;
  }
  if (!seen_.insert(uname).second) {
    context_.warning(Errc::duplicate, xml, fmt::format("a second status of node \"{}\" is ignored", uname));
    return nullptr;
  }
  auto& status = context_.cluster.state.nodes[uname];
  status.state = node_state(context_, xml);
  for (const auto& pair : read_nvsets(context_, xml.child("transient_attributes"),
                                      "instance_attributes", "transient attributes")) {
    import_transient(pair, *node, status);
  }
  return node;
}

void NodeStateImporter::finish(pugi::xml_node cib, pugi::xml_node status) {
  auto& state = context_.cluster.state;
  if (!any_) {
    context_.document_warning(Errc::invalid_value, 
        "the CIB has no status (no <node_state>): every node is imported as online, the "
        "partition as quorate, and nothing as running");
    return;
  }
  state.quorate = parse_boolean(cib.attribute("have-quorum").value()).value_or(false);
  mark_unseen_nodes(status);
  for (const auto& [key, sum] : failures_) {
    state.failcounts.push_back(
        {key.resource, key.node,
         static_cast<std::int32_t>(std::min<std::int64_t>(sum.count, model::kInfinity)),
         sum.last_failure});
  }
}

void NodeStateImporter::import_transient(const NvPair& pair, model::Node& node,
                                         model::NodeStatus& status) {
  const std::string_view name = pair.name;
  if (name.starts_with("fail-count-")) {
    record_failure(pair, name.substr(11), node.id, /*is_count=*/true);
  } else if (name.starts_with("last-failure-")) {
    record_failure(pair, name.substr(13), node.id, /*is_count=*/false);
  } else if (name == "standby" || name == "maintenance") {
    // Transient values win over configured ones, as in Pacemaker.
    if (auto v = read_boolean(context_, pair)) {
      (name == "standby" ? node.standby : node.maintenance) = *v;
    }
  } else if (name == "shutdown") {
    if (parse_integer(pair.value).value_or(0) != 0) {
      context_.warning(Errc::invalid_value, pair.at, fmt::format("node \"{}\" is shutting down; a node shutdown in "
                                            "progress is not modeled",
                                            node.id));
    }
  } else if (std::find(kInternalAttributes.begin(), kInternalAttributes.end(), name) ==
             kInternalAttributes.end()) {
    status.attributes[pair.name] = pair.value;
  }
}

/// fail-count-<rsc>#<op>_<interval> (legacy: fail-count-<rsc>) and last-failure-...:
/// counts are summed per resource and node over operations, the last failure is the newest.
void NodeStateImporter::record_failure(const NvPair& pair, std::string_view key,
                                       const std::string& node, bool is_count) {
  const std::string_view name = key.substr(0, key.rfind('#'));
  const std::string_view resource = context_.resource_id(name);
  if (resource.empty()) {
    if (!context_.is_left_out(name)) {
      context_.warning(Errc::unknown_reference, pair.at, fmt::format("failures of \"{}\", which is not configured, are "
                                            "ignored",
                                            name));
    }
    return;
  }
  auto& sum = failures_[{std::string{resource}, node}];
  if (is_count) {
    if (auto count = read_score(context_, pair)) sum.count += std::max(*count, 0);
  } else if (auto time = parse_integer(pair.value)) {
    sum.last_failure = std::max(sum.last_failure, *time);
  } else {
    context_.error(Errc::invalid_value, pair.at, fmt::format("{}: expected a time in seconds since the epoch, got "
                                        "\"{}\"",
                                        pair.name, pair.value));
  }
}

/// Nodes without a node_state have never been seen by this cluster: Pacemaker fences them
/// (startup-fencing) when fencing is enabled, and otherwise treats them as down.
void NodeStateImporter::mark_unseen_nodes(pugi::xml_node status) {
  auto& state = context_.cluster.state;
  for (const auto& node : context_.cluster.config.nodes) {
    if (state.nodes.contains(node.id)) continue;
    const bool fence = context_.cluster.config.options.stonith_enabled;
    state.nodes[node.id].state = fence ? model::NodeState::unclean : model::NodeState::offline;
    context_.warning(Errc::unknown_reference, status, fmt::format("node \"{}\" has no node_state (never seen): imported "
                                         "as {}",
                                         node.id, fence ? "unclean" : "offline"));
  }
}

model::Node* NodeStateImporter::find_node(std::string_view id) {
  auto& nodes = context_.cluster.config.nodes;
  auto it = std::find_if(nodes.begin(), nodes.end(),
                         [&](const model::Node& node) { return node.id == id; });
  return it == nodes.end() ? nullptr : &*it;
}

}  // namespace wholesale_ha::cib
