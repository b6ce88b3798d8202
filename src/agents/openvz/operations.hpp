#pragma once
// The agent's operations as asynchronous flows of tool runs. Each holds the context by
// shared pointer and finishes by calling `done` once, on the context's executor.

#include <functional>
#include <memory>
#include <string>
#include <variant>

#include <wholesale_ha/agents/agent.hpp>

#include "container_state.hpp"
#include "context.hpp"

namespace wholesale_ha::agents::openvz {

using Ctx = std::shared_ptr<const Context>;

/// `vzctl status` / `prlctl status`, parsed; a Outcome when the tool failed or said something
/// unexpected.
using StateOrError = std::variant<ContainerState, Outcome>;
void query_state(const Ctx& ctx, Deadline deadline, std::function<void(StateOrError)> done);

void start(const Ctx& ctx, Deadline deadline, Handler done);
void stop(const Ctx& ctx, Deadline deadline, Handler done);
void monitor(const Ctx& ctx, Deadline deadline, Handler done);
void migrate_to(const Ctx& ctx, const std::string& target_node, Deadline deadline, Handler done);
void migrate_from(const Ctx& ctx, const std::string& source_node, Deadline deadline, Handler done);

/// How a failed vzctl run is reported: by exit code, where "bad CT ID" for a container given
/// by name means it is not on this node.
Status vzctl_failure_status(const Context& ctx, int exit_code);

}  // namespace wholesale_ha::agents::openvz
