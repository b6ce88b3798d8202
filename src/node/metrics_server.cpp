#include "metrics_server.hpp"

#include <chrono>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace wha_node {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kMaxConnections = 16;
constexpr std::uint32_t kMaxHeader = 8 * 1024;
constexpr auto kRequestTimeout = std::chrono::seconds{10};

}  // namespace

struct MetricsServer::Impl : std::enable_shared_from_this<MetricsServer::Impl> {
  Impl(asio::io_context& io, Render r, wholesale_ha::Logger l) : acceptor(io), render(std::move(r)), log(std::move(l)) {}

  tcp::acceptor acceptor;
  Render render;
  wholesale_ha::Logger log;
  std::size_t connections = 0;
  bool stopped = false;

  void accept();
  void serve(std::shared_ptr<beast::tcp_stream> stream);
};

namespace {

/// One connection: requests in turn while the client keeps it alive.
struct Session : std::enable_shared_from_this<Session> {
  Session(std::shared_ptr<MetricsServer::Impl> s, tcp::socket socket) : server(std::move(s)), stream(std::move(socket)) {}
  ~Session() { --server->connections; }

  std::shared_ptr<MetricsServer::Impl> server;
  beast::tcp_stream stream;
  beast::flat_buffer buffer{kMaxHeader};
  std::optional<http::request_parser<http::empty_body>> parser;
  http::response<http::string_body> response;

  void read() {
    parser.emplace();
    parser->header_limit(kMaxHeader);
    parser->body_limit(0);  // a scrape sends no body
    stream.expires_after(kRequestTimeout);
    http::async_read(stream, buffer, *parser, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_read(ec);
    });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted || ec == beast::error::timeout) {
      return close();
    }
    if (ec) {
      // Malformed, too large or a body: say so once, then close.
      return reply(http::status::bad_request, "text/plain; charset=utf-8", "bad request: " + ec.message() + "\n",
                   false);
    }
    const auto& request = parser->get();
    const bool keep_alive = request.keep_alive();
    if (request.method() != http::verb::get && request.method() != http::verb::head) {
      return reply(http::status::method_not_allowed, "text/plain; charset=utf-8", "only GET and HEAD\n", keep_alive);
    }
    const auto target_text = request.target();
    const std::string_view target{target_text.data(), target_text.size()};
    const std::string_view path = target.substr(0, target.find('?'));
    if (path == "/metrics") {
      const auto accept = request[http::field::accept];
      const auto format = wholesale_ha::negotiate_format(std::string_view{accept.data(), accept.size()});
      std::string body;
      try {
        body = server->render(format);
      } catch (const std::exception& e) {  // never out of an I/O callback
        server->log.error("metrics: rendering failed: {}", e.what());
        return reply(http::status::internal_server_error, "text/plain; charset=utf-8", "rendering failed\n", false);
      }
      return reply(http::status::ok, std::string{wholesale_ha::content_type(format)}, std::move(body), keep_alive,
                   request.method() == http::verb::head);
    }
    if (path == "/") {
      return reply(http::status::ok, "text/plain; charset=utf-8", "wha-node: metrics at /metrics\n", keep_alive);
    }
    reply(http::status::not_found, "text/plain; charset=utf-8", "not found: metrics are at /metrics\n", keep_alive);
  }

  void reply(http::status status, std::string type, std::string body, bool keep_alive, bool head = false) {
    http::response<http::string_body> r{status, 11};
    if (status == http::status::method_not_allowed) r.set(http::field::allow, "GET, HEAD");
    r.set(http::field::server, "wha-node");
    r.set(http::field::content_type, type);
    r.keep_alive(keep_alive);
    r.body() = std::move(body);
    r.prepare_payload();
    if (head) r.body().clear();  // Content-Length stays that of the GET
    response = std::move(r);
    stream.expires_after(kRequestTimeout);
    http::async_write(stream, response, [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
      if (ec || !keep_alive) return self->close();
      self->read();
    });
  }

  void close() {
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.socket().close(ignored);
  }
};

}  // namespace

void MetricsServer::Impl::accept() {
  acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
    if (self->stopped || ec == asio::error::operation_aborted) return;
    if (ec) {
      // EMFILE and its kind: keep accepting (a short pause would be kinder; scrapes are rare).
      self->log.warn("metrics: accept failed: {}", ec.message());
    } else if (self->connections >= kMaxConnections) {
      beast::error_code ignored;
      socket.close(ignored);
    } else {
      ++self->connections;
      std::make_shared<Session>(self, std::move(socket))->read();
    }
    self->accept();
  });
}

std::unique_ptr<MetricsServer> MetricsServer::listen(asio::io_context& io, const NodeConfig::Listen& where,
                                                     Render render, wholesale_ha::Logger log, std::string& error) {
  auto impl = std::make_shared<Impl>(io, std::move(render), log);
  beast::error_code ec;
  const tcp::endpoint endpoint{asio::ip::make_address(where.address, ec), where.port};
  if (!ec) impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error = "cannot listen on " + where.address + ":" + std::to_string(where.port) + ": " + ec.message();
    return nullptr;
  }
  log.info("metrics at http://{}{}:{}/metrics", where.address.find(':') == std::string::npos ? "" : "[",
           where.address + (where.address.find(':') == std::string::npos ? "" : "]"), where.port);
  impl->accept();
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(impl)));
}

MetricsServer::~MetricsServer() {
  impl_->stopped = true;
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
}

}  // namespace wha_node
