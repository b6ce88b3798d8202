#pragma once
// What the tools' exit codes mean, from their EXIT STATUS sections (vzctl(8), vzmigrate(8)),
// and how the agent reports them in OCF terms.

#include <string_view>

#include <wholesale_ha/agents/agent.hpp>

namespace wholesale_ha::agents::openvz {

/// "container already running", ...; empty for a code the manual does not list.
std::string_view vzctl_meaning(int code) noexcept;
std::string_view vzmigrate_meaning(int code) noexcept;

/// vzctl codes that mean "this node cannot run it" rather than "it failed": OpenVZ missing
/// (not_installed), the container missing here (not_installed, so the policy tries another
/// node), permission, usage.
Status vzctl_status(int code) noexcept;

/// Exit codes of vzctl meaning the container is not on this node.
bool vzctl_container_missing(int code) noexcept;

}  // namespace wholesale_ha::agents::openvz
