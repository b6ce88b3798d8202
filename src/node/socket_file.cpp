#include "socket_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <fmt/format.h>

namespace wha_node {

namespace {

static_assert(sizeof(sockaddr_un::sun_path) == max_socket_path_bytes + 1);

std::string problem(const std::string& what, const std::string& path) {
  return fmt::format("{} {}: {}", what, path, std::strerror(errno));
}

sockaddr_un address(const std::string& path) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::memcpy(a.sun_path, path.data(), path.size());
  return a;
}

/// Closes a descriptor when it goes out of scope unless released.
struct FdGuard {
  int fd;
  ~FdGuard() {
    if (fd >= 0) ::close(fd);
  }
  int release() { return std::exchange(fd, -1); }
};

/// The socket's directory exists and is one; nullopt when fine.
std::optional<std::string> check_directory(const std::string& path) {
  const auto parent = std::filesystem::path{path}.parent_path();
  const std::string dir = parent.empty() ? "." : parent.string();
  struct stat st{};
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) return fmt::format("the socket's directory {} does not exist", dir);
    return problem("cannot use the socket's directory", dir);
  }
  if (!S_ISDIR(st.st_mode)) return fmt::format("{} (the socket's directory) is not a directory", dir);
  return std::nullopt;
}

/// Makes room at `path`: a socket nobody listens on is removed; a live socket or anything
/// else is left alone and reported.
std::optional<std::string> clear_path(const std::string& path) {
  struct stat st{};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::nullopt;
    return problem("cannot check", path);
  }
  if (!S_ISSOCK(st.st_mode)) return fmt::format("{} exists and is not a socket; not removing it", path);
  FdGuard probe{::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)};
  if (probe.fd < 0) return problem("cannot create a socket to probe", path);
  const sockaddr_un a = address(path);
  // EAGAIN: a listener whose backlog is full is still a live listener.
  if (::connect(probe.fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0 || errno == EAGAIN) {
    return fmt::format("another process (a running wha-node?) answers on {}; not starting a second daemon there",
                       path);
  }
  if (errno != ECONNREFUSED) return problem("cannot check who listens on", path);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return problem("cannot remove the stale socket", path);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> check_socket_path(const std::string& path) {
  if (path.empty()) return "the socket path is empty";
  if (path.find('\0') != std::string::npos) return "the socket path contains a NUL character";
  if (path.size() > max_socket_path_bytes) {
    return fmt::format("the socket path is {} bytes long; a Unix socket path can be at most {} bytes", path.size(),
                       max_socket_path_bytes);
  }
  return std::nullopt;
}

std::optional<SocketFile> create_socket_file(const std::string& path, mode_t mode, gid_t group, std::string& error) {
  auto found = check_socket_path(path);
  if (!found) found = check_directory(path);
  if (!found) found = clear_path(path);
  if (found) {
    error = *found;
    return std::nullopt;
  }
  FdGuard fd{::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (fd.fd < 0) {
    error = problem("cannot create a socket for", path);
    return std::nullopt;
  }
  const sockaddr_un a = address(path);
  if (::bind(fd.fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
    error = problem("cannot bind", path);
    return std::nullopt;
  }
  // Nobody can connect before listen(): mode and group are right before the first client.
  const auto fail = [&](const char* what) {
    error = problem(what, path);
    ::unlink(path.c_str());
    return std::nullopt;
  };
  if (::chown(path.c_str(), static_cast<uid_t>(-1), group) != 0) return fail("cannot set the group of");
  if (::chmod(path.c_str(), mode) != 0) return fail("cannot set the mode of");
  if (::listen(fd.fd, SOMAXCONN) != 0) return fail("cannot listen on");
  return SocketFile{fd.release()};
}

void remove_own_socket_file(const std::string& path) {
  // Inode numbers are reused at once on tmpfs, so identity is checked by asking the listener:
  // SO_PEERCRED on a connected client names the process that called listen().
  FdGuard probe{::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)};
  if (probe.fd < 0 || check_socket_path(path)) return;
  const sockaddr_un a = address(path);
  if (::connect(probe.fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) return;
  ucred cred{};
  socklen_t length = sizeof cred;
  if (::getsockopt(probe.fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) == 0 && cred.pid == ::getpid()) {
    ::unlink(path.c_str());
  }
}

}  // namespace wha_node
