#pragma once
// Whether SIGTERM means a reboot or a power-off, for `conditional` shutdown policies.

#include <string_view>

#include <wholesale_ha/model/status.hpp>

namespace wha_node {

/// From `systemctl list-jobs` output: a queued reboot.target or kexec.target job is a reboot;
/// anything else (poweroff, halt, the daemon stopped alone) a power-off.
wholesale_ha::model::ShutdownKind shutdown_kind_from_jobs(std::string_view jobs);

/// Asks systemd (at most two seconds); without systemd, a power-off.
wholesale_ha::model::ShutdownKind detect_shutdown_kind();

}  // namespace wha_node
