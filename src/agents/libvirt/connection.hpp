#pragma once
// One libvirt connection per URI, shared by the agents of that node: opened on first use,
// kept alive, reopened with backoff after it breaks. Every method blocks: call them on the
// backend's worker threads, never on the Asio loop.

#include <chrono>
#include <functional>
#include <mutex>
#include <string>

#include "event_loop.hpp"
#include "handles.hpp"

namespace wholesale_ha::agents::libvirt {

struct ConnectionSettings {
  std::chrono::milliseconds keepalive_interval{5'000};
  unsigned keepalive_count = 3;
  std::chrono::milliseconds reconnect_min{500};
  std::chrono::milliseconds reconnect_max{30'000};
};

/// (domain name, event, detail) from libvirt's event thread.
using LifecycleHandler = std::function<void(const std::string&, int, int)>;
/// (domain name, action) when a domain's virtual watchdog fired, from libvirt's event thread.
using WatchdogHandler = std::function<void(const std::string&, int)>;

class Connection {
 public:
  Connection(std::string uri, ConnectionSettings settings, std::shared_ptr<EventLoop> loop,
             LifecycleHandler on_lifecycle, WatchdogHandler on_watchdog = {});
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// An open connection, or null with `error` saying why (including "retrying in Xms" while
  /// backing off after a failure, so an unreachable host does not stall every call).
  Connect get(std::string& error);

  [[nodiscard]] const std::string& uri() const { return uri_; }

 private:
  static void on_close(virConnectPtr conn, int reason, void* opaque);
  static int on_event(virConnectPtr conn, virDomainPtr dom, int event, int detail, void* opaque);
  static int on_watchdog_event(virConnectPtr conn, virDomainPtr dom, int action, void* opaque);
  void drop();

  std::string uri_;
  ConnectionSettings settings_;
  std::shared_ptr<EventLoop> loop_;
  LifecycleHandler on_lifecycle_;
  WatchdogHandler on_watchdog_;
  std::mutex mutex_;
  Connect conn_;
  int callback_id_ = -1;
  int watchdog_callback_id_ = -1;
  std::chrono::milliseconds backoff_{0};
  std::chrono::steady_clock::time_point retry_at_{};
  std::string last_failure_;
};

}  // namespace wholesale_ha::agents::libvirt
