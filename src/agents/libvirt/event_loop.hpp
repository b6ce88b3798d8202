#pragma once
// libvirt's default event loop (needed for lifecycle events and keepalive) on one thread,
// shared by every connection of the process and stopped when the last user lets go.

#include <memory>
#include <thread>

namespace wholesale_ha::agents::libvirt {

class EventLoop {
 public:
  static std::shared_ptr<EventLoop> acquire();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

 private:
  EventLoop();
  std::thread thread_;
};

}  // namespace wholesale_ha::agents::libvirt
