#include "connection.hpp"

#include <fmt/format.h>

namespace wholesale_ha::agents::libvirt {

Connection::Connection(std::string uri, ConnectionSettings settings, std::shared_ptr<EventLoop> loop,
                       LifecycleHandler on_lifecycle, WatchdogHandler on_watchdog)
    : uri_(std::move(uri)),
      settings_(settings),
      loop_(std::move(loop)),
      on_lifecycle_(std::move(on_lifecycle)),
      on_watchdog_(std::move(on_watchdog)) {}

Connection::~Connection() {
  std::lock_guard lock{mutex_};
  drop();
}

void Connection::drop() {
  if (!conn_) return;
  if (callback_id_ >= 0) virConnectDomainEventDeregisterAny(conn_.get(), callback_id_);
  if (watchdog_callback_id_ >= 0) virConnectDomainEventDeregisterAny(conn_.get(), watchdog_callback_id_);
  watchdog_callback_id_ = -1;
  virConnectUnregisterCloseCallback(conn_.get(), &Connection::on_close);
  callback_id_ = -1;
  conn_.reset();
}

Connect Connection::get(std::string& error) {
  std::lock_guard lock{mutex_};
  if (conn_ && virConnectIsAlive(conn_.get()) == 1) return conn_;
  drop();
  const auto now = std::chrono::steady_clock::now();
  if (now < retry_at_) {
    error = fmt::format("cannot reach libvirt at {}: {} (retrying in {}ms)", uri_, last_failure_,
                        std::chrono::duration_cast<std::chrono::milliseconds>(retry_at_ - now).count());
    return nullptr;
  }
  virConnectPtr raw = virConnectOpen(uri_.c_str());
  if (raw == nullptr) {
    last_failure_ = last_error();
    backoff_ = backoff_.count() == 0 ? settings_.reconnect_min
                                     : std::min(backoff_ * 2, settings_.reconnect_max);
    retry_at_ = now + backoff_;
    error = fmt::format("cannot reach libvirt at {}: {}", uri_, last_failure_);
    return nullptr;
  }
  backoff_ = std::chrono::milliseconds{0};
  conn_ = adopt(raw);
  // Keepalive notices a dead peer; the close callback drops the connection so the next call
  // reconnects instead of waiting on a broken socket. Local drivers reject keepalive: fine.
  virConnectSetKeepAlive(raw, static_cast<int>(settings_.keepalive_interval.count() / 1000 + 1),
                         settings_.keepalive_count);
  virConnectRegisterCloseCallback(raw, &Connection::on_close, this, nullptr);
  callback_id_ = virConnectDomainEventRegisterAny(raw, nullptr, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                                  VIR_DOMAIN_EVENT_CALLBACK(&Connection::on_event),
                                                  this, nullptr);
  if (on_watchdog_) {
    watchdog_callback_id_ = virConnectDomainEventRegisterAny(
        raw, nullptr, VIR_DOMAIN_EVENT_ID_WATCHDOG, VIR_DOMAIN_EVENT_CALLBACK(&Connection::on_watchdog_event), this,
        nullptr);
  }
  return conn_;
}

void Connection::on_close(virConnectPtr, int, void*) {
  // Nothing to do here: the next get() sees the connection is no longer alive.
}

int Connection::on_event(virConnectPtr, virDomainPtr dom, int event, int detail, void* opaque) {
  auto* self = static_cast<Connection*>(opaque);
  const char* name = virDomainGetName(dom);
  if (self->on_lifecycle_ && name != nullptr) self->on_lifecycle_(name, event, detail);
  return 0;
}

int Connection::on_watchdog_event(virConnectPtr, virDomainPtr dom, int action, void* opaque) {
  auto* self = static_cast<Connection*>(opaque);
  const char* name = virDomainGetName(dom);
  if (name != nullptr) self->on_watchdog_(name, action);
  return 0;
}

}  // namespace wholesale_ha::agents::libvirt
