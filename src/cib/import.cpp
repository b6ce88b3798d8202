// Entry points: parse the XML, run the import steps in order, and check the result with the
// model's own validation so a returned cluster is always a valid one.

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <optional>
#include <string>

#include <fmt/format.h>

#include <wholesale_ha/cib/import.hpp>
#include <wholesale_ha/model/validate.hpp>
#include <wholesale_ha/utf8.hpp>

#include "../common/xml_references.hpp"
#include "file_buffer.hpp"
#include "import_steps.hpp"
#include "limits.hpp"
#include "pacemaker_values.hpp"
#include "rules.hpp"
#include "status_import.hpp"
#include "status_layout.hpp"

namespace wholesale_ha::model {
namespace {

using cib::ImportContext;

Result<Cluster> failure(Errc code, std::string message) {
  return Diagnostic::error(code, "", std::move(message));
}

std::string xml_error(std::string_view xml, const pugi::xml_parse_result& parsed) {
  const auto offset =
      std::min(static_cast<std::size_t>(std::max<std::ptrdiff_t>(parsed.offset, 0)), xml.size());
  const auto before = xml.substr(0, offset);
  const auto line = std::count(before.begin(), before.end(), '\n') + 1;
  const auto line_start = before.rfind('\n');
  const auto column = offset - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
  return fmt::format("invalid XML at line {}, column {} (offset {}): {}", line, column, offset,
                     parsed.description());
}

/// Rules may test Pacemaker's built-in node attributes; the model knows only configured ones,
/// so the ones rules use are written into every node.
void materialize_builtin_attributes(ImportContext& context) {
  auto& config = context.cluster.config;
  for (auto& node : config.nodes) {
    for (const auto& name : context.builtin_attributes_used) {
      std::string value;
      if (name == "#uname") value = node.id;
      if (name == "#kind") value = "cluster";
      if (name == "#cluster-name") value = config.options.cluster_name;
      if (name == "#id") {
        for (const auto& [id, uname] : context.node_unames) {
          if (uname == node.id) value = id;
        }
      }
      node.attributes.emplace(name, std::move(value));
    }
  }
}

/// The model's validation of the result. Problems here are gaps in the import itself (it
/// should have reported them at their CIB location), so they carry the JSON pointer.
void validate(ImportContext& context) {
  for (auto& d : model::validate(context.cluster).diagnostics()) {
    auto message = "the imported cluster: " + d.to_string();
    if (d.severity == Diagnostic::Severity::error) {
      context.document_error(Errc::invalid_value, std::move(message));
    } else {
      context.document_warning(Errc::invalid_value, std::move(message));
    }
  }
}

/// Calls its argument with every node_state of the status, in order; false when a
/// node_state could not be parsed on its own (the whole document is then parsed instead).
using NodeStateFeed = std::function<bool(cib::StatusImporter&)>;

/// nullopt when `feed` failed.
std::optional<Result<Cluster>> import_loaded(const pugi::xml_document& document,
                                                 const CibImportOptions& options,
                                                 const NodeStateFeed& feed) {
  auto cib = document.document_element();
  if (std::string_view{cib.name()} != "cib") {
    return failure(Errc::invalid_value,
        fmt::format("not a Pacemaker CIB: the root element is <{}>, expected <cib>", cib.name()));
  }
  auto configuration = cib.child("configuration");
  if (!configuration) return failure(Errc::missing_field, "not a Pacemaker CIB: <cib> has no <configuration>");

  ImportContext context{document};
  cib::import_cluster_options(context, configuration);
  cib::import_nodes(context, configuration.child("nodes"));
  cib::import_resources(context, configuration.child("resources"));
  cib::import_other_sections(context, configuration);
  cib::import_constraints(context, configuration.child("constraints"));
  cib::StatusImporter status{context, cib, options};
  if (!feed(status)) return std::nullopt;
  status.finish(cib.child("status"));
  materialize_builtin_attributes(context);
  if (!context.has_errors()) validate(context);

  std::optional<Cluster> cluster;
  if (!context.has_errors()) cluster = std::move(context.cluster);
  return Result<Cluster>(std::move(cluster), context.take_diagnostics());
}

/// One DOM of the whole document: for documents the status layout does not cover, and for
/// exact error positions.
Result<Cluster> import_whole(std::string_view xml, const CibImportOptions& options) {
  pugi::xml_document document;
  auto parsed = document.load_buffer(xml.data(), xml.size());
  if (!parsed) return failure(Errc::syntax, xml_error(xml, parsed));
  auto status = document.document_element().child("status");
  return *import_loaded(document, options, [&](cib::StatusImporter& importer) {
    for (auto node_state : status.children("node_state"))
      importer.add(node_state);
    return true;
  });
}

/// The configuration in one DOM (the text around the status' content), then each
/// node_state in a small DOM of its own, the same document and text buffer reused; nullopt
/// when a part does not parse on its own. The buffer is sized once for the largest
/// node_state: growing it as larger ones came faulted in fresh pages again and again (a new
/// process importing a 16 x 500 CIB: 671 -> 600 page faults). It is not a FileBuffer: a fresh
/// mapping per import made repeated imports in one process, a daemon's case, slower
/// (4 x 100: 0.33 -> 0.47 ms) for at most a millisecond saved in a new one.
std::optional<Result<Cluster>> import_by_parts(std::string_view xml,
                                                   const cib::StatusLayout& layout,
                                                   const CibImportOptions& options) {
  std::string rest;
  rest.reserve(xml.size() - (layout.content.end - layout.content.begin));
  rest.append(xml.substr(0, layout.content.begin)).append(xml.substr(layout.content.end));
  pugi::xml_document document;
  auto parsed = document.load_buffer_inplace(rest.data(), rest.size());
  if (!parsed || parsed.encoding != pugi::encoding_utf8) return std::nullopt;
  return import_loaded(document, options, [&](cib::StatusImporter& importer) {
    // Wrapped in <cib><status> so that locations in diagnostics read as in the whole CIB.
    constexpr std::string_view kOpen = "<cib><status>";
    constexpr std::string_view kClose = "</status></cib>";
    std::size_t largest = 0;
    for (const auto& span : layout.node_states) largest = std::max(largest, span.in(xml).size());
    std::string text;
    text.reserve(kOpen.size() + largest + kClose.size());
    pugi::xml_document piece;
    for (const auto& span : layout.node_states) {
      text.assign(kOpen).append(span.in(xml)).append(kClose);
      if (!piece.load_buffer_inplace(text.data(), text.size(), pugi::parse_default,
                                     pugi::encoding_utf8)) {
        return false;
      }
      importer.add(piece.document_element().child("status").child("node_state"));
    }
    return true;
  });
}

Result<Cluster> import_valid_text(std::string_view xml, const CibImportOptions& options) {
  if (auto layout = cib::find_status_layout(xml)) {
    if (auto result = import_by_parts(xml, *layout, options)) return std::move(*result);
  }
  return import_whole(xml, options);
}

/// The size limit of docs/cib-import.md, then the import. pugixml passes bytes through
/// unchecked: text that is not UTF-8 is repaired first, so names and values can go into JSON.
/// Nesting is not limited: pugixml builds and frees the DOM without recursion, XPath's
/// descendant steps iterate, and the import steps descend only into the levels they know (a
/// depth scan would add a fifth to the parse).
Result<Cluster> import_text(std::string_view xml, const CibImportOptions& options) {
  if (xml.size() > cib::kMaxCibSize) return failure(Errc::too_large, cib::too_large_message(xml.size()));
  // pugixml decodes "&#xD800;" into bytes that are no UTF-8: such references go first.
  if (xml.find("&#") != std::string_view::npos) {
    const std::string repaired = detail::replace_bad_character_references(std::string{xml});
    if (repaired != xml) return import_text(repaired, options);
  }
  if (is_valid_utf8(xml)) return import_valid_text(xml, options);
  auto result = import_valid_text(valid_utf8(xml), options);
  result.add_warnings({Diagnostic::warning(Errc::invalid_value, "",
                                           "the CIB is not valid UTF-8: each ill-formed byte sequence was "
                                           "replaced with U+FFFD")});
  return result;
}

}  // namespace

Result<Cluster> import_cib(std::string_view xml, const CibImportOptions& options) noexcept {
  try {
    return import_text(xml, options);
  } catch (const std::exception& e) {
    return failure(Errc::internal, std::string{"CIB import failed: "} + e.what());
  }
}

Result<Cluster> import_cib_file(const std::filesystem::path& path,
                                const CibImportOptions& options) noexcept {
  try {
    std::ifstream in{path, std::ios::binary};
    if (!in) return failure(Errc::io, "cannot read " + valid_utf8(path.string()) + ": " + std::strerror(errno));
    // Live-cluster CIBs run to tens of MiB: read once, no copies of the whole text. (Mapping
    // the file would skip even the read, but a file truncated meanwhile would be a SIGBUS.)
    const auto size = static_cast<std::size_t>(std::filesystem::file_size(path));
    if (size > cib::kMaxCibSize) return failure(Errc::too_large, valid_utf8(path.string()) + ": " + cib::too_large_message(size));
    const cib::FileBuffer text{size};
    if (!in.read(text.data(), static_cast<std::streamsize>(size))) {
      return failure(Errc::io, "cannot read " + valid_utf8(path.string()) + ": " + std::strerror(errno));
    }
    auto result = import_text(std::string_view{text.data(), size}, options);
    result.prefix_messages(valid_utf8(path.string()) + ": ", [](const Diagnostic& d) { return d.pointer.empty(); });
    return result;
  } catch (const std::exception& e) {
    return failure(Errc::internal, valid_utf8(path.string() + ": " + e.what()));
  }
}

}  // namespace wholesale_ha::model
