#pragma once
// status/node_state → NodeStatus (online / offline / unclean), transient attributes, and the
// fail-count-* / last-failure-* attributes → failcounts. Fed one node_state at a time.

#include <map>
#include <set>
#include <string>

#include <pugixml.hpp>

#include "import_context.hpp"
#include "nvpairs.hpp"

namespace wholesale_ha::cib {

class NodeStateImporter {
 public:
  explicit NodeStateImporter(ImportContext& context) : context_(context) {}

  /// The configured node this node_state describes, after importing it; nullptr when it is
  /// skipped (a left-out node, one not configured, a repeat), which is reported.
  const model::Node* add(pugi::xml_node node_state);
  /// After the last node_state: quorum, nodes never seen, and the failcounts.
  void finish(pugi::xml_node cib, pugi::xml_node status);

 private:
  struct FailureKey {
    std::string resource;
    std::string node;
    auto operator<=>(const FailureKey&) const = default;
  };
  struct FailureSum {
    std::int64_t count = 0;
    model::Timestamp last_failure = 0;
  };

  void import_transient(const NvPair& pair, model::Node& node, model::NodeStatus& status);
  void record_failure(const NvPair& pair, std::string_view key, const std::string& node,
                      bool is_count);
  void mark_unseen_nodes(pugi::xml_node status);
  model::Node* find_node(std::string_view id);

  ImportContext& context_;
  std::map<FailureKey, FailureSum> failures_;
  std::set<std::string, std::less<>> seen_;
  bool any_ = false;  ///< whether the status has a node_state at all
};

}  // namespace wholesale_ha::cib
