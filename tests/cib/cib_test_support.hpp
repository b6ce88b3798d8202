#pragma once
// Helpers for the CIB import tests: the fixtures in tests/data/cib (made by make_fixtures.sh
// with Pacemaker's own tools), variations of them, and lookups into the imported cluster.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include <wholesale_ha/cib/import.hpp>

namespace wholesale_ha::cib_test {

namespace model = wholesale_ha::model;

inline std::filesystem::path fixture_path(std::string_view name) {
  return std::filesystem::path{WHA_SOURCE_DIR} / "tests/data/cib" / name;
}

inline std::string fixture_text(std::string_view name) {
  std::ifstream in{fixture_path(name), std::ios::binary};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// `text` with the first occurrence of `from` replaced; fails the test when it is missing.
inline std::string replaced(std::string text, std::string_view from, std::string_view to) {
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "fixture does not contain: " << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

/// Every occurrence replaced.
inline std::string replaced_all(std::string text, std::string_view from, std::string_view to) {
  EXPECT_NE(text.find(from), std::string::npos) << "fixture does not contain: " << from;
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

/// The bounds of the element `<tag ... />` that contains `marker`.
inline std::pair<std::size_t, std::size_t> element_around(const std::string& text,
                                                          std::string_view marker,
                                                          std::string_view tag) {
  auto at = text.find(marker);
  EXPECT_NE(at, std::string::npos) << "fixture does not contain: " << marker;
  if (at == std::string::npos) return {0, 0};
  auto begin = text.rfind("<" + std::string{tag}, at);
  auto end = text.find("/>", at) + 2;
  return {begin, end};
}

/// `text` without the lrm_rsc_op that contains `marker`.
inline std::string without_operation(std::string text, std::string_view marker) {
  auto [begin, end] = element_around(text, marker, "lrm_rsc_op");
  text.erase(begin, end - begin);
  return text;
}

/// `text` with `from` replaced by `to` inside the lrm_rsc_op that contains `marker`.
inline std::string edited_operation(std::string text, std::string_view marker,
                                    std::string_view from, std::string_view to) {
  auto [begin, end] = element_around(text, marker, "lrm_rsc_op");
  auto element = replaced(text.substr(begin, end - begin), from, to);
  text.replace(begin, end - begin, element);
  return text;
}

/// `text` with `edit` applied to the node_state of node `uname` only.
template <class Edit>
std::string in_node_state(std::string text, std::string_view uname, Edit edit) {
  auto begin = text.find("uname=\"" + std::string{uname} + "\" in_ccm");
  EXPECT_NE(begin, std::string::npos) << "no node_state for " << uname;
  if (begin == std::string::npos) return text;
  auto end = text.find("</node_state>", begin);
  text.replace(begin, end - begin, edit(text.substr(begin, end - begin)));
  return text;
}

inline std::string all_diagnostics(const wholesale_ha::Result<model::Cluster>& result) {
  std::string out;
  for (const auto& d : result.diagnostics())
    out += d.to_string() + "\n";
  return out;
}

/// An import that must succeed without any diagnostic.
inline model::Cluster import_clean(std::string_view xml, model::CibImportOptions options = {}) {
  auto result = model::import_cib(xml, options);
  EXPECT_TRUE(result.ok()) << all_diagnostics(result);
  EXPECT_TRUE(result.diagnostics().empty()) << all_diagnostics(result);
  return result.value_or(model::Cluster{});
}

inline model::Cluster import_fixture(std::string_view name) {
  return import_clean(fixture_text(name));
}

/// Whether a diagnostic of `severity` is located exactly at `pointer` and its message
/// contains `message_part`.
inline bool has_diagnostic(const wholesale_ha::Result<model::Cluster>& result,
                           wholesale_ha::Diagnostic::Severity severity, std::string_view pointer,
                           std::string_view message_part) {
  return std::any_of(result.diagnostics().begin(), result.diagnostics().end(), [&](const auto& d) {
    return d.severity == severity && d.pointer == pointer &&
           d.message.find(message_part) != std::string::npos;
  });
}

inline const model::Resource& resource(const model::Cluster& cluster, std::string_view id) {
  const auto* found = cluster.config.find_resource(id);
  if (found == nullptr) {
    ADD_FAILURE() << "no resource " << id;
    static const model::Resource kNone;
    return kNone;
  }
  return *found;
}

inline const model::Node& node(const model::Cluster& cluster, std::string_view id) {
  const auto* found = cluster.config.find_node(id);
  if (found == nullptr) {
    ADD_FAILURE() << "no node " << id;
    static const model::Node kNone;
    return kNone;
  }
  return *found;
}

template <class T>
const T* constraint(const model::Cluster& cluster, std::string_view id) {
  for (const auto& c : cluster.config.constraints) {
    if (model::constraint_id(c) == id) return std::get_if<T>(&c);
  }
  return nullptr;
}

/// Where `resource` is active, as "node:state" strings in status order.
inline std::vector<std::string> placements(const model::Cluster& cluster,
                                           std::string_view resource) {
  std::vector<std::string> out;
  for (const auto& p : cluster.state.resources) {
    if (p.resource != resource) continue;
    out.push_back(p.node + (p.state == model::ResourceState::failed ? ":failed" : ":started"));
  }
  return out;
}

}  // namespace wholesale_ha::cib_test
