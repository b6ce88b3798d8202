#pragma once
// Liveness checks for supervised processes: a TCP connect, an HTTP GET, or a command.

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>

namespace wholesale_ha::agents::detail {

/// nullopt = healthy, otherwise why not.
using CheckHandler = std::function<void(std::optional<std::string> problem)>;

/// "127.0.0.1:8080" (host:port; IPv6 as "[::1]:8080").
void check_tcp(const boost::asio::any_io_executor& executor, const std::string& address,
               std::chrono::milliseconds timeout, CheckHandler done);

/// "http://127.0.0.1:8080/health": healthy on a 2xx or 3xx status.
void check_http(const boost::asio::any_io_executor& executor, const std::string& url,
                std::chrono::milliseconds timeout, CheckHandler done);

/// A shell command: healthy when it exits 0.
void check_command(const boost::asio::any_io_executor& executor, const std::string& command,
                   std::chrono::milliseconds timeout, CheckHandler done);

/// Splits "host:port" / "[v6]:port"; nullopt when malformed.
std::optional<std::pair<std::string, std::string>> split_host_port(const std::string& address);

}  // namespace wholesale_ha::agents::detail
