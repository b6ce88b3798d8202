// Configuration sections besides crm_config, nodes, resources, constraints and the defaults:
// reported when they change what runs where, ignored when they do not.

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "import_steps.hpp"

namespace wholesale_ha::cib {
namespace {

// Sections that do not affect placement: access control and notifications.
constexpr std::array kHarmlessSections = {std::string_view{"acls"}, std::string_view{"alerts"}};

// Sections import_document() hands to their own steps.
constexpr std::array kMappedSections = {
    std::string_view{"crm_config"},   std::string_view{"nodes"},
    std::string_view{"resources"},    std::string_view{"constraints"},
    std::string_view{"rsc_defaults"}, std::string_view{"op_defaults"},
};

bool contains(auto& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

}  // namespace

void import_other_sections(ImportContext& context, pugi::xml_node configuration) {
  for (auto section : configuration.children()) {
    if (section.type() != pugi::node_element) continue;
    const std::string_view name = section.name();
    if (contains(kMappedSections, name) || contains(kHarmlessSections, name)) continue;
    if (name == "tags") {
      if (!section.child("tag")) continue;
      context.warning(Errc::unsupported, section,
                      "tags are not supported; constraints that name a tag are left "
                      "out");
      for (auto tag : section.children("tag")) {
        context.left_out_resources.emplace(tag.attribute("id").value(), "tags are not supported");
      }
    } else if (name == "fencing-topology") {
      if (section.first_child()) {
        context.warning(Errc::unsupported, section,
                        "fencing topology is not imported yet (fencing configuration "
                        "comes with a later issue)");
      }
    } else {
      context.warning(Errc::unknown_field, section, fmt::format("<{}> is not a known configuration section and is "
                                           "ignored",
                                           name));
    }
  }
}

}  // namespace wholesale_ha::cib
