// Who may use wha-node's control socket.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include "peer_access.hpp"

namespace wha_node {
namespace {

TEST(WhaNodePeerAccess, RootOwnerAndGroupMayCommand) {
  const AccessPolicy policy{.owner = 500, .group = 600, .readonly_others = false};
  EXPECT_EQ(access_for({.uid = 0, .gid = 1}, policy), Access::full);
  EXPECT_EQ(access_for({.uid = 500, .gid = 1}, policy), Access::full);
  EXPECT_EQ(access_for({.uid = 1000, .gid = 600}, policy), Access::full);
  EXPECT_EQ(access_for({.uid = 1000, .gid = 1000, .groups = {27, 600}}, policy), Access::full);
}

TEST(WhaNodePeerAccess, OthersAreRefusedOrReadOnly) {
  AccessPolicy policy{.owner = 500, .group = 600, .readonly_others = false};
  const PeerCredentials other{.uid = 1000, .gid = 1000, .groups = {27}};
  EXPECT_EQ(access_for(other, policy), Access::none);
  policy.readonly_others = true;
  EXPECT_EQ(access_for(other, policy), Access::read);
}

TEST(WhaNodePeerAccess, ReadsThisProcessAsPeer) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  PeerCredentials peer;
  std::string error;
  EXPECT_TRUE(peer_credentials(fds[0], peer, error)) << error;
  EXPECT_EQ(peer.pid, ::getpid());
  EXPECT_EQ(peer.uid, ::geteuid());
  EXPECT_EQ(peer.gid, ::getegid());
  ::close(fds[0]);
  ::close(fds[1]);
}

}  // namespace
}  // namespace wha_node
