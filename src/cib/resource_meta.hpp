#pragma once
// Resource meta attributes (on primitives, groups, clones and in rsc_defaults) → ResourceMeta.

#include <vector>

#include <wholesale_ha/model/resource.hpp>

#include "import_context.hpp"
#include "nvpairs.hpp"

namespace wholesale_ha::cib {

/// Sets the fields of `meta` that `pairs` name; meta attributes the model has no field for
/// are ignored, with a warning unless the value is what our engine does anyway.
void apply_resource_meta(ImportContext& context, const std::vector<NvPair>& pairs,
                         model::ResourceMeta& meta);

/// `inherited` (a group's or clone's meta) under `own` (the member's): what Pacemaker applies
/// to the member.
std::vector<NvPair> inherit_pairs(std::vector<NvPair> own, const std::vector<NvPair>& inherited);

}  // namespace wholesale_ha::cib
