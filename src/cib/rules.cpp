#include "rules.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include <wholesale_ha/model/enum_names.hpp>

#include "pacemaker_values.hpp"

namespace wholesale_ha::cib {
namespace {

constexpr std::array kMaterializedBuiltins = {std::string_view{"#uname"}, std::string_view{"#id"},
                                              std::string_view{"#kind"},
                                              std::string_view{"#cluster-name"}};

bool is_started_role(pugi::xml_node xml, const char* attribute) {
  auto role = xml.attribute(attribute);
  return !role || std::string_view{role.value()} == "Started";
}

std::optional<model::RuleExpression> read_expression(ImportContext& context, pugi::xml_node xml) {
  model::RuleExpression expression;
  expression.attribute = xml.attribute("attribute").value();
  const std::string operation = xml.attribute("operation").value();
  const std::string type = xml.attribute("type").value();
  if (expression.attribute.empty()) {
    context.error(Errc::invalid_value, xml, "an expression needs an attribute");
    return std::nullopt;
  }
  auto op = model::enum_from_string<model::RuleOperator>(operation);
  if (!op) {
    context.error(Errc::invalid_value, xml, "operation",
                  fmt::format("expected one of lt, gt, lte, gte, eq, ne, defined, not_defined, "
                              "got \"{}\"",
                              operation));
    return std::nullopt;
  }
  expression.op = *op;
  if (auto source = xml.attribute("value-source");
      source && std::string_view{source.value()} != "literal") {
    context.warning(Errc::unsupported, xml, "value-source",
                    fmt::format("value-source=\"{}\" is not supported", source.value()));
    return std::nullopt;
  }
  if (type == "version") {
    context.warning(Errc::unsupported, xml, "type", "version comparisons are not supported");
    return std::nullopt;
  }
  const bool unary = *op == model::RuleOperator::defined || *op == model::RuleOperator::not_defined;
  if (!unary) {
    if (!xml.attribute("value")) {
      context.error(Errc::invalid_value, xml, fmt::format("operation {} needs a value", operation));
      return std::nullopt;
    }
    expression.value = xml.attribute("value").value();
    if (type == "number" && !parse_integer(*expression.value)) {
      context.warning(Errc::unsupported, xml, "value",
                      fmt::format("non-integer numbers are not supported in rules, got \"{}\"",
                                  *expression.value));
      return std::nullopt;
    }
  }
  if (expression.attribute.starts_with('#') && !expression.attribute.starts_with("#health")) {
    if (!is_materialized_builtin(expression.attribute)) {
      context.warning(Errc::unsupported, 
          xml, "attribute",
          fmt::format("the built-in node attribute \"{}\" is not supported", expression.attribute));
      return std::nullopt;
    }
    context.builtin_attributes_used.insert(expression.attribute);
  }
  return expression;
}

}  // namespace

bool is_materialized_builtin(std::string_view attribute) {
  return std::find(kMaterializedBuiltins.begin(), kMaterializedBuiltins.end(), attribute) !=
         kMaterializedBuiltins.end();
}

std::optional<model::Rule> read_location_rule(ImportContext& context, pugi::xml_node xml) {
  if (auto reference = xml.attribute("id-ref")) {
    context.warning(Errc::unsupported, xml, "id-ref", "rules given by reference (id-ref) are not supported");
    return std::nullopt;
  }
  model::Rule rule;
  if (xml.attribute("score-attribute")) {
    context.warning(Errc::unsupported, xml, "score-attribute", "score-attribute is not supported");
    return std::nullopt;
  }
  if (auto text = xml.attribute("score")) {
    auto score = parse_score(text.value());
    if (!score) {
      context.error(Errc::invalid_value, xml, "score",
                    fmt::format("expected {}, got \"{}\"", kScoreSpellings, text.value()));
      return std::nullopt;
    }
    rule.score = *score;
  }
  if (!is_started_role(xml, "role")) {
    context.warning(Errc::unsupported, 
        xml, "role",
        fmt::format("rules for role \"{}\" are not supported", xml.attribute("role").value()));
    return std::nullopt;
  }
  const std::string boolean_op = xml.attribute("boolean-op").value();
  if (boolean_op == "or") {
    rule.boolean_op = model::BooleanOperator::or_;
  } else if (!boolean_op.empty() && boolean_op != "and") {
    context.error(Errc::invalid_value, xml, "boolean-op",
                  fmt::format("expected \"and\" or \"or\", got \"{}\"", boolean_op));
    return std::nullopt;
  }
  bool supported = true;
  for (auto child : xml.children()) {
    if (child.type() != pugi::node_element) continue;
    const std::string_view element = child.name();
    if (element == "expression") {
      if (auto expression = read_expression(context, child)) {
        rule.expressions.push_back(std::move(*expression));
      } else {
        supported = false;
      }
    } else {
      const char* what = element == "date_expression" ? "date expressions"
                         : element == "rule"          ? "nested rules"
                                                      : nullptr;
      context.warning(Errc::unsupported, child,
                      what != nullptr
                          ? fmt::format("{} are not supported", what)
                          : fmt::format("<{}> in a location rule is not supported", element));
      supported = false;
    }
  }
  if (!supported) return std::nullopt;
  if (rule.expressions.empty()) {
    context.warning(Errc::unsupported, xml, "a rule without expressions is not supported");
    return std::nullopt;
  }
  return rule;
}

}  // namespace wholesale_ha::cib
