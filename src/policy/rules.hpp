#pragma once

#include <wholesale_ha/model/constraint.hpp>
#include <wholesale_ha/model/node.hpp>

namespace wholesale_ha::policy::detail {

/// Whether a location rule matches a node's attributes (docs/policy.md §2).
bool rule_matches(const model::Rule& rule, const model::Attributes& attributes);

}  // namespace wholesale_ha::policy::detail
