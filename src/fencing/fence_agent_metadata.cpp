// fence-agents metadata: the <resource-agent> XML every fence agent prints for
// action=metadata (the same shape as OCF meta-data, plus deprecated/obsoletes).

#include <sstream>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <fmt/format.h>

#include <wholesale_ha/fencing/fence_agent.hpp>
#include <wholesale_ha/process/child_process.hpp>
#include <wholesale_ha/utf8.hpp>

#include "../common/xml_depth.hpp"
#include "../common/xml_references.hpp"

namespace wholesale_ha::fencing {

namespace pt = boost::property_tree;

const FenceAgentParameter* FenceAgentMetadata::parameter(std::string_view wanted) const {
  for (const auto& p : parameters) {
    if (p.name == wanted) return &p;
  }
  return nullptr;
}

namespace {

bool flag(const pt::ptree& node, const char* attribute) {
  const auto value = node.get<std::string>(std::string{"<xmlattr>."} + attribute, "0");
  return value == "1" || value == "true";
}

std::string trimmed(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

}  // namespace

Result<FenceAgentMetadata> parse_fence_agent_metadata(const std::string& xml) {
  // PropertyTree recurses per element: refuse deep nesting before it can overflow the stack.
  if (auto deep = wholesale_ha::detail::xml_too_deep(xml)) {
    return Diagnostic::error(Errc::too_large, "", "metadata refused: " + wholesale_ha::detail::xml_depth_message(xml, *deep));
  }
  pt::ptree tree;
  try {
    // Character references can name what is no character (&#xD800;): replaced, like bytes
    // that are not UTF-8, before the parser decodes them into the text we return.
    std::istringstream in{wholesale_ha::detail::replace_bad_character_references(valid_utf8(xml))};
    pt::read_xml(in, tree, pt::xml_parser::no_comments);
  } catch (const pt::xml_parser_error& e) {
    return Diagnostic::error(Errc::syntax, "", fmt::format("metadata is not valid XML: {} (line {})", e.message(), e.line()));
  }
  auto agent = tree.get_child_optional("resource-agent");
  if (!agent) {
    return Diagnostic::error(Errc::missing_field, "", "metadata has no <resource-agent> element");
  }
  FenceAgentMetadata md;
  md.name = agent->get<std::string>("<xmlattr>.name", "");
  md.description = agent->get<std::string>("<xmlattr>.shortdesc", "");
  if (auto params = agent->get_child_optional("parameters")) {
    for (const auto& [tag, node] : *params) {
      if (tag != "parameter") continue;
      FenceAgentParameter p;
      p.name = node.get<std::string>("<xmlattr>.name", "");
      p.required = flag(node, "required");
      p.deprecated = flag(node, "deprecated");
      p.obsoletes = node.get<std::string>("<xmlattr>.obsoletes", "");
      p.type = node.get<std::string>("content.<xmlattr>.type", "string");
      if (auto def = node.get_optional<std::string>("content.<xmlattr>.default")) p.default_value = *def;
      p.description = trimmed(node.get<std::string>("shortdesc", ""));
      if (!p.name.empty()) md.parameters.push_back(std::move(p));
    }
  }
  if (auto actions = agent->get_child_optional("actions")) {
    for (const auto& [tag, node] : *actions) {
      if (tag != "action") continue;
      auto name = node.get<std::string>("<xmlattr>.name", "");
      if (!name.empty()) md.actions.insert(std::move(name));
    }
  }
  if (md.parameters.empty() && md.actions.empty()) {
    return Diagnostic::error(Errc::invalid_value, "", "metadata declares no parameters and no actions");
  }
  return md;
}

Result<FenceAgentMetadata> read_fence_agent_metadata(const std::filesystem::path& program,
                                                     std::chrono::milliseconds timeout) {
  process::Command c;
  c.program = program.string();
  c.stdin_data = "action=metadata\n";
  c.timeout = timeout;
  const auto r = process::run(std::move(c));
  if (!r.success()) {
    return Diagnostic::error(Errc::failed, "", fmt::format("{}: action=metadata failed: {}", program.string(), r.describe()));
  }
  auto md = parse_fence_agent_metadata(r.out);
  md.prefix_messages(program.string() + ": ", [](const Diagnostic&) { return true; });
  return md;
}

}  // namespace wholesale_ha::fencing
