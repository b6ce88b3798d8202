#pragma once
// wha-node's own configuration (JSON): where the cluster description is, how this node joins
// the cluster, fences, logs and answers wha-mon.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "default_socket.hpp"

namespace wha_node {

struct FencingConfig {
  std::string type = "none";  ///< "command", "self" or "none"
  std::string program;        ///< command: the program; "{node}" in args is the node
  std::vector<std::string> args{"{node}"};
  std::chrono::milliseconds deadline{10'000};  ///< self: how long survivors wait
};

/// Guests driven through libvirt: the URI of every node's hypervisor.
struct LibvirtConfig {
  bool enabled = false;
  std::map<std::string, std::string> node_uris;  ///< as this daemon reaches each hypervisor
  std::map<std::string, std::string> peer_uris;  ///< as a source hypervisor reaches the target
};

struct NodeConfig {
  std::string cluster_file;  ///< the cluster description every node shares
  std::string socket = wha_cli::kDefaultSocket;  ///< wha-mon's Unix socket
  mode_t socket_mode = 0660;
  std::optional<gid_t> socket_group;  ///< may send commands; unset: the daemon's own group
  bool socket_readonly_others = false;  ///< others may read status (if the mode lets them connect)
  std::string log_file;      ///< empty: stderr
  std::string group = "wholesale_ha";
  std::string health_file;   ///< health probes of this node (docs/health.md); empty: none
  FencingConfig fencing;
  LibvirtConfig libvirt;
  std::string ocf_root = "/usr/lib/ocf";
  std::string ocf_state_dir = "/run/resource-agents";
  std::chrono::milliseconds startup_grace{15'000};
  std::chrono::milliseconds sync_timeout{10'000};
  /// How long SIGTERM waits for this node's resources to move away before it gives up and
  /// stops anyway (the others then treat the node as lost and fence it).
  std::chrono::milliseconds leave_timeout{300'000};
  /// What SIGTERM means for the shutdown policies: "poweroff", "reboot", or "auto" (ask
  /// systemd whether a reboot is queued).
  std::string shutdown_kind = "auto";
  /// Where metrics are served over HTTP (GET /metrics): an address and port such as
  /// "127.0.0.1:9464" or "[::1]:9464". Unset: no metrics endpoint.
  struct Listen {
    std::string address;
    std::uint16_t port = 0;
  };
  std::optional<Listen> metrics;
};

/// "127.0.0.1:9464", "[::1]:9464" -> address and port; nullopt with `error` set otherwise.
std::optional<NodeConfig::Listen> parse_listen(const std::string& text, std::string& error);

/// Reads and checks the file; on failure, nullopt and `errors` says what and where.
std::optional<NodeConfig> load_node_config(const std::string& path, std::vector<std::string>& errors);

}  // namespace wha_node
