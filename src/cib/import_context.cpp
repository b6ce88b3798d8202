#include "import_context.hpp"

#include <algorithm>

#include "xml_location.hpp"

namespace wholesale_ha::cib {

void ImportContext::add(Diagnostic::Severity severity, Errc code, std::string location,
                        std::string message) {
  // Settings inherited by several resources (group and clone meta) would otherwise be
  // reported once per member.
  if (!seen_.emplace(location, message).second) return;
  if (severity == Diagnostic::Severity::error) ++errors_;
  items_.push_back({severity, code, std::move(location), std::move(message)});
}

void ImportContext::error(Errc code, pugi::xml_node at, std::string message) {
  add(Diagnostic::Severity::error, code, xml_location(at), std::move(message));
}

void ImportContext::error(Errc code, pugi::xml_node at, std::string_view attribute, std::string message) {
  add(Diagnostic::Severity::error, code, xml_location(at, attribute), std::move(message));
}

void ImportContext::warning(Errc code, pugi::xml_node at, std::string message) {
  add(Diagnostic::Severity::warning, code, xml_location(at), std::move(message));
}

void ImportContext::warning(Errc code, pugi::xml_node at, std::string_view attribute, std::string message) {
  add(Diagnostic::Severity::warning, code, xml_location(at, attribute), std::move(message));
}

void ImportContext::document_error(Errc code, std::string message) {
  add(Diagnostic::Severity::error, code, "", std::move(message));
}

void ImportContext::document_warning(Errc code, std::string message) {
  add(Diagnostic::Severity::warning, code, "", std::move(message));
}

pugi::xml_node ImportContext::find_by_id(std::string_view id) {
  if (!indexed_) {
    for (auto node : document_.select_nodes("/cib/configuration//*[@id]")) {
      by_id_.emplace(node.node().attribute("id").value(), node.node());
    }
    indexed_ = true;
  }
  auto it = by_id_.find(std::string{id});
  return it == by_id_.end() ? pugi::xml_node{} : it->second;
}

std::string_view ImportContext::resource_id(std::string_view pacemaker_name) const {
  auto it = resource_ids.find(pacemaker_name);
  if (it == resource_ids.end()) {
    // A clone instance ("ping:0") is its clone.
    if (auto colon = pacemaker_name.rfind(':'); colon != std::string_view::npos) {
      it = resource_ids.find(pacemaker_name.substr(0, colon));
    }
  }
  return it == resource_ids.end() ? std::string_view{} : std::string_view{it->second};
}

bool ImportContext::is_left_out(std::string_view pacemaker_name) const {
  if (left_out_resources.contains(pacemaker_name)) return true;
  if (auto colon = pacemaker_name.rfind(':');
      colon != std::string_view::npos &&
      left_out_resources.contains(pacemaker_name.substr(0, colon))) {
    return true;
  }
  return std::any_of(left_out_prefixes.begin(), left_out_prefixes.end(),
                     [&](const std::string& prefix) { return pacemaker_name.starts_with(prefix); });
}

}  // namespace wholesale_ha::cib
