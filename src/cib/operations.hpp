#pragma once
// A primitive's <operations> and the cluster's op_defaults → model::Operations: each
// operation's timeout, the monitor's interval and on-fail.

#include <pugixml.hpp>

#include <wholesale_ha/model/resource.hpp>

#include "import_context.hpp"

namespace wholesale_ha::cib {

/// op_defaults' timeout and on-fail: what every operation that does not set its own gets.
model::OperationSpec import_op_defaults(ImportContext& context, pugi::xml_node op_defaults);

/// The operations of `primitive`, completed from `defaults`. Pacemaker's migrate_to and
/// migrate_from are our one migrate: the longer timeout of the two.
model::Operations import_operations(ImportContext& context, pugi::xml_node primitive,
                                    const model::OperationSpec& defaults);

}  // namespace wholesale_ha::cib
