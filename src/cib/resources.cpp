// resources → Resource / Group: primitives, groups of primitives and clones of a primitive.
// Fencing devices, promotable clones, clones of groups, bundles and templates have no model
// counterpart yet: each is reported and left out, and so are references to it later on.

#include <algorithm>
#include <array>
#include <iterator>
#include <limits>

#include <fmt/format.h>

#include "import_steps.hpp"
#include "nvpairs.hpp"
#include "operations.hpp"
#include "resource_meta.hpp"
#include "value_readers.hpp"

namespace wholesale_ha::cib {
namespace {

/// Records `xml` and every resource inside it as left out for `reason`, and says so once.
void leave_out(ImportContext& context, pugi::xml_node xml, const std::string& reason) {
  context.warning(Errc::invalid_value, xml, fmt::format("{}; \"{}\" is left out of the import", reason,
                                   xml.attribute("id").value()));
  context.left_out_resources.emplace(xml.attribute("id").value(), reason);
  for (auto inner : xml.select_nodes(".//primitive | .//group")) {
    context.left_out_resources.emplace(inner.node().attribute("id").value(), reason);
  }
}

std::string resource_type(pugi::xml_node xml) {
  const std::string provider = xml.attribute("provider").value();
  const std::string type = xml.attribute("type").value();
  return provider.empty() ? type : provider + ":" + type;
}

/// A primitive, with `inherited` meta from its group or clone under its own.
std::optional<model::Resource> read_primitive(ImportContext& context, pugi::xml_node xml,
                                              const std::vector<NvPair>& inherited) {
  const std::string id = xml.attribute("id").value();
  const std::string kind = xml.attribute("class").value();
  if (id.empty()) {
    context.error(Errc::invalid_value, xml, "a primitive needs an id");
    return std::nullopt;
  }
  if (xml.attribute("template")) {
    leave_out(context, xml, "resources derived from templates are not supported");
    return std::nullopt;
  }
  if (kind == "stonith") {
    leave_out(context, xml, "fencing devices are not imported yet");
    return std::nullopt;
  }
  if (kind.empty() || !xml.attribute("type")) {
    context.error(Errc::invalid_value, xml, "a primitive needs a class and a type");
    return std::nullopt;
  }
  model::Resource resource;
  resource.id = id;
  resource.backend = kind;
  resource.type = resource_type(xml);
  for (auto& pair : read_nvsets(context, xml, "instance_attributes", "instance attributes")) {
    resource.params.emplace(std::move(pair.name), std::move(pair.value));
  }
  auto meta =
      inherit_pairs(read_nvsets(context, xml, "meta_attributes", "meta attributes"), inherited);
  apply_resource_meta(context, meta, resource.meta);
  for (const auto& pair : read_nvsets(context, xml, "utilization", "utilization")) {
    if (auto v = read_integer(context, pair, 0, std::numeric_limits<std::int64_t>::max())) {
      resource.utilization[pair.name] = *v;
    }
  }
  resource.operations = import_operations(context, xml, context.op_defaults);
  return resource;
}

void add_resource(ImportContext& context, model::Resource resource,
                  std::string_view pacemaker_name) {
  context.resource_ids.emplace(pacemaker_name, resource.id);
  context.resource_ids.emplace(resource.id, resource.id);
  context.cluster.config.resources.push_back(std::move(resource));
}

void import_group(ImportContext& context, pugi::xml_node xml) {
  const std::string id = xml.attribute("id").value();
  const auto meta = read_nvsets(context, xml, "meta_attributes", "meta attributes");
  for (const char* unsupported : {"instance_attributes", "utilization"}) {
    if (auto set = xml.child(unsupported)) {
      context.warning(Errc::unsupported, set, fmt::format("{} on a group are not supported and are ignored; set "
                                       "them on the members",
                                       unsupported));
    }
  }
  model::Group group{id, {}};
  for (auto member : xml.children("primitive")) {
    if (auto resource = read_primitive(context, member, meta)) {
      group.resources.push_back(resource->id);
      add_resource(context, std::move(*resource), member.attribute("id").value());
    }
  }
  if (group.resources.empty()) {
    leave_out(context, xml, "the group has no importable members");
    return;
  }
  context.resource_ids.emplace(id, id);
  context.cluster.config.groups.push_back(std::move(group));
}

/// Clone meta attributes that shape the clone itself rather than its instances.
constexpr std::array kCloneShapeMeta = {
    std::string_view{"clone-max"},    std::string_view{"clone-node-max"},
    std::string_view{"clone-min"},    std::string_view{"promotable"},
    std::string_view{"promoted-max"}, std::string_view{"promoted-node-max"},
    std::string_view{"master-max"},   std::string_view{"master-node-max"},
};

bool is_clone_shape(std::string_view name) {
  return std::find(kCloneShapeMeta.begin(), kCloneShapeMeta.end(), name) != kCloneShapeMeta.end();
}

model::CloneSpec read_clone_spec(ImportContext& context, const std::vector<NvPair>& meta) {
  model::CloneSpec spec;
  constexpr auto kInt32Max = std::numeric_limits<std::int32_t>::max();
  if (const auto* max = find_pair(meta, "clone-max")) {
    if (auto v = read_integer(context, *max, 0, kInt32Max)) spec.max = static_cast<int>(*v);
  }
  if (const auto* node_max = find_pair(meta, "clone-node-max")) {
    if (auto v = read_integer(context, *node_max, 1, kInt32Max)) {
      spec.node_max = static_cast<int>(*v);
    }
  }
  if (const auto* min = find_pair(meta, "clone-min")) {
    context.warning(Errc::unsupported, min->at,
                    "clone-min is not supported and is ignored (orders on the clone "
                    "wait for every instance it starts)");
  }
  return spec;
}

void import_clone(ImportContext& context, pugi::xml_node xml) {
  const std::string id = xml.attribute("id").value();
  const auto meta = read_nvsets(context, xml, "meta_attributes", "meta attributes");
  if (const auto* promotable = find_pair(meta, "promotable");
      promotable && read_boolean(context, *promotable).value_or(false)) {
    leave_out(context, xml, "promotable clones are not supported");
    return;
  }
  auto primitive = xml.child("primitive");
  if (!primitive) {
    leave_out(
        context, xml,
        xml.child("group") ? "clones of groups are not supported" : "the clone has no primitive");
    return;
  }
  std::vector<NvPair> instance_meta;
  for (const auto& pair : meta) {
    if (!is_clone_shape(pair.name)) instance_meta.push_back(pair);
  }
  auto resource = read_primitive(context, primitive, instance_meta);
  if (!resource) {
    context.left_out_resources.emplace(id, "its primitive is left out");
    return;
  }
  resource->id = id;  // constraints name the clone
  resource->clone = read_clone_spec(context, meta);
  add_resource(context, std::move(*resource), primitive.attribute("id").value());
}

}  // namespace

void import_resources(ImportContext& context, pugi::xml_node resources) {
  // Reserved up front: a live cluster has thousands of resources, and each time the vector
  // grew it moved them all into fresh memory.
  const auto count = std::distance(resources.children().begin(), resources.children().end());
  context.cluster.config.resources.reserve(context.cluster.config.resources.size() +
                                           static_cast<std::size_t>(count));
  for (auto xml : resources.children()) {
    if (xml.type() != pugi::node_element) continue;
    const std::string_view element = xml.name();
    if (element == "primitive") {
      if (auto resource = read_primitive(context, xml, {})) {
        const std::string name = resource->id;
        add_resource(context, std::move(*resource), name);
      }
    } else if (element == "group") {
      import_group(context, xml);
    } else if (element == "clone") {
      import_clone(context, xml);
    } else if (element == "master") {
      leave_out(context, xml, "promotable clones (master) are not supported");
    } else if (element == "bundle") {
      leave_out(context, xml, "bundles are not supported");
      // The status names the container, IP and connection resources Pacemaker generates.
      context.left_out_prefixes.push_back(std::string{xml.attribute("id").value()} + "-");
    } else if (element == "template") {
      context.warning(Errc::unsupported, xml,
                      "resource templates are not supported; resources derived from "
                      "them are left out");
    } else {
      context.warning(Errc::unknown_field, xml,
                      fmt::format("<{}> is not a known resource element and is ignored", element));
    }
  }
}

}  // namespace wholesale_ha::cib
