#pragma once
// The limits every JSON file the library reads is held to (cluster files, health configs),
// checked before or while nlohmann parses: size, nesting depth, NUL bytes, duplicate keys.
// Every syntax error names its line and column.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <wholesale_ha/result.hpp>

namespace wholesale_ha::model::detail {

/// Larger files are refused before they are read: a 200 MB file took 1.4 GB as a DOM.
inline constexpr std::size_t kMaxJsonFileSize = std::size_t{64} << 20;  // 64 MiB
/// Deeper arrays/objects are refused; real documents nest fewer than 10 levels.
inline constexpr std::size_t kMaxJsonDepth = 128;

/// `text` as a document, or nullopt with the errors in `errors`. Duplicate keys are errors
/// (located by JSON pointer) but the document is still returned, so the rest of it can be
/// checked too. Messages are valid UTF-8 whatever the text holds.
std::optional<nlohmann::json> parse_limited(std::string_view text, std::vector<Diagnostic>& errors);

/// Reads at most kMaxJsonFileSize bytes of `path` (a pipe or /dev/zero included); the error
/// names the path and, for size, the limit.
Result<std::string> read_limited(const std::filesystem::path& path);

}  // namespace wholesale_ha::model::detail
