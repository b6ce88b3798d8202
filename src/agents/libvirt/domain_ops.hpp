#pragma once
// The blocking libvirt calls behind each agent operation. Run on worker threads only.

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <wholesale_ha/agents/agent.hpp>
#include <wholesale_ha/libvirt/backend.hpp>

#include "handles.hpp"

namespace wholesale_ha::agents::libvirt {

struct DomainSpec {
  std::string name;
  std::string xml;  ///< empty: the domain must already be defined on the host
  bool persistent = false;
  std::chrono::milliseconds shutdown_timeout{30'000};
};

struct MigrationSpec {
  std::string peer_uri;       ///< the destination libvirtd as seen by the source daemon
  std::string migration_uri;  ///< where memory goes ("tcp://127.0.0.1"), may be empty
  std::uint64_t bandwidth_mib = 0;
  bool auto_converge = false;
  bool postcopy = false;
  bool persistent = false;
};

/// Looks `name` up; null (and `missing` true) when the host does not have it.
Domain find(const Connect& conn, const std::string& name, bool& missing, std::string& error);

Outcome start_domain(const Connect& conn, const DomainSpec& spec);
/// Graceful shutdown, then destroy when `shutdown_timeout` passes (or `deadline` nears).
Outcome stop_domain(const Connect& conn, const DomainSpec& spec, std::chrono::steady_clock::time_point deadline);
Outcome domain_status(const Connect& conn, const std::string& name);

/// Peer-to-peer live migration with virDomainMigrateToURI3. `abort` set from another thread
/// makes the caller abort the job (virDomainAbortJob) — see abort_job.
Outcome migrate_domain(const Domain& dom, const MigrationSpec& spec);
void abort_job(const Domain& dom);
/// One sample of the running job; nullopt when no job runs.
std::optional<MigrationProgress> job_progress(const Domain& dom, bool completed);

/// Cold migration through shared storage.
Outcome save_domain(const Domain& dom, const std::string& path);
Outcome restore_domain(const Connect& conn, const std::string& path);

}  // namespace wholesale_ha::agents::libvirt
