#pragma once
// Location rules → model::Rule. The model evaluates one flat list of attribute expressions
// joined by and/or; nested rules, date expressions and parameter-relative values have no
// counterpart and make the rule (and its constraint) unsupported.

#include <optional>

#include <pugixml.hpp>

#include <wholesale_ha/model/constraint.hpp>

#include "import_context.hpp"

namespace wholesale_ha::cib {

/// The rule, or nullopt after reporting why it cannot be imported.
std::optional<model::Rule> read_location_rule(ImportContext& context, pugi::xml_node rule);

/// Pacemaker's built-in node attributes the import can provide by writing them into the
/// imported nodes' attributes: #uname, #id, #kind, #cluster-name.
bool is_materialized_builtin(std::string_view attribute);

}  // namespace wholesale_ha::cib
