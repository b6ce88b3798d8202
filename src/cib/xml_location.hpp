#pragma once
// XPath-like locations for diagnostics: /cib/configuration/resources/primitive[@id='vm1'].
// Elements are identified by the attribute users know them by (id, nvpair name, node uname),
// and containers that occur once (meta_attributes, lrm) by name alone.

#include <string>
#include <string_view>

#include <pugixml.hpp>

namespace wholesale_ha::cib {

std::string xml_location(pugi::xml_node node);
/// The location of one attribute: ".../rsc_order[@id='o1']/@first-action".
std::string xml_location(pugi::xml_node node, std::string_view attribute);

}  // namespace wholesale_ha::cib
