// The process backend's HTTP check against a service that never ends its status line
// (issue 22): the check fails at a bounded size instead of buffering until its timeout.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include "../../src/agents/process/health_checks.hpp"
#include "../support/io_wait.hpp"

namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
using asio::ip::tcp;

TEST(HttpCheck, AStatusLineWithoutEndFailsAtItsLimit) {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint{asio::ip::address_v4::loopback(), 0}};
  tcp::socket peer{io};
  const std::string flood(64 * 1024, 'x');  // no "\r\n", and the connection stays open
  acceptor.async_accept(peer, [&](const boost::system::error_code& ec) {
    if (!ec) asio::async_write(peer, asio::buffer(flood), [](const boost::system::error_code&, std::size_t) {});
  });
  std::optional<std::optional<std::string>> problem;
  const auto url = "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/";
  const auto started = std::chrono::steady_clock::now();
  wholesale_ha::agents::detail::check_http(io.get_executor(), url, 10s,
                                           [&](std::optional<std::string> p) { problem = std::move(p); });
  ASSERT_TRUE(wha_test::run_until(io, [&] { return problem.has_value(); }));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s) << "not left to the timeout";
  ASSERT_TRUE(problem->has_value());
  EXPECT_EQ(**problem, url + ": no HTTP status line in the first 8192 bytes");
}

}  // namespace
