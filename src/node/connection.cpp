#include "connection.hpp"

#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include "replies.hpp"

namespace wha_node {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

/// After the last reply the client may still be writing: reading until EOF (for at most this
/// long) lets it read the reply instead of getting EPIPE.
constexpr auto linger = 1000ms;

}  // namespace

Connection::Connection(Socket socket, std::shared_ptr<ControlSocket::Shared> shared, Access access, std::string who)
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      shared_(std::move(shared)),
      access_(access),
      who_(std::move(who)) {}

Connection::~Connection() {
  if (counted_) --shared_->clients;
}

void Connection::serve() {
  counted_ = true;
  ++shared_->clients;
  arm_timer(client_idle_timeout);
  read();
}

void Connection::refuse(const std::string& message) {
  closing_ = true;
  arm_timer(linger);
  write(reply_line(error_reply(message)));
}

void Connection::read() {
  socket_.async_read_some(asio::buffer(chunk_), [self = shared_from_this()](const boost::system::error_code& ec,
                                                                           std::size_t n) { self->on_read(ec, n); });
}

void Connection::on_read(const boost::system::error_code& ec, std::size_t n) {
  if (ec) return close();  // EOF, reset, or closed by the timer
  if (closing_) return read();  // draining after the last reply
  try {
    pending_.append(chunk_.data(), n);
    std::string replies = answer_lines();
    if (replies.empty()) return read();
    write(std::move(replies));
  } catch (const std::exception& e) {
    // No exception may leave an I/O handler: this client goes, the daemon stays.
    shared_->log.error("control socket: dropping {}: {}", who_, e.what());
    close();
  }
}

std::string Connection::answer_lines() {
  // Every complete request already received is answered in one write: a client that sends
  // many requests at once gets its answers at once, and their broadcasts leave as one batch.
  std::string replies;
  std::size_t used = 0;
  for (std::size_t eol; !closing_ && (eol = pending_.find('\n', used)) != std::string::npos; used = eol + 1) {
    if (eol - used + 1 > max_request_bytes) break;
    replies += answer_line(std::string_view{pending_}.substr(used, eol - used));
  }
  pending_.erase(0, used);
  if (!closing_ && pending_.size() >= max_request_bytes) {
    // Too long to ever be a request; the rest of the stream cannot be trusted to be in step.
    shared_->log.warn("control socket: {} sent a request over {} bytes; closing", who_, max_request_bytes);
    replies += reply_line(error_reply(fmt::format(
        "request too long: the limit is {} bytes per line (newline included); closing the connection",
        max_request_bytes)));
    closing_ = true;
    pending_.clear();
  }
  return replies;
}

std::string Connection::answer_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  auto parsed = parse_request(line);
  if (auto* error = std::get_if<RequestError>(&parsed)) {
    if (!std::exchange(logged_bad_, true)) {  // one line per client: a flood of bad lines is not a flood of logs
      shared_->log.warn("control socket: bad request from {}: {}", who_, error->message);
    }
    return reply_line(error_reply(error->message));
  }
  const auto& request = std::get<Request>(parsed);
  if (access_ != Access::full && is_command(request)) {
    return reply_line(error_reply(fmt::format(
        "permission denied: {} may only ask for status (commands: root, the daemon's user and group {})", who_,
        shared_->policy.group)));
  }
  try {
    return reply_line(shared_->answer(request));
  } catch (const std::exception& e) {
    shared_->log.error("control socket: answering {} failed: {}", who_, e.what());
    return reply_line(error_reply(std::string{"internal error: "} + e.what()));
  }
}

void Connection::write(std::string replies) {
  out_ = std::move(replies);
  asio::async_write(socket_, asio::buffer(out_), [self = shared_from_this()](const boost::system::error_code& ec,
                                                                            std::size_t) {
    if (ec) return self->close();
    if (self->closing_) {
      boost::system::error_code ignored;
      self->socket_.shutdown(Socket::shutdown_send, ignored);
      self->arm_timer(linger);
    } else {
      self->arm_timer(client_idle_timeout);
    }
    self->read();
  });
}

void Connection::arm_timer(std::chrono::milliseconds timeout) {
  timer_.expires_after(timeout);
  timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    if (ec) return;  // re-armed or cancelled
    if (auto self = weak.lock()) self->close();
  });
}

void Connection::close() {
  boost::system::error_code ignored;
  timer_.cancel();
  socket_.close(ignored);  // pending reads and writes end with operation_aborted
}

}  // namespace wha_node
