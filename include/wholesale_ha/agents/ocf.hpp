#pragma once
// The "ocf" backend: runs real OCF resource agents (the Debian resource-agents package, or
// your own) with the OCF environment, honouring their exit codes and meta-data.
// A resource's `type` is "provider:agent" (e.g. "heartbeat:Dummy"); its params become
// OCF_RESKEY_* variables and are checked against the agent's meta-data at config load.

#include <filesystem>
#include <memory>

#include <wholesale_ha/agents/registry.hpp>

namespace wholesale_ha::agents {

struct OcfOptions {
  std::filesystem::path ocf_root = "/usr/lib/ocf";
  /// HA_RSCTMP: where agents keep state files.
  std::filesystem::path state_dir = "/run/resource-agents";
  /// Give each node its own state_dir/<node> subdirectory. Needed when several simulated
  /// nodes share one machine (the in-process cluster): otherwise an agent on one "node" sees
  /// another node's instance as its own.
  bool per_node_state = false;
};

std::shared_ptr<Backend> make_ocf_backend(OcfOptions options = {});

}  // namespace wholesale_ha::agents
