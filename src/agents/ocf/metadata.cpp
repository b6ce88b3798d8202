#include "metadata.hpp"

#include <sstream>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>

#include <wholesale_ha/model/duration.hpp>
#include <wholesale_ha/utf8.hpp>

#include "../../common/xml_depth.hpp"
#include "../../common/xml_references.hpp"

namespace wholesale_ha::agents::detail {

namespace pt = boost::property_tree;

std::optional<OcfMetadata> parse_ocf_metadata(const std::string& xml, std::string& error) {
  // PropertyTree recurses per element: refuse deep nesting before it can overflow the stack.
  if (auto deep = wholesale_ha::detail::xml_too_deep(xml)) {
    error = "meta-data refused: " + wholesale_ha::detail::xml_depth_message(xml, *deep);
    return std::nullopt;
  }
  pt::ptree tree;
  try {
    // Character references can name what is no character (&#xD800;): replaced, like bytes
    // that are not UTF-8, before the parser decodes them into the text we return.
    std::istringstream in{wholesale_ha::detail::replace_bad_character_references(valid_utf8(xml))};
    pt::read_xml(in, tree, pt::xml_parser::no_comments);
  } catch (const pt::xml_parser_error& e) {
    error = "meta-data is not valid XML: " + std::string{e.message()} + " (line " +
            std::to_string(e.line()) + ")";
    return std::nullopt;
  }
  auto agent = tree.get_child_optional("resource-agent");
  if (!agent) {
    error = "meta-data has no <resource-agent> element";
    return std::nullopt;
  }
  OcfMetadata md;
  md.name = agent->get<std::string>("<xmlattr>.name", "");
  if (auto params = agent->get_child_optional("parameters")) {
    for (const auto& [tag, node] : *params) {
      if (tag != "parameter") continue;
      OcfParameter p;
      p.name = node.get<std::string>("<xmlattr>.name", "");
      const auto required = node.get<std::string>("<xmlattr>.required", "0");
      p.required = required == "1" || required == "true";
      if (auto def = node.get_optional<std::string>("content.<xmlattr>.default")) p.default_value = *def;
      if (!p.name.empty()) md.parameters.push_back(std::move(p));
    }
  }
  if (auto actions = agent->get_child_optional("actions")) {
    for (const auto& [tag, node] : *actions) {
      if (tag != "action") continue;
      const auto name = node.get<std::string>("<xmlattr>.name", "");
      const auto timeout = model::parse_duration(node.get<std::string>("<xmlattr>.timeout", "0"));
      if (!name.empty()) md.actions[name] = timeout.value_or(std::chrono::milliseconds{0});
    }
  }
  return md;
}

}  // namespace wholesale_ha::agents::detail
