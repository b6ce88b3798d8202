#include "xml_location.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace wholesale_ha::cib {
namespace {

/// The attribute that tells an element apart from its siblings, as users name it.
const char* identity_attribute(pugi::xml_node node) {
  const std::string_view element = node.name();
  if (element == "nvpair") return "name";
  if (element == "node") return "uname";
  // A node_state without uname still has the node's id; its position would say nothing
  // where the status is read one node_state at a time.
  if (element == "node_state") return node.attribute("uname") ? "uname" : "id";
  return "id";
}

/// Elements that hold the contents of their parent; their generated ids add noise to a
/// location, so they are identified only when their parent has several.
bool is_container(std::string_view element) {
  constexpr std::array kContainers = {
      std::string_view{"cluster_property_set"}, std::string_view{"utilization"},
      std::string_view{"operations"},           std::string_view{"lrm"},
      std::string_view{"lrm_resources"},        std::string_view{"transient_attributes"},
  };
  return element.ends_with("_attributes") ||
         std::find(kContainers.begin(), kContainers.end(), element) != kContainers.end();
}

std::size_t same_named_siblings(pugi::xml_node node) {
  std::size_t count = 0;
  for (auto sibling : node.parent().children(node.name())) {
    (void)sibling;
    ++count;
  }
  return count;
}

std::string step(pugi::xml_node node) {
  std::string out = node.name();
  const bool ambiguous = same_named_siblings(node) > 1;
  if (is_container(node.name()) && !ambiguous) return out;
  const char* key = identity_attribute(node);
  if (auto attribute = node.attribute(key)) {
    return out + "[@" + key + "='" + attribute.value() + "']";
  }
  if (!ambiguous) return out;
  std::size_t position = 1;
  for (auto sibling = node.previous_sibling(node.name()); sibling;
       sibling = sibling.previous_sibling(node.name())) {
    ++position;
  }
  return out + "[" + std::to_string(position) + "]";
}

}  // namespace

std::string xml_location(pugi::xml_node node) {
  std::vector<std::string> steps;
  for (; node && node.type() == pugi::node_element; node = node.parent()) {
    steps.push_back(step(node));
  }
  std::string out;
  for (auto it = steps.rbegin(); it != steps.rend(); ++it)
    out += "/" + *it;
  return out;
}

std::string xml_location(pugi::xml_node node, std::string_view attribute) {
  return xml_location(node) + "/@" + std::string{attribute};
}

}  // namespace wholesale_ha::cib
