#include "health_checks.hpp"

#include <memory>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include <wholesale_ha/process/child_process.hpp>

namespace wholesale_ha::agents::detail {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

/// One connection attempt with a deadline; `then` runs on the connected socket.
struct Probe : std::enable_shared_from_this<Probe> {
  Probe(const asio::any_io_executor& ex, CheckHandler cb)
      : resolver(ex), socket(ex), timer(ex), done(std::move(cb)) {}

  tcp::resolver resolver;
  tcp::socket socket;
  asio::steady_timer timer;
  CheckHandler done;
  /// A status line is a few dozen bytes; a service sending more without a line break would
  /// otherwise fill memory until the timeout.
  static constexpr std::size_t kMaxStatusLine = 8192;
  asio::streambuf response{kMaxStatusLine};
  std::string request;
  bool finished = false;

  void finish(std::optional<std::string> problem) {
    if (finished) return;
    finished = true;
    timer.cancel();
    boost::system::error_code ignored;
    socket.close(ignored);
    resolver.cancel();
    done(std::move(problem));
  }

  void start(const std::string& host, const std::string& port, std::chrono::milliseconds timeout,
             std::function<void(std::shared_ptr<Probe>)> then) {
    timer.expires_after(timeout);
    timer.async_wait([self = shared_from_this(), timeout](const boost::system::error_code& ec) {
      if (!ec) self->finish(fmt::format("no answer within {}ms", timeout.count()));
    });
    resolver.async_resolve(
        host, port,
        [self = shared_from_this(), host, port, then = std::move(then)](
            const boost::system::error_code& ec, const tcp::resolver::results_type& results) {
          if (self->finished) return;
          if (ec) return self->finish(fmt::format("cannot resolve {}: {}", host, ec.message()));
          asio::async_connect(self->socket, results,
                              [self, host, port, then](const boost::system::error_code& cec,
                                                       const tcp::endpoint&) {
                                if (self->finished) return;
                                if (cec) {
                                  return self->finish(fmt::format("cannot connect to {}:{}: {}",
                                                                  host, port, cec.message()));
                                }
                                then(self);
                              });
        });
  }
};

struct Url {
  std::string host;
  std::string port;
  std::string path;
};

std::optional<Url> parse_url(const std::string& url) {
  constexpr std::string_view scheme = "http://";
  if (!url.starts_with(scheme)) return std::nullopt;
  std::string rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "/" : rest.substr(slash);
  auto hp = split_host_port(authority);
  if (!hp) {
    if (authority.empty() || authority.find(':') != std::string::npos) return std::nullopt;
    return Url{authority, "80", path};
  }
  return Url{hp->first, hp->second, path};
}

}  // namespace

std::optional<std::pair<std::string, std::string>> split_host_port(const std::string& address) {
  if (address.starts_with('[')) {
    auto close = address.find("]:");
    if (close == std::string::npos) return std::nullopt;
    return std::pair{address.substr(1, close - 1), address.substr(close + 2)};
  }
  auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) return std::nullopt;
  return std::pair{address.substr(0, colon), address.substr(colon + 1)};
}

void check_tcp(const asio::any_io_executor& executor, const std::string& address,
               std::chrono::milliseconds timeout, CheckHandler done) {
  auto hp = split_host_port(address);
  if (!hp) return done(fmt::format("\"{}\" is not host:port", address));
  auto probe = std::make_shared<Probe>(executor, std::move(done));
  probe->start(hp->first, hp->second, timeout,
               [](std::shared_ptr<Probe> p) { p->finish(std::nullopt); });
}

void check_http(const asio::any_io_executor& executor, const std::string& url,
                std::chrono::milliseconds timeout, CheckHandler done) {
  auto parsed = parse_url(url);
  if (!parsed) return done(fmt::format("\"{}\" is not an http:// URL", url));
  auto probe = std::make_shared<Probe>(executor, std::move(done));
  probe->request = fmt::format("GET {} HTTP/1.0\r\nHost: {}\r\nConnection: close\r\n\r\n",
                               parsed->path, parsed->host);
  probe->start(parsed->host, parsed->port, timeout, [url](std::shared_ptr<Probe> p) {
    asio::async_write(p->socket, asio::buffer(p->request), [p, url](const boost::system::error_code& wec,
                                                                   std::size_t) {
      if (p->finished) return;
      if (wec) return p->finish(fmt::format("{}: {}", url, wec.message()));
      asio::async_read_until(p->socket, p->response, "\r\n",
                             [p, url](const boost::system::error_code& rec, std::size_t) {
                               if (p->finished) return;
                               if (rec == asio::error::not_found) {
                                 return p->finish(fmt::format("{}: no HTTP status line in the first {} bytes",
                                                              url, Probe::kMaxStatusLine));
                               }
                               if (rec) return p->finish(fmt::format("{}: {}", url, rec.message()));
                               std::istream in{&p->response};
                               std::string version;
                               int status = 0;
                               in >> version >> status;
                               if (status >= 200 && status < 400) return p->finish(std::nullopt);
                               p->finish(fmt::format("{} answered HTTP {}", url, status));
                             });
    });
  });
}

void check_command(const asio::any_io_executor& executor, const std::string& command,
                   std::chrono::milliseconds timeout, CheckHandler done) {
  process::Command c;
  c.program = "/bin/sh";
  c.args = {"-c", command};
  c.timeout = timeout;
  c.kill_grace = std::chrono::milliseconds{500};
  c.max_output = 4096;
  process::async_run(executor, std::move(c), [command, done = std::move(done)](process::Outcome r) {
    if (r.success()) return done(std::nullopt);
    std::string detail = r.err.empty() ? r.out : r.err;
    while (!detail.empty() && (detail.back() == '\n' || detail.back() == '\r')) detail.pop_back();
    done(fmt::format("check \"{}\" {}{}", command, r.describe(),
                     detail.empty() ? std::string{} : ": " + detail));
  });
}

}  // namespace wholesale_ha::agents::detail
