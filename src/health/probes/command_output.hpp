#pragma once
// What a `command` probe may print on stdout:
//   * a colour or a score on the first line ("yellow", "-20"); further lines are evidence;
//   * {"value": "red" | -20, "evidence": "..."}: the same as JSON;
//   * {"metrics": {"name": number, ...}, "subject": "..."}: measurements for the rules.

#include <string>
#include <string_view>

#include <wholesale_ha/health/probe.hpp>

namespace wholesale_ha::health::detail {

/// `subject` names the metrics of the third form when the output does not.
ProbeResult parse_command_output(std::string_view output, const std::string& subject);

}  // namespace wholesale_ha::health::detail
