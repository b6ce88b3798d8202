#pragma once
// Any JSON configuration file held to the limits of the cluster format (docs/config.md,
// "Limits": 64 MiB, 128 levels of nesting, no NUL byte, no duplicate key, located errors),
// for programs that read JSON of their own (wha-node's config).

#include <filesystem>

#include <nlohmann/json.hpp>

#include <wholesale_ha/result.hpp>

namespace wholesale_ha::model {

/// The document in `path`, or every error (syntax errors prefixed with the path). Never
/// throws.
Result<nlohmann::json> load_json_document(const std::filesystem::path& path) noexcept;

}  // namespace wholesale_ha::model
