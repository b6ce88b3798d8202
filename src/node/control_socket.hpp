#pragma once
// wha-node's Unix socket for wha-mon: one JSON request per line, one JSON answer per line
// (request.hpp lists the requests). Whatever a client sends ends at most its own connection:
// malformed lines get an error reply, an over-long line an error naming the limit and the
// connection closed; too many clients are refused with a message; accept failures (EMFILE)
// back off and re-arm. Peers are checked with SO_PEERCRED (peer_access.hpp).

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include <wholesale_ha/log.hpp>

#include "peer_access.hpp"
#include "request.hpp"
#include "socket_file.hpp"

namespace wha_node {

/// Connections served at once; one more is told so and closed.
inline constexpr std::size_t max_clients = 32;
/// A connection with no complete request (or an unread reply) for this long is closed, so that
/// idle clients cannot hold every slot.
inline constexpr std::chrono::seconds client_idle_timeout{60};

class ControlSocket {
 public:
  using Answer = std::function<nlohmann::json(const Request&)>;

  /// Serves on `file` (from create_socket_file) and removes it again on destruction.
  ControlSocket(boost::asio::io_context& io, std::string path, SocketFile file, AccessPolicy policy, Answer answer,
                wholesale_ha::Logger log);
  ~ControlSocket();
  ControlSocket(const ControlSocket&) = delete;
  ControlSocket& operator=(const ControlSocket&) = delete;

  /// Shared with the connections, which may outlive this object until the io_context goes.
  struct Shared {
    AccessPolicy policy;
    Answer answer;
    wholesale_ha::Logger log;
    std::size_t clients = 0;
  };

 private:
  void accept();
  void accept_failed(const boost::system::error_code& ec);
  void admit(boost::asio::local::stream_protocol::socket socket);

  std::string path_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  boost::asio::steady_timer retry_;
  std::chrono::milliseconds backoff_{0};
  std::shared_ptr<Shared> shared_;
};

}  // namespace wha_node
