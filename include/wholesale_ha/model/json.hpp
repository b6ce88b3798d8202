#pragma once
// Cluster descriptions as JSON: the schema is documented in docs/config.md.

#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include <wholesale_ha/model/cluster.hpp>
#include <wholesale_ha/result.hpp>

namespace wholesale_ha::model {

/// Parses and validates a cluster document. Never throws: syntax errors, schema errors,
/// unknown keys and dangling references all come back as diagnostics, every one of them.
Result<Cluster> parse_cluster(std::string_view json_text) noexcept;
/// The same for a document that is already parsed (e.g. embedded in a larger one).
Result<Cluster> parse_cluster_document(const nlohmann::json& document) noexcept;

/// Reads `path` and parses it; an unreadable file is a diagnostic naming the path.
Result<Cluster> load_cluster_file(const std::filesystem::path& path) noexcept;

/// The document parse_cluster() accepts back unchanged (a lossless round trip). Defaults
/// and unset optional fields are omitted.
nlohmann::json to_json(const Cluster& cluster);
std::string to_json_string(const Cluster& cluster, int indent = 2);

}  // namespace wholesale_ha::model
