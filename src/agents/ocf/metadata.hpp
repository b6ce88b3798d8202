#pragma once
// OCF resource agent meta-data (the XML every agent prints for `meta-data`).

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace wholesale_ha::agents::detail {

struct OcfParameter {
  std::string name;
  bool required = false;
  std::optional<std::string> default_value;
};

struct OcfMetadata {
  std::string name;
  std::vector<OcfParameter> parameters;
  /// Action name → advised timeout (0 when the agent gives none).
  std::map<std::string, std::chrono::milliseconds, std::less<>> actions;

  [[nodiscard]] bool supports(std::string_view action) const { return actions.contains(action); }
};

/// Parses meta-data XML; on failure, nullopt and `error` says why.
std::optional<OcfMetadata> parse_ocf_metadata(const std::string& xml, std::string& error);

}  // namespace wholesale_ha::agents::detail
