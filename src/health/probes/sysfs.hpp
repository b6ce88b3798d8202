#pragma once
// Small reads of sysfs / procfs files. They are fast (the kernel answers from memory), so
// probes do them on the event loop.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wholesale_ha::health::detail {

/// The whole file; nullopt when it is missing or unreadable (some sensors fail reads with
/// EIO or ENODATA while the chip is idle).
std::optional<std::string> read_file(const std::filesystem::path& path);
/// The first line without surrounding whitespace.
std::optional<std::string> read_line(const std::filesystem::path& path);
/// The first line as a decimal integer.
std::optional<std::int64_t> read_integer(const std::filesystem::path& path);

/// Entries of `dir` named `prefix` followed by digits ("mc0", "hwmon12"), in numeric order;
/// empty when `dir` does not exist.
std::vector<std::filesystem::path> numbered_entries(const std::filesystem::path& dir,
                                                    std::string_view prefix);

/// `path` (absolute, like "/sys/class/hwmon") under `root`.
std::filesystem::path under(const std::filesystem::path& root, std::string_view path);

}  // namespace wholesale_ha::health::detail
