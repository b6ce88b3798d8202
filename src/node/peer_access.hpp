#pragma once
// Who may do what on the control socket, from the peer's kernel-reported credentials
// (SO_PEERCRED, SO_PEERGROUPS): root, the daemon's own user and members of the socket's group
// may send commands; anyone else gets read-only status if the node config allows it.

#include <string>
#include <vector>

#include <sys/types.h>

namespace wha_node {

enum class Access { none, read, full };

struct AccessPolicy {
  uid_t owner = 0;               ///< the daemon's effective user
  gid_t group = 0;               ///< the socket file's group
  bool readonly_others = false;  ///< "socket_readonly_others"
};

struct PeerCredentials {
  pid_t pid = 0;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  ///< supplementary groups at connect time
};

[[nodiscard]] Access access_for(const PeerCredentials& peer, const AccessPolicy& policy);

/// The credentials of the process at the other end of a connected Unix socket; false and
/// `error` set if the kernel would not say.
[[nodiscard]] bool peer_credentials(int fd, PeerCredentials& peer, std::string& error);

}  // namespace wha_node
