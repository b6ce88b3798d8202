#include "domain_ops.hpp"

#include <filesystem>
#include <thread>

#include <fmt/format.h>

namespace wholesale_ha::agents::libvirt {
namespace {

using namespace std::chrono_literals;

int state_of(const Domain& dom, int& reason) {
  int state = -1;
  if (virDomainGetState(dom.get(), &state, &reason, 0) < 0) return -1;
  return state;
}

const char* state_name(int state) {
  switch (state) {
    case VIR_DOMAIN_NOSTATE: return "no state";
    case VIR_DOMAIN_RUNNING: return "running";
    case VIR_DOMAIN_BLOCKED: return "blocked";
    case VIR_DOMAIN_PAUSED: return "paused";
    case VIR_DOMAIN_SHUTDOWN: return "shutting down";
    case VIR_DOMAIN_SHUTOFF: return "shut off";
    case VIR_DOMAIN_CRASHED: return "crashed";
    case VIR_DOMAIN_PMSUSPENDED: return "suspended by guest power management";
    default: return "unknown";
  }
}

/// Waits until the domain runs (a start returns before QEMU is fully up on some drivers).
Outcome wait_running(const Connect& conn, const std::string& name, const std::string& how) {
  for (int i = 0; i < 100; ++i) {
    Outcome r = domain_status(conn, name);
    if (r.ok()) return {Status::success, how};
    if (r.status != Status::not_running) return r;
    std::this_thread::sleep_for(50ms);
  }
  return {Status::error_generic, fmt::format("domain {} did not come up after {}", name, how)};
}

}  // namespace

Domain find(const Connect& conn, const std::string& name, bool& missing, std::string& error) {
  missing = false;
  virDomainPtr raw = virDomainLookupByName(conn.get(), name.c_str());
  if (raw != nullptr) return adopt(raw);
  if (last_error_code() == VIR_ERR_NO_DOMAIN) {
    missing = true;
  } else {
    error = last_error();
  }
  return nullptr;
}

Outcome domain_status(const Connect& conn, const std::string& name) {
  bool missing = false;
  std::string error;
  Domain dom = find(conn, name, missing, error);
  if (missing) return {Status::not_running, fmt::format("domain {} is not on this host", name)};
  if (!dom) return {Status::error_generic, fmt::format("cannot look up domain {}: {}", name, error)};
  int reason = 0;
  const int state = state_of(dom, reason);
  switch (state) {
    case VIR_DOMAIN_RUNNING:
    case VIR_DOMAIN_BLOCKED:
    case VIR_DOMAIN_PAUSED:  // paused by a migration or an operator: still ours, still alive
    case VIR_DOMAIN_SHUTDOWN:
    case VIR_DOMAIN_PMSUSPENDED:
      return {Status::success, fmt::format("domain {} is {}", name, state_name(state))};
    case VIR_DOMAIN_SHUTOFF:
      if (reason == VIR_DOMAIN_SHUTOFF_CRASHED || reason == VIR_DOMAIN_SHUTOFF_FAILED) {
        return {Status::error_generic, fmt::format("domain {} crashed", name)};
      }
      return {Status::not_running, fmt::format("domain {} is shut off", name)};
    case VIR_DOMAIN_CRASHED:
      return {Status::error_generic, fmt::format("domain {} crashed", name)};
    default:
      return {Status::error_generic,
              fmt::format("cannot read the state of domain {}: {}", name, last_error())};
  }
}

Outcome start_domain(const Connect& conn, const DomainSpec& spec) {
  bool missing = false;
  std::string error;
  Domain dom = find(conn, spec.name, missing, error);
  if (!dom && !missing) return {Status::error_generic, fmt::format("cannot look up {}: {}", spec.name, error)};
  if (dom) {
    int reason = 0;
    if (state_of(dom, reason) != VIR_DOMAIN_SHUTOFF) return domain_status(conn, spec.name);
    if (virDomainCreate(dom.get()) < 0) {
      return {Status::error_generic, fmt::format("cannot start domain {}: {}", spec.name, last_error())};
    }
    return wait_running(conn, spec.name, "started its definition");
  }
  if (spec.xml.empty()) {
    return {Status::not_configured,
            fmt::format("domain {} is not defined on this host and the resource has no xml", spec.name)};
  }
  if (spec.persistent) {
    Domain defined = adopt(virDomainDefineXML(conn.get(), spec.xml.c_str()));
    if (!defined) return {Status::not_configured, fmt::format("cannot define {}: {}", spec.name, last_error())};
    if (virDomainCreate(defined.get()) < 0) {
      return {Status::error_generic, fmt::format("cannot start domain {}: {}", spec.name, last_error())};
    }
    return wait_running(conn, spec.name, "defined and started");
  }
  Domain created = adopt(virDomainCreateXML(conn.get(), spec.xml.c_str(), 0));
  if (!created) {
    return {Status::error_generic, fmt::format("cannot create domain {}: {}", spec.name, last_error())};
  }
  return wait_running(conn, spec.name, "created");
}

Outcome stop_domain(const Connect& conn, const DomainSpec& spec,
                    std::chrono::steady_clock::time_point deadline) {
  bool missing = false;
  std::string error;
  Domain dom = find(conn, spec.name, missing, error);
  if (missing) return {Status::success, fmt::format("domain {} is not on this host", spec.name)};
  if (!dom) return {Status::error_generic, fmt::format("cannot look up {}: {}", spec.name, error)};
  int reason = 0;
  if (state_of(dom, reason) == VIR_DOMAIN_SHUTOFF) return {Status::success, "already shut off"};
  // Leave a little of the operation's time for destroy.
  const auto graceful_until =
      std::min(std::chrono::steady_clock::now() + spec.shutdown_timeout, deadline - 1s);
  if (virDomainShutdown(dom.get()) == 0) {
    while (std::chrono::steady_clock::now() < graceful_until) {
      std::this_thread::sleep_for(100ms);
      bool gone = false;
      Domain again = find(conn, spec.name, gone, error);
      if (gone || (again && state_of(again, reason) == VIR_DOMAIN_SHUTOFF)) {
        return {Status::success, "shut down gracefully"};
      }
    }
  }
  if (virDomainDestroy(dom.get()) < 0 && last_error_code() != VIR_ERR_OPERATION_INVALID) {
    return {Status::error_generic, fmt::format("cannot destroy domain {}: {}", spec.name, last_error())};
  }
  return {Status::success, "destroyed after the graceful shutdown timed out"};
}

Outcome migrate_domain(const Domain& dom, const MigrationSpec& spec) {
  virTypedParameterPtr params = nullptr;
  int count = 0;
  int max = 0;
  if (!spec.migration_uri.empty()) {
    virTypedParamsAddString(&params, &count, &max, VIR_MIGRATE_PARAM_URI, spec.migration_uri.c_str());
  }
  if (spec.bandwidth_mib > 0) {
    virTypedParamsAddULLong(&params, &count, &max, VIR_MIGRATE_PARAM_BANDWIDTH, spec.bandwidth_mib);
  }
  unsigned flags = VIR_MIGRATE_LIVE | VIR_MIGRATE_PEER2PEER;
  if (spec.persistent) flags |= VIR_MIGRATE_PERSIST_DEST | VIR_MIGRATE_UNDEFINE_SOURCE;
  if (spec.auto_converge) flags |= VIR_MIGRATE_AUTO_CONVERGE;
  if (spec.postcopy) flags |= VIR_MIGRATE_POSTCOPY;
  const int rc = virDomainMigrateToURI3(dom.get(), spec.peer_uri.c_str(), params,
                                        static_cast<unsigned>(count), flags);
  std::string error = rc < 0 ? last_error() : std::string{};
  virTypedParamsFree(params, count);
  if (rc < 0) {
    return {Status::error_generic,
            fmt::format("live migration failed ({}); the guest stays on the source", error)};
  }
  return {Status::success, "live migration complete"};
}

void abort_job(const Domain& dom) { virDomainAbortJob(dom.get()); }

std::optional<MigrationProgress> job_progress(const Domain& dom, bool completed) {
  virTypedParameterPtr params = nullptr;
  int count = 0;
  int type = 0;
  if (virDomainGetJobStats(dom.get(), &type, &params, &count,
                           completed ? VIR_DOMAIN_JOB_STATS_COMPLETED : 0) < 0) {
    return std::nullopt;
  }
  std::optional<MigrationProgress> out;
  if (type != VIR_DOMAIN_JOB_NONE) {
    MigrationProgress p;
    unsigned long long value = 0;
    auto get = [&](const char* field) {
      value = 0;
      virTypedParamsGetULLong(params, count, field, &value);
      return static_cast<std::uint64_t>(value);
    };
    p.elapsed_ms = get(VIR_DOMAIN_JOB_TIME_ELAPSED);
    p.memory_total = get(VIR_DOMAIN_JOB_MEMORY_TOTAL);
    p.memory_processed = get(VIR_DOMAIN_JOB_MEMORY_PROCESSED);
    p.memory_remaining = get(VIR_DOMAIN_JOB_MEMORY_REMAINING);
    p.downtime_ms = get(VIR_DOMAIN_JOB_DOWNTIME);
    p.complete = completed;
    p.at = std::chrono::steady_clock::now();
    if (p.memory_total > 0) {
      p.percent = completed ? 100.0
                            : 100.0 * static_cast<double>(p.memory_total - p.memory_remaining) /
                                  static_cast<double>(p.memory_total);
    }
    out = p;
  }
  virTypedParamsFree(params, count);
  return out;
}

Outcome save_domain(const Domain& dom, const std::string& path) {
  if (virDomainSave(dom.get(), path.c_str()) < 0) {
    return {Status::error_generic, fmt::format("cannot save the guest to {}: {}", path, last_error())};
  }
  return {Status::success, "saved to " + path};
}

Outcome restore_domain(const Connect& conn, const std::string& path) {
  if (virDomainRestore(conn.get(), path.c_str()) < 0) {
    return {Status::error_generic, fmt::format("cannot restore the guest from {}: {}", path, last_error())};
  }
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
  return {Status::success, "restored from " + path};
}

}  // namespace wholesale_ha::agents::libvirt
