#pragma once
// The control socket's file: its path checked, a stale one replaced but a live one left alone
// (a second wha-node on the same path refuses to start), created with an explicit mode and
// group before anyone can connect.

#include <optional>
#include <string>

#include <sys/types.h>

namespace wha_node {

/// sun_path holds 108 bytes, the terminating NUL included.
inline constexpr std::size_t max_socket_path_bytes = 107;

/// What can be said about a path without touching the filesystem; nullopt when fine.
[[nodiscard]] std::optional<std::string> check_socket_path(const std::string& path);

/// A listening socket at `path` owned by this process.
struct SocketFile {
  int fd = -1;
};

/// Creates the listening socket, or says why not: missing directory, path too long, a live
/// daemon already answering there, something that is not a socket in the way, a bind, chown
/// or chmod failure. A socket file nobody listens on (left by a crash) is replaced.
[[nodiscard]] std::optional<SocketFile> create_socket_file(const std::string& path, mode_t mode, gid_t group,
                                                           std::string& error);

/// Removes the socket file at `path` if this process is the one listening on it (call it
/// before closing the listening socket): whatever replaced it in the meantime stays.
void remove_own_socket_file(const std::string& path);

}  // namespace wha_node
