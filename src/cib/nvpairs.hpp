#pragma once
// Name/value sets (meta_attributes, instance_attributes, utilization, cluster_property_set):
// Pacemaker merges every set of a kind that applies, highest `score` first, and the first
// value of a name wins. Sets with rules apply only sometimes, which a static model cannot
// express: they are reported and left out.

#include <string>
#include <string_view>
#include <vector>

#include <pugixml.hpp>

#include "import_context.hpp"

namespace wholesale_ha::cib {

struct NvPair {
  std::string name;
  std::string value;
  pugi::xml_node at;  ///< the nvpair element, for diagnostics
};

/// The merged pairs of the `set_element` children of `parent` ("meta_attributes", ...), in
/// document order of first appearance. `what` names the sets in messages ("meta attributes").
std::vector<NvPair> read_nvsets(ImportContext& context, pugi::xml_node parent,
                                std::string_view set_element, std::string_view what);

/// The value of `name` in `pairs`, or nullptr.
const NvPair* find_pair(const std::vector<NvPair>& pairs, std::string_view name);

}  // namespace wholesale_ha::cib
