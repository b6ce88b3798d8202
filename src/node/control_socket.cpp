#include "control_socket.hpp"

#include <algorithm>

#include <unistd.h>

#include <fmt/format.h>

#include "connection.hpp"

namespace wha_node {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Socket = asio::local::stream_protocol::socket;

namespace {

constexpr auto backoff_min = 50ms;
constexpr auto backoff_max = 2000ms;

}  // namespace

ControlSocket::ControlSocket(asio::io_context& io, std::string path, SocketFile file, AccessPolicy policy,
                             Answer answer, wholesale_ha::Logger log)
    : path_(std::move(path)),
      acceptor_(io, asio::local::stream_protocol{}, file.fd),
      retry_(io),
      shared_(std::make_shared<Shared>(Shared{policy, std::move(answer), std::move(log)})) {
  accept();
}

ControlSocket::~ControlSocket() {
  remove_own_socket_file(path_);  // while still listening: that is how it is recognised
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  retry_.cancel();
}

void ControlSocket::accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, Socket socket) {
    if (ec == asio::error::operation_aborted) return;  // closing: `this` may be gone
    if (ec) return accept_failed(ec);
    backoff_ = 0ms;
    try {
      admit(std::move(socket));
    } catch (const std::exception& e) {
      shared_->log.error("control socket: dropping a new client: {}", e.what());
    }
    accept();
  });
}

void ControlSocket::accept_failed(const boost::system::error_code& ec) {
  // EMFILE and friends leave the client in the backlog, so retrying at once would spin: wait,
  // then accept again. Accepting never stops for good.
  backoff_ = backoff_ == 0ms ? backoff_min : std::min(backoff_ * 2, std::chrono::milliseconds{backoff_max});
  shared_->log.warn("control socket: accept failed ({}); retrying in {}ms", ec.message(), backoff_.count());
  retry_.expires_after(backoff_);
  retry_.async_wait([this](const boost::system::error_code& wec) {
    if (!wec) accept();  // cancelled means closing
  });
}

void ControlSocket::admit(Socket socket) {
  PeerCredentials peer;
  std::string error;
  Access access = Access::none;
  std::string who = "a client";
  if (peer_credentials(socket.native_handle(), peer, error)) {
    access = access_for(peer, shared_->policy);
    who = fmt::format("pid {} uid {}", peer.pid, peer.uid);
  } else {
    shared_->log.warn("control socket: {}; treating the client as unknown", error);
  }
  auto connection = std::make_shared<Connection>(std::move(socket), shared_, access, who);
  if (access == Access::none) {
    // Refused at once, so that peers who may not use the socket never hold a client slot.
    shared_->log.warn("control socket: refused {} (not root, the daemon's user or in group {})", who,
                      shared_->policy.group);
    connection->refuse(fmt::format("permission denied: {} may not use this socket (root, the daemon's user and "
                                   "group {} may; \"socket_readonly_others\" would allow status)",
                                   who, shared_->policy.group));
    return;
  }
  if (shared_->clients >= max_clients) {
    shared_->log.warn("control socket: refusing a client: {} are connected already", max_clients);
    connection->refuse(fmt::format("too many clients: at most {} at once; try again later", max_clients));
    return;
  }
  connection->serve();
}

}  // namespace wha_node
