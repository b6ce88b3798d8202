#pragma once
// Running the external tools probes read (smartctl, nvme, ipmitool, commands) and the ways
// such a run can fail before its output means anything.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <wholesale_ha/health/probe.hpp>
#include <wholesale_ha/process/child_process.hpp>

namespace wholesale_ha::health::detail {

process::Command tool_command(std::string program, std::vector<std::string> args,
                              std::chrono::milliseconds timeout);

/// A tool that is not installed is "unavailable"; one that could not start, was killed or
/// timed out has "failed". nullopt when it exited, whatever its status: read its output.
std::optional<ProbeResult> tool_problem(const process::Outcome& result, std::string_view tool,
                                        std::chrono::milliseconds timeout);

/// A tool's JSON output; is_discarded() when it is not JSON or nests deeper than 128 levels
/// (copying, comparing or printing such a tree recurses once per level and would overflow
/// the stack).
nlohmann::json parse_tool_json(std::string_view output);

/// The first non-empty line of `text`, trimmed and shortened, for reasons quoting a tool.
std::string first_line(std::string_view text);

/// `program args...` for describe().
std::string command_line(std::string_view program, const std::vector<std::string>& args);

}  // namespace wholesale_ha::health::detail
