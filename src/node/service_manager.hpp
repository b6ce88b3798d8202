#pragma once
// Talking to systemd (Type=notify): readiness, reloads, stopping, a one-line status, and the
// watchdog keep-alive. Keep-alives are sent from the io_context the controller runs on, so a
// daemon whose event loop hangs stops sending them and systemd restarts it (WatchdogSec=).
// Without $NOTIFY_SOCKET (not started by systemd) every call does nothing.

#include <chrono>
#include <optional>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <wholesale_ha/log.hpp>

namespace wha_node {

class ServiceManager {
 public:
  ServiceManager(boost::asio::any_io_executor executor, wholesale_ha::Logger log);

  /// READY=1 with a status line; starts the watchdog keep-alives if systemd asked for them.
  void ready(std::string_view status);
  /// RELOADING=1: a reload is under way (ready() again when it is done, applied or rejected).
  void reloading();
  /// STOPPING=1 with a status line; keep-alives go on while the node leaves.
  void stopping(std::string_view status);
  void status(std::string_view status);

  /// The keep-alive interval (half of WatchdogSec), when systemd's watchdog is on for us.
  [[nodiscard]] std::optional<std::chrono::microseconds> watchdog_interval() const { return interval_; }

 private:
  void send(std::string_view state);
  void keep_alive();

  wholesale_ha::Logger log_;
  boost::asio::steady_timer timer_;
  std::optional<std::chrono::microseconds> interval_;
  bool watching_ = false;
};

}  // namespace wha_node
