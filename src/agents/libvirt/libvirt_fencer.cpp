// fencing::LibvirtFencer: virDomainDestroy, then confirm the domain is shut off.

#include <wholesale_ha/libvirt/fencer.hpp>

#include <stdexcept>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <fmt/format.h>

#include "domain_ops.hpp"
#include "event_loop.hpp"
#include "handles.hpp"

namespace wholesale_ha::fencing {
namespace {

namespace asio = boost::asio;
namespace lv = agents::libvirt;
using agents::Outcome;
using agents::Status;

const char* state_name(int state) {
  switch (state) {
    case VIR_DOMAIN_RUNNING: return "running";
    case VIR_DOMAIN_BLOCKED: return "blocked";
    case VIR_DOMAIN_PAUSED: return "paused";
    case VIR_DOMAIN_SHUTDOWN: return "shutting down";
    case VIR_DOMAIN_SHUTOFF: return "shut off";
    case VIR_DOMAIN_CRASHED: return "crashed";
    case VIR_DOMAIN_PMSUSPENDED: return "suspended by guest power management";
    default: return "in an unknown state";
  }
}

/// The blocking part, on a worker thread: connect, destroy, confirm.
Outcome destroy_guest(const LibvirtGuest& guest) {
  virConnectPtr raw = virConnectOpen(guest.uri.c_str());
  if (raw == nullptr) return {Status::error_generic, fmt::format("cannot reach libvirt at {}: {}", guest.uri, lv::last_error())};
  const auto conn = lv::adopt(raw);
  bool missing = false;
  std::string error;
  const auto dom = lv::find(conn, guest.domain, missing, error);
  if (!dom && missing && guest.missing_is_off) {
    return {Status::success, "the host has no such domain, which counts as off (missing_is_off)"};
  }
  if (!dom && missing) {
    return {Status::error_generic, "the host has no such domain, so it cannot be confirmed off (it may run "
                                   "elsewhere; set missing_is_off for transient guests)"};
  }
  if (!dom) return {Status::error_generic, "cannot look the domain up: " + error};
  int state = -1;
  if (virDomainGetState(dom.get(), &state, nullptr, 0) == 0 && state == VIR_DOMAIN_SHUTOFF) {
    return {Status::success, "it was already shut off"};
  }
  // OPERATION_INVALID: it stopped on its own in the meantime; the check below decides.
  if (virDomainDestroy(dom.get()) < 0 && lv::last_error_code() != VIR_ERR_OPERATION_INVALID) {
    return {Status::error_generic, "virDomainDestroy failed: " + lv::last_error()};
  }
  if (virDomainGetState(dom.get(), &state, nullptr, 0) < 0) {
    // A transient domain is gone once destroyed: that is off.
    if (lv::last_error_code() == VIR_ERR_NO_DOMAIN) return {Status::success, "destroyed (the transient domain is gone)"};
    return {Status::error_generic, "destroyed, but its state cannot be read to confirm it is off: " + lv::last_error()};
  }
  if (state != VIR_DOMAIN_SHUTOFF) {
    return {Status::error_generic, fmt::format("still {} after virDomainDestroy", state_name(state))};
  }
  return {Status::success, "destroyed, and libvirt reports it shut off"};
}

/// One fence in flight: the first of the worker's answer and the timeout wins.
struct Pending {
  explicit Pending(const asio::any_io_executor& ex) : timer(ex) {}
  asio::steady_timer timer;
  agents::Handler done;
  bool answered = false;
};

}  // namespace

struct LibvirtFencer::Impl {
  asio::any_io_executor executor;
  LibvirtFencerOptions options;
  Logger log;
  // Registered before any connection of ours, so the libvirt backend's events keep working.
  std::shared_ptr<lv::EventLoop> loop = lv::EventLoop::acquire();
  asio::thread_pool pool{2};
};

Result<std::shared_ptr<LibvirtFencer>> LibvirtFencer::create(asio::any_io_executor executor, LibvirtFencerOptions options,
                                                             Logger logger) {
  if (options.nodes.empty()) {
    return Diagnostic::error(Errc::missing_field, "/nodes", "libvirt fencer \"" + options.id + "\": no nodes");
  }
  for (const auto& [node, guest] : options.nodes) {
    if (guest.uri.empty() || guest.domain.empty()) {
      return Diagnostic::error(Errc::missing_field, "/nodes/" + node,
                               "libvirt fencer \"" + options.id + "\": node " + node + " needs a URI and a domain");
    }
  }
  auto log = logger.child("fencing/" + options.id);
  return std::make_shared<LibvirtFencer>(Token{}, std::make_unique<Impl>(std::move(executor), std::move(options), std::move(log)));
}

LibvirtFencer::LibvirtFencer(Token, std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

LibvirtFencer::~LibvirtFencer() { impl_->pool.join(); }

void LibvirtFencer::fence(const std::string& node, std::chrono::milliseconds timeout, agents::Handler done) {
  const auto& opts = impl_->options;
  auto it = opts.nodes.find(node);
  if (it == opts.nodes.end()) {
    std::vector<std::string> known;
    for (const auto& [n, guest] : opts.nodes) known.push_back(n);
    auto reason = fmt::format("fencing node {} with libvirt fencer \"{}\" failed: it does not fence this node (it fences {})",
                              node, opts.id, fmt::join(known, ", "));
    impl_->log.error("{}", reason);
    return asio::post(impl_->executor, [done, reason] { done({Status::not_configured, reason}); });
  }
  const LibvirtGuest guest = it->second;
  const auto label = fmt::format("libvirt fencer \"{}\" (domain {} at {})", opts.id, guest.domain, guest.uri);
  auto pending = std::make_shared<Pending>(impl_->executor);
  // Runs on the executor only; logs loudly on failure.
  auto finish = [log = impl_->log, node, label, done = std::move(done)](Outcome r) {
    if (r.ok()) {
      r.reason = fmt::format("node {} fenced by {}: {}", node, label, r.reason);
      log.info("{}", r.reason);
    } else {
      r.reason = fmt::format("fencing node {} with {} failed: {}", node, label, r.reason);
      log.error("{}", r.reason);
    }
    done(std::move(r));
  };
  pending->done = finish;
  pending->timer.expires_after(timeout);
  pending->timer.async_wait([pending, guest, timeout](const boost::system::error_code& ec) {
    if (ec || pending->answered) return;
    pending->answered = true;
    pending->done({Status::timed_out, fmt::format("libvirt at {} did not answer within {}ms", guest.uri, timeout.count())});
  });
  impl_->log.info("fencing node {} with {}: virDomainDestroy", node, label);
  asio::post(impl_->pool, [pending = std::move(pending), guest, ex = impl_->executor]() mutable {
    auto r = destroy_guest(guest);
    // Hand our reference over: the pending state is only touched and released on the executor.
    asio::post(ex, [pending = std::move(pending), r = std::move(r)]() mutable {
      if (pending->answered) return;
      pending->answered = true;
      pending->timer.cancel();
      pending->done(std::move(r));
    });
  });
}

}  // namespace wholesale_ha::fencing
