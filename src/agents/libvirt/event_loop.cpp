#include "event_loop.hpp"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <atomic>
#include <mutex>

namespace wholesale_ha::agents::libvirt {
namespace {

std::mutex g_mutex;
std::weak_ptr<EventLoop> g_loop;
std::atomic<bool> g_run{false};

}  // namespace

std::shared_ptr<EventLoop> EventLoop::acquire() {
  std::lock_guard lock{g_mutex};
  if (auto loop = g_loop.lock()) return loop;
  static std::once_flag registered;
  // libvirt allows one event implementation per process, registered before any connection.
  std::call_once(registered, [] {
    virEventRegisterDefaultImpl();
    // libvirt prints every error to stderr by default; ours reach callers as results.
    virSetErrorFunc(nullptr, [](void*, virErrorPtr) {});
  });
  auto loop = std::shared_ptr<EventLoop>(new EventLoop());
  g_loop = loop;
  return loop;
}

EventLoop::EventLoop() {
  g_run = true;
  thread_ = std::thread([] {
    while (g_run.load()) {
      if (virEventRunDefaultImpl() < 0) break;
    }
  });
}

EventLoop::~EventLoop() {
  g_run = false;
  // A zero-delay timer wakes virEventRunDefaultImpl so the thread sees the flag.
  virEventAddTimeout(0, [](int timer, void*) { virEventRemoveTimeout(timer); }, nullptr, nullptr);
  if (thread_.joinable()) thread_.join();
}

}  // namespace wholesale_ha::agents::libvirt
