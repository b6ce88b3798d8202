#pragma once
// The status section: quorum, node states, transient attributes, failcounts, `now`, and
// where resources are active. Its node_state elements are added one at a time, so they can
// come from the whole document's DOM or from a small DOM each (status_layout.hpp).

#include <optional>

#include <pugixml.hpp>

#include <wholesale_ha/cib/import.hpp>

#include "import_context.hpp"
#include "node_states.hpp"
#include "resource_activity.hpp"

namespace wholesale_ha::cib {

class StatusImporter {
 public:
  /// Runs after the configuration steps: it looks up the nodes and resources they defined.
  StatusImporter(ImportContext& context, pugi::xml_node cib,
                 const model::CibImportOptions& options);

  /// One node_state, in document order. Keeps nothing of the element once it returns.
  void add(pugi::xml_node node_state);
  /// After the last node_state; `status` is the section's element (or empty), for locations.
  void finish(pugi::xml_node status);

 private:
  ImportContext& context_;
  pugi::xml_node cib_;
  /// options.now, else the CIB's execution-date; else decided by finish().
  std::optional<model::Timestamp> now_;
  NodeStateImporter nodes_;
  ActivityImporter activity_;
};

}  // namespace wholesale_ha::cib
