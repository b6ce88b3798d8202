#pragma once
// The import, one step per CIB section; each step fills its part of context.cluster and
// reports what it cannot map. Run in this order: later steps look up what earlier ones
// defined (nodes and resources before constraints and status).

#include <pugixml.hpp>

#include "import_context.hpp"

namespace wholesale_ha::cib {

/// crm_config (cluster properties), rsc_defaults and op_defaults.
void import_cluster_options(ImportContext& context, pugi::xml_node configuration);
void import_nodes(ImportContext& context, pugi::xml_node nodes);
void import_resources(ImportContext& context, pugi::xml_node resources);
/// Tags, fencing topology and unknown sections: reported or, when harmless, ignored. Runs
/// before constraints, which may name tags.
void import_other_sections(ImportContext& context, pugi::xml_node configuration);
void import_constraints(ImportContext& context, pugi::xml_node constraints);
// The status section is status_import.hpp's, fed one node_state at a time.

}  // namespace wholesale_ha::cib
