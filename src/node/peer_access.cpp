#include "peer_access.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <sys/socket.h>

namespace wha_node {

Access access_for(const PeerCredentials& peer, const AccessPolicy& policy) {
  const bool member = peer.gid == policy.group || std::ranges::find(peer.groups, policy.group) != peer.groups.end();
  if (peer.uid == 0 || peer.uid == policy.owner || member) return Access::full;
  return policy.readonly_others ? Access::read : Access::none;
}

bool peer_credentials(int fd, PeerCredentials& peer, std::string& error) {
  ucred cred{};
  socklen_t length = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) != 0) {
    error = std::string{"SO_PEERCRED: "} + std::strerror(errno);
    return false;
  }
  peer.pid = cred.pid;
  peer.uid = cred.uid;
  peer.gid = cred.gid;
  // The supplementary groups as the kernel saw them at connect(): no group database lookup
  // (which could block the event loop on NSS) and no race with a changed /etc/group.
  peer.groups.assign(64, 0);
  for (int attempt = 0; attempt < 3; ++attempt) {
    length = static_cast<socklen_t>(peer.groups.size() * sizeof(gid_t));
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, peer.groups.data(), &length) == 0) {
      peer.groups.resize(length / sizeof(gid_t));
      return true;
    }
    if (errno != ERANGE) break;
    peer.groups.resize(length / sizeof(gid_t) + 1);  // the kernel said how much it needs
  }
  error = std::string{"SO_PEERGROUPS: "} + std::strerror(errno);
  return false;
}

}  // namespace wha_node
