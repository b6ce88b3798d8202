#pragma once
// Event subscription for embedders, built on Boost.Signals2.
//
// Every Event the library exposes documents, where it is declared, the thread it is emitted
// on (for the controller and its modules: the thread running the controller's io_context).
// Handlers run synchronously on that thread; keep them short or post work elsewhere.

#include <cstddef>
#include <functional>
#include <utility>

#include <boost/signals2/connection.hpp>
#include <boost/signals2/signal.hpp>

namespace wholesale_ha {

/// Handle on one subscription; disconnect() ends it. Copyable; does not end the
/// subscription when destroyed.
using Connection = boost::signals2::connection;
/// Ends the subscription when it goes out of scope.
using ScopedConnection = boost::signals2::scoped_connection;

/// One kind of event carrying `Args...`.
template <class... Args>
class Event {
 public:
  using Handler = std::function<void(Args...)>;

  Event() = default;
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  /// Calls `handler` for every later emission until the connection is disconnected.
  /// Thread-safe; a handler connected while an emission runs sees the next one.
  Connection subscribe(Handler handler) { return signal_.connect(std::move(handler)); }

  /// Library side: calls every subscribed handler in subscription order. An exception from a
  /// handler propagates to the emitter; handlers should not throw.
  void emit(Args... args) const { signal_(args...); }

  [[nodiscard]] std::size_t subscriber_count() const { return signal_.num_slots(); }

 private:
  mutable boost::signals2::signal<void(Args...)> signal_;
};

/// A subscribe-only handle on an Event its owner keeps private: an embedder can listen, never
/// emit in the owner's name.
template <class... Args>
class Subscription {
 public:
  explicit Subscription(Event<Args...>& event) : event_(event) {}
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  Connection subscribe(typename Event<Args...>::Handler handler) { return event_.subscribe(std::move(handler)); }
  [[nodiscard]] std::size_t subscriber_count() const { return event_.subscriber_count(); }

 private:
  Event<Args...>& event_;
};

}  // namespace wholesale_ha
