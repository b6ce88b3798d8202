#pragma once
// One control-socket client: splits what it sends into lines, answers them, and closes it
// when it misbehaves (over-long line, idle too long, not allowed) — never anything more.

#include <array>
#include <memory>
#include <string>

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>

#include "control_socket.hpp"

namespace wha_node {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Socket = boost::asio::local::stream_protocol::socket;

  /// `who` names the peer in logs and refusals ("pid 12 uid 1000").
  Connection(Socket socket, std::shared_ptr<ControlSocket::Shared> shared, Access access, std::string who);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Serves requests (commands only with Access::full); counts against max_clients until the
  /// connection ends.
  void serve();
  /// Sends `message` as an error reply and closes, without reading a request.
  void refuse(const std::string& message);

 private:
  void read();
  void on_read(const boost::system::error_code& ec, std::size_t n);
  /// The replies to every complete line received; sets closing_ when the client must go.
  std::string answer_lines();
  std::string answer_line(std::string_view line);
  void write(std::string replies);
  void arm_timer(std::chrono::milliseconds timeout);
  void close();

  Socket socket_;
  boost::asio::steady_timer timer_;
  std::shared_ptr<ControlSocket::Shared> shared_;
  Access access_;
  std::string who_;
  bool counted_ = false;
  bool closing_ = false;   ///< the last reply is sent or on its way: only drain until EOF
  bool logged_bad_ = false;
  std::string pending_;    ///< received, not yet a complete line
  std::string out_;        ///< the replies being written
  std::array<char, 4096> chunk_{};
};

}  // namespace wha_node
