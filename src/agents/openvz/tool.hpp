#pragma once
// Running vzctl / vzmigrate / prlctl through process::async_run, and wording what went wrong.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <wholesale_ha/agents/agent.hpp>
#include <wholesale_ha/process/child_process.hpp>

#include "context.hpp"

namespace wholesale_ha::agents::openvz {

using ToolHandler = std::function<void(const process::Outcome&)>;

/// "vzctl start 101"
std::string command_line(const Tool& tool, const std::vector<std::string>& args);

/// Runs the tool with the context's environment; it is killed at `deadline` (a deadline
/// already past reports a timeout without running anything). `done` runs on the executor.
void run_tool(const Context& ctx, const Tool& tool, std::vector<std::string> args, Deadline deadline,
              ToolHandler done);

/// Reports `result` from the executor: handlers never run inside the call that started them.
void finish(const Context& ctx, Handler done, Outcome result);

/// The same for every tool: it could not be started (not_installed), it was killed at the
/// deadline (timed_out) or by a signal. nullopt when it exited by itself.
std::optional<Outcome> abnormal(const Tool& tool, const std::string& what, const process::Outcome& r);

/// "vzctl start 101: exit 79 (container action script returned an error): <what it said>"
std::string failure(const std::string& what, const process::Outcome& r, std::string_view meaning);

/// The last non-empty line of stderr, else of stdout.
std::string said(const process::Outcome& r);

/// Output quoted in a reason: one line, at most 160 characters.
std::string excerpt(std::string_view output);

}  // namespace wholesale_ha::agents::openvz
