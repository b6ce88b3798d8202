// constraints → location / colocation / order constraints. Anything that narrows a
// constraint to roles, instances, actions other than start, or resource sets has no model
// counterpart: the constraint is reported and left out rather than imported with a different
// meaning.

#include <fmt/format.h>

#include "import_steps.hpp"
#include "pacemaker_values.hpp"
#include "rules.hpp"

namespace wholesale_ha::cib {
namespace {

void left_out(ImportContext& context, pugi::xml_node xml, std::string_view why) {
  context.warning(Errc::invalid_value, 
      xml, fmt::format("constraint \"{}\" is left out: {}", xml.attribute("id").value(), why));
}

/// The model id of the resource `attribute` names; nullopt after reporting an unknown or
/// left-out resource.
std::optional<std::string> referenced_resource(ImportContext& context, pugi::xml_node xml,
                                               const char* attribute) {
  const std::string name = xml.attribute(attribute).value();
  if (name.empty()) {
    context.error(Errc::invalid_value, xml, fmt::format("constraint needs the attribute \"{}\"", attribute));
    return std::nullopt;
  }
  if (auto id = context.resource_id(name); !id.empty()) return std::string{id};
  if (auto it = context.left_out_resources.find(name); it != context.left_out_resources.end()) {
    left_out(context, xml, fmt::format("\"{}\" is not imported ({})", name, it->second));
    return std::nullopt;
  }
  context.error(Errc::unknown_reference, xml, attribute, fmt::format("unknown resource \"{}\"", name));
  return std::nullopt;
}

/// Reports the first attribute in `attributes` present with a value other than the allowed
/// one ("" = any value is unsupported); true when there is none.
bool only_default_values(ImportContext& context, pugi::xml_node xml,
                         std::initializer_list<std::pair<const char*, const char*>> attributes) {
  for (const auto& [name, allowed] : attributes) {
    auto attribute = xml.attribute(name);
    if (!attribute) continue;
    if (*allowed != '\0' && std::string_view{attribute.value()} == allowed) continue;
    left_out(context, xml, fmt::format("{}=\"{}\" is not supported", name, attribute.value()));
    return false;
  }
  return true;
}

bool has_no_resource_sets(ImportContext& context, pugi::xml_node xml) {
  if (!xml.child("resource_set")) return true;
  left_out(context, xml, "resource sets are not supported");
  return false;
}

bool has_no_lifetime(ImportContext& context, pugi::xml_node xml) {
  if (!xml.child("lifetime")) return true;
  left_out(context, xml, "constraint lifetimes are not supported");
  return false;
}

std::optional<std::string> referenced_node(ImportContext& context, pugi::xml_node xml) {
  const std::string node = xml.attribute("node").value();
  if (context.cluster.config.find_node(node) != nullptr) return node;
  if (auto it = context.left_out_nodes.find(node); it != context.left_out_nodes.end()) {
    left_out(context, xml, fmt::format("node \"{}\" is not imported ({})", node, it->second));
  } else {
    // Pacemaker accepts and ignores constraints on nodes it does not know.
    left_out(context, xml, fmt::format("node \"{}\" is not configured", node));
  }
  return std::nullopt;
}

void import_location(ImportContext& context, pugi::xml_node xml) {
  const std::string id = xml.attribute("id").value();
  if (xml.attribute("rsc-pattern")) {
    left_out(context, xml, "rsc-pattern is not supported");
    return;
  }
  if (!has_no_resource_sets(context, xml) || !has_no_lifetime(context, xml) ||
      !only_default_values(context, xml, {{"role", "Started"}})) {
    return;
  }
  if (auto discovery = xml.attribute("resource-discovery");
      discovery && std::string_view{discovery.value()} != "always") {
    context.warning(Errc::unsupported, xml, "resource-discovery",
                    fmt::format("resource-discovery=\"{}\" is ignored: probing is not modeled",
                                discovery.value()));
  }
  auto resource = referenced_resource(context, xml, "rsc");
  if (!resource) return;

  auto& constraints = context.cluster.config.constraints;
  if (xml.attribute("node")) {
    auto score = parse_score(xml.attribute("score").value());
    if (!score) {
      context.error(Errc::invalid_value, 
          xml, "score",
          fmt::format("expected {}, got \"{}\"", kScoreSpellings, xml.attribute("score").value()));
      return;
    }
    auto node = referenced_node(context, xml);
    if (!node) return;
    constraints.push_back(model::LocationConstraint{id, *resource, *node, *score, std::nullopt});
    return;
  }
  const auto rules = xml.children("rule");
  if (rules.begin() == rules.end()) {
    // Valid in Pacemaker's schema, and without effect there.
    left_out(context, xml, "it names neither a node nor a rule, so it has no effect");
    return;
  }
  std::vector<model::LocationConstraint> imported;
  const bool several = std::next(rules.begin()) != rules.end();
  for (auto xml_rule : rules) {
    auto rule = read_location_rule(context, xml_rule);
    if (!rule) {
      left_out(context, xml,
               fmt::format("rule \"{}\" cannot be imported", xml_rule.attribute("id").value()));
      return;
    }
    // One model constraint holds one rule; XML ids are unique, so rule ids are free to use.
    std::string constraint_id = several ? xml_rule.attribute("id").value() : id;
    imported.push_back({std::move(constraint_id), *resource, std::nullopt, 0, std::move(rule)});
  }
  constraints.insert(constraints.end(), imported.begin(), imported.end());
}

void import_colocation(ImportContext& context, pugi::xml_node xml) {
  if (!has_no_resource_sets(context, xml) || !has_no_lifetime(context, xml) ||
      !only_default_values(context, xml,
                           {{"rsc-role", "Started"},
                            {"with-rsc-role", "Started"},
                            {"node-attribute", "#uname"},
                            {"rsc-instance", ""},
                            {"with-rsc-instance", ""}})) {
    return;
  }
  if (auto influence = xml.attribute("influence");
      influence && !parse_boolean(influence.value()).value_or(true)) {
    context.warning(Errc::unsupported, xml, "influence",
                    "influence=false is ignored: the colocation influences "
                    "where its resource runs");
  }
  auto score = parse_score(xml.attribute("score").value());
  if (!score) {
    context.error(Errc::invalid_value, 
        xml, "score",
        fmt::format("expected {}, got \"{}\"", kScoreSpellings, xml.attribute("score").value()));
    return;
  }
  auto resource = referenced_resource(context, xml, "rsc");
  auto with = referenced_resource(context, xml, "with-rsc");
  if (!resource || !with) return;
  context.cluster.config.constraints.push_back(
      model::ColocationConstraint{xml.attribute("id").value(), *resource, *with, *score});
}

std::optional<model::OrderKind> order_kind(ImportContext& context, pugi::xml_node xml) {
  if (auto kind = xml.attribute("kind")) {
    const std::string_view text = kind.value();
    if (text == "Mandatory") return model::OrderKind::mandatory;
    if (text == "Optional") return model::OrderKind::optional;
    if (text == "Serialize") return model::OrderKind::serialize;
    context.error(Errc::invalid_value, xml, "kind",
                  fmt::format("expected Mandatory, Optional or Serialize, got \"{}\"", text));
    return std::nullopt;
  }
  if (auto text = xml.attribute("score")) {
    // The pre-2.0 spelling: a score of 0 is optional, any other score mandatory.
    auto score = parse_score(text.value());
    if (!score) {
      context.error(Errc::invalid_value, xml, "score",
                    fmt::format("expected {}, got \"{}\"", kScoreSpellings, text.value()));
      return std::nullopt;
    }
    return *score == 0 ? model::OrderKind::optional : model::OrderKind::mandatory;
  }
  return model::OrderKind::mandatory;
}

void import_order(ImportContext& context, pugi::xml_node xml) {
  if (!has_no_resource_sets(context, xml) || !has_no_lifetime(context, xml) ||
      !only_default_values(context, xml,
                           {{"first-action", "start"},
                            {"then-action", "start"},
                            {"first-instance", ""},
                            {"then-instance", ""}})) {
    return;
  }
  if (xml.attribute("require-all")) {
    context.warning(Errc::unsupported, xml, "require-all", "require-all is not supported and is ignored");
  }
  auto kind = order_kind(context, xml);
  auto first = referenced_resource(context, xml, "first");
  auto then = referenced_resource(context, xml, "then");
  if (!kind || !first || !then) return;
  // Serialize orders are asymmetrical in Pacemaker whatever `symmetrical` says.
  bool symmetrical = *kind != model::OrderKind::serialize;
  if (auto text = xml.attribute("symmetrical"); text && symmetrical) {
    auto value = parse_boolean(text.value());
    if (!value) {
      context.error(Errc::invalid_value, xml, "symmetrical",
                    fmt::format("expected {}, got \"{}\"", kBooleanSpellings, text.value()));
      return;
    }
    symmetrical = *value;
  }
  context.cluster.config.constraints.push_back(
      model::OrderConstraint{xml.attribute("id").value(), *first, *then, *kind, symmetrical});
}

}  // namespace

void import_constraints(ImportContext& context, pugi::xml_node constraints) {
  for (auto xml : constraints.children()) {
    if (xml.type() != pugi::node_element) continue;
    const std::string_view element = xml.name();
    if (element == "rsc_location") {
      import_location(context, xml);
    } else if (element == "rsc_colocation") {
      import_colocation(context, xml);
    } else if (element == "rsc_order") {
      import_order(context, xml);
    } else if (element == "rsc_ticket") {
      left_out(context, xml, "tickets are not supported");
    } else {
      context.warning(Errc::unknown_field, xml, fmt::format("<{}> is not a known constraint and is ignored", element));
    }
  }
}

}  // namespace wholesale_ha::cib
