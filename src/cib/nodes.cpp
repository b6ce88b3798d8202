// nodes/node → Node: the uname is the id (constraints and the status section name nodes by
// uname), instance_attributes → attributes (standby and maintenance → flags), utilization →
// capacity.

#include <limits>

#include <fmt/format.h>

#include "import_steps.hpp"
#include "nvpairs.hpp"
#include "value_readers.hpp"

namespace wholesale_ha::cib {
namespace {

void read_node_attributes(ImportContext& context, pugi::xml_node xml, model::Node& node) {
  for (const auto& pair : read_nvsets(context, xml, "instance_attributes", "node attributes")) {
    if (pair.name == "standby") {
      if (auto v = read_boolean(context, pair)) node.standby = *v;
    } else if (pair.name == "maintenance") {
      if (auto v = read_boolean(context, pair)) node.maintenance = *v;
    } else {
      node.attributes[pair.name] = pair.value;
    }
  }
  for (const auto& pair : read_nvsets(context, xml, "utilization", "node utilization")) {
    if (auto v = read_integer(context, pair, 0, std::numeric_limits<std::int64_t>::max())) {
      node.capacity[pair.name] = *v;
    }
  }
}

}  // namespace

void import_nodes(ImportContext& context, pugi::xml_node nodes) {
  for (auto xml : nodes.children("node")) {
    const std::string uname = xml.attribute("uname").value();
    const std::string type = xml.attribute("type").value();
    if (uname.empty()) {
      context.error(Errc::invalid_value, xml, "a node needs a uname (the name constraints and the status use)");
      continue;
    }
    if (!type.empty() && type != "member" && type != "normal") {
      context.warning(Errc::unsupported, xml, "type",
                      fmt::format("{} nodes are not supported; node \"{}\" is left "
                                  "out",
                                  type, uname));
      context.left_out_nodes.emplace(uname, type + " node");
      continue;
    }
    if (xml.attribute("score")) {
      context.warning(Errc::unsupported, xml, "score", "node scores are not supported and are ignored");
    }
    model::Node node;
    node.id = uname;
    node.name = uname;
    read_node_attributes(context, xml, node);
    context.node_unames.emplace(xml.attribute("id").value(), uname);
    context.cluster.config.nodes.push_back(std::move(node));
  }
}

}  // namespace wholesale_ha::cib
