#pragma once
// The "openvz" backend (target wholesale_ha::openvz): one agent manages a whole OpenVZ or
// Virtuozzo container through the vendor's command-line tools — vzctl and vzmigrate for
// OpenVZ, prlctl for Virtuozzo 7. Untested on a real OpenVZ/Virtuozzo host: tested only
// against stand-ins built from the tools' documentation (docs/openvz.md).
//
// Resource parameters (docs/openvz.md):
//   ctid                  required; numeric CT ID or container name
//   migrate_online        "true" (default): live migration (vzmigrate --online); "false": the
//                         container is stopped, moved and started again
//   migration             "vzmigrate" (default; prlctl migrate for Virtuozzo) or "checkpoint"
//                         (OpenVZ only: vzctl chkpnt on the source, vzctl restore on the
//                         target, for containers on storage every node shares)
//   chkpnt_dir            the dump directory for migration "checkpoint", on shared storage
//   stop_timeout          how long a clean stop may take before a fast stop (default: half the
//                         stop operation's timeout)
//   target_address.<node> the address vzmigrate/prlctl use to reach <node>, overriding the
//                         backend's node_addresses (default: the node name)

#include <map>
#include <memory>
#include <string>

#include <wholesale_ha/agents/registry.hpp>

namespace wholesale_ha::agents {

enum class OpenvzFlavour {
  openvz,     ///< vzctl start|stop|status|chkpnt|restore, vzmigrate
  virtuozzo,  ///< prlctl start|stop|status|migrate (Virtuozzo 7)
};

struct OpenvzOptions {
  OpenvzFlavour flavour = OpenvzFlavour::openvz;
  /// Paths or bare names (looked up in PATH).
  std::string vzctl = "vzctl";
  std::string vzmigrate = "vzmigrate";
  std::string prlctl = "prlctl";
  /// node → the address the migration tools reach it at (ssh for vzmigrate, the dispatcher
  /// for prlctl). A node missing here is reached by its name.
  std::map<std::string, std::string> node_addresses;
  /// node → environment added to every tool run by that node's agents. Simulated nodes of an
  /// in-process cluster use it to give each node its own stand-in state.
  std::map<std::string, std::map<std::string, std::string>> node_env;
};

std::shared_ptr<Backend> make_openvz_backend(OpenvzOptions options = {});

}  // namespace wholesale_ha::agents
