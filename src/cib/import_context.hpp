#pragma once
// What the import steps share: the cluster being built, the diagnostics, and the tables that
// translate Pacemaker's names into model ids.

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <pugixml.hpp>

#include <wholesale_ha/model/cluster.hpp>
#include <wholesale_ha/result.hpp>

namespace wholesale_ha::cib {

using StringMap = std::map<std::string, std::string, std::less<>>;

/// A hash of strings that looks up by string_view without building a string.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept {
    return std::hash<std::string_view>{}(text);
  }
};

class ImportContext {
 public:
  explicit ImportContext(const pugi::xml_document& document) : document_(document) {}

  model::Cluster cluster;
  /// op_defaults' timeout and on-fail, which every primitive's operations start from.
  model::OperationSpec op_defaults;

  /// Pacemaker resource names → model resource ids. A clone is one model resource named
  /// after the clone; its primitive and instances ("ping", "ping:0") map to it.
  std::unordered_map<std::string, std::string, StringHash, std::equal_to<>> resource_ids;
  /// Resources and nodes left out of the import, with the reason; references to them are
  /// dropped with a warning instead of dangling.
  StringMap left_out_resources;
  /// Prefixes of resources Pacemaker generates for a left-out bundle ("httpd-bundle-").
  std::vector<std::string> left_out_prefixes;
  StringMap left_out_nodes;
  /// Node ids as Pacemaker numbers them ("1") → uname, which is the model's node id.
  StringMap node_unames;
  /// Built-in node attributes (#uname, #id, #kind) that rules refer to; they are written into
  /// the imported nodes' attributes so the rules keep their meaning.
  std::set<std::string, std::less<>> builtin_attributes_used;

  void error(Errc code, pugi::xml_node at, std::string message);
  void error(Errc code, pugi::xml_node at, std::string_view attribute, std::string message);
  void warning(Errc code, pugi::xml_node at, std::string message);
  void warning(Errc code, pugi::xml_node at, std::string_view attribute, std::string message);
  /// A diagnostic about the whole document.
  void document_error(Errc code, std::string message);
  void document_warning(Errc code, std::string message);

  [[nodiscard]] bool has_errors() const noexcept { return errors_ > 0; }
  [[nodiscard]] std::vector<Diagnostic> take_diagnostics() { return std::move(items_); }

  /// The element with this XML id anywhere in the document (for id-ref), or an empty node.
  [[nodiscard]] pugi::xml_node find_by_id(std::string_view id);

  /// The model id of a resource as a constraint or the status names it; "" when unknown.
  /// It refers into resource_ids.
  [[nodiscard]] std::string_view resource_id(std::string_view pacemaker_name) const;
  /// Whether the status's name for a resource belongs to one left out of the import.
  [[nodiscard]] bool is_left_out(std::string_view pacemaker_name) const;

 private:
  void add(Diagnostic::Severity severity, Errc code, std::string location, std::string message);

  const pugi::xml_document& document_;
  std::vector<Diagnostic> items_;
  std::set<std::pair<std::string, std::string>> seen_;
  std::size_t errors_ = 0;
  std::unordered_map<std::string, pugi::xml_node> by_id_;
  bool indexed_ = false;
};

}  // namespace wholesale_ha::cib
