#pragma once
// What a fence agent or fencing command said, in one line, for failure reasons and logs.

#include <chrono>
#include <string>

#include <wholesale_ha/agents/agent.hpp>
#include <wholesale_ha/process/child_process.hpp>

namespace wholesale_ha::fencing::detail {

/// The line that explains the outcome: the last error line ("Failed: Timed out waiting to
/// power OFF"), else the last line of stderr, else of stdout; "" when it printed nothing.
std::string agent_said(const process::Outcome& result);

/// How the run ended, to follow "the agent"/"the command": "exited with status 1: Failed:
/// ...", "did not finish within 5000ms, so its process group was killed (SIGTERM)", ...
std::string describe_outcome(const process::Outcome& result, std::chrono::milliseconds budget);

/// The Status a failed run maps to: timed_out, not_installed (could not start) or
/// error_generic.
agents::Status failure_status(const process::Outcome& result);

}  // namespace wholesale_ha::fencing::detail
