#include "service_manager.hpp"

#include <cerrno>
#include <cstring>
#include <string>

#include <systemd/sd-daemon.h>

namespace wha_node {

ServiceManager::ServiceManager(boost::asio::any_io_executor executor, wholesale_ha::Logger log)
    : log_(std::move(log)), timer_(std::move(executor)) {
  std::uint64_t usec = 0;
  // Children (agents) inherit the variables harmlessly: WATCHDOG_PID names this process,
  // and the unit's NotifyAccess=main ignores notifications from anyone else.
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) interval_ = std::chrono::microseconds{usec / 2};
}

void ServiceManager::send(std::string_view state) {
  const std::string text{state};
  const int r = sd_notify(0, text.c_str());
  // r == 0: no NOTIFY_SOCKET, not run by systemd — nothing to tell.
  if (r < 0) log_.warn("could not notify systemd ({}): {}", text.substr(0, text.find('\n')), std::strerror(-r));
}

void ServiceManager::ready(std::string_view status) {
  send("READY=1\nSTATUS=" + std::string{status});
  if (interval_ && !watching_) {
    watching_ = true;
    log_.info("systemd watchdog: keep-alive every {}ms", interval_->count() / 1000);
    keep_alive();
  }
}

void ServiceManager::reloading() { send("RELOADING=1\nSTATUS=reloading the configuration"); }

void ServiceManager::stopping(std::string_view status) { send("STOPPING=1\nSTATUS=" + std::string{status}); }

void ServiceManager::status(std::string_view status) { send("STATUS=" + std::string{status}); }

void ServiceManager::keep_alive() {
  send("WATCHDOG=1");
  timer_.expires_after(*interval_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) keep_alive();
  });
}

}  // namespace wha_node
