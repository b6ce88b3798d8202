#pragma once
// Pacemaker CIB (XML) import: turns an existing Pacemaker cluster's configuration and status
// into a wholesale_ha Cluster, so users migrating from Pacemaker can see what our engine would
// do. Lives in the optional target wholesale_ha::cib (needs pugixml); docs/cib-import.md lists
// what is mapped and how everything else is reported.

#include <filesystem>
#include <optional>
#include <string_view>

#include <wholesale_ha/model/cluster.hpp>
#include <wholesale_ha/result.hpp>
#include <wholesale_ha/model/status.hpp>

namespace wholesale_ha::model {

struct CibImportOptions {
  /// The time the imported state is planned at. Unset: the CIB's `execution-date` attribute,
  /// else the newest `last-rc-change` in the status section.
  std::optional<Timestamp> now;
};

/// Imports a CIB document. Never throws. Diagnostics carry an XPath-like location in
/// `pointer` (`/cib/configuration/resources/primitive[@id='vm1']/meta_attributes/
/// nvpair[@name='resource-stickiness']`). Constructs the model cannot represent are warnings
/// naming what was left out; values that cannot be read, settings that would change behaviour
/// silently (no-quorum-policy=demote) and broken references are errors, and then no cluster
/// is returned. A returned cluster always passes parse_cluster() validation.
Result<Cluster> import_cib(std::string_view xml, const CibImportOptions& options = {}) noexcept;

/// Reads `path` and imports it; an unreadable file is an error naming the path.
Result<Cluster> import_cib_file(const std::filesystem::path& path,
                                const CibImportOptions& options = {}) noexcept;

}  // namespace wholesale_ha::model
