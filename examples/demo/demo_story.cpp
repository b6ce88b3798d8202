#include "demo_story.hpp"

#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

#include <wholesale_ha/model/enum_names.hpp>
#include <wholesale_ha/policy/transition.hpp>
#include <wholesale_ha/process/child_process.hpp>

namespace demo {

namespace model = wholesale_ha::model;
namespace policy = wholesale_ha::policy;
using namespace std::chrono_literals;

namespace {

void say(const std::string& text) { std::cout << text << std::endl; }

void banner(const std::string& text) { say(fmt::format("\n\033[1m=== {} ===\033[0m", text)); }

std::string bytes(std::uint64_t n) {
  if (n >= (std::uint64_t{1} << 20)) return fmt::format("{:.1f} MiB", static_cast<double>(n) / (1 << 20));
  return fmt::format("{} KiB", n >> 10);
}

std::string bar(double percent) {
  const int filled = static_cast<int>(percent / 5);
  return std::string(static_cast<std::size_t>(filled), '#') + std::string(static_cast<std::size_t>(20 - filled), '.');
}

}  // namespace

Story::Story(boost::asio::io_context& io, wholesale_ha::Controller& controller,
             wholesale_ha::agents::LibvirtBackend& libvirt, std::string hosts_sh, std::string app_vm)
    : io_(io),
      controller_(controller),
      hosts_sh_(std::move(hosts_sh)),
      app_vm_(std::move(app_vm)),
      app_timer_(io),
      watchdog_(io) {
  subscriptions_.emplace_back(controller.on_transition_planned.subscribe([](const policy::Transition& t) {
    say("  plan:");
    for (const auto& c : t.changes) {
      say(fmt::format("    {:<8} {:<9} {} -> {}   ({})", policy::to_string(c.kind), c.resource,
                      c.from.value_or("-"), c.to.value_or("-"), c.reason.text));
    }
    for (const auto& a : t.actions) {
      if (a.kind == policy::ActionKind::fence) say(fmt::format("    fence    {}   ({})", a.node, a.reason.text));
    }
  }));
  subscriptions_.emplace_back(controller.on_action_finished.subscribe([](const wholesale_ha::executor::ActionResult& r) {
    if (r.skipped) return;
    say(fmt::format("  {} {}: {}", r.result.ok() ? "done  " : "FAILED", policy::describe(r.action),
                    r.result.reason.empty() ? "ok" : r.result.reason));
  }));
  subscriptions_.emplace_back(controller.on_resource_failed.subscribe([](const wholesale_ha::ResourceFailure& f) {
    say(fmt::format("  ! {} noticed a problem with {} on {}: {}", f.operation, f.resource, f.node, f.result.reason));
  }));
  subscriptions_.emplace_back(controller.on_resource_repaired.subscribe([this](const wholesale_ha::ResourceRepair& r) {
    say(fmt::format("  ! monitor of {} on {}: {}", r.resource, r.node, r.detected.reason));
    say(fmt::format("  {} repair in place, {} ({}/{}): {}", r.result.ok() ? "done  " : "FAILED", r.action, r.attempt,
                    r.attempts, r.result.reason));
    if (r.resource == app_vm_ && act_ == Act::app_dies && r.result.ok()) {
      app_repaired_ = true;
      say(fmt::format("  httpd is back {:.1f}s after it died; the VM was never stopped",
                      std::chrono::duration<double>(std::chrono::steady_clock::now() - app_killed_at_).count()));
    }
  }));
  subscriptions_.emplace_back(libvirt.on_migration_progress.subscribe([this](const wholesale_ha::agents::MigrationProgress& p) {
    if (p.complete) {
      say(fmt::format("    {} live migration complete: {} sent, {}ms elapsed, {}ms downtime", p.domain,
                      bytes(p.memory_processed), p.elapsed_ms, p.downtime_ms));
      progress_bucket_.erase(p.domain);
      return;
    }
    if (p.memory_total == 0 || p.memory_remaining == 0) return;  // not started yet
    const int bucket = static_cast<int>(p.percent / 25);
    auto [it, fresh] = progress_bucket_.try_emplace(p.domain, -1);
    if (bucket <= it->second) return;
    it->second = bucket;
    say(fmt::format("    {} {} -> {} [{}] {:5.1f}%  ({} left)", p.domain, p.from, p.to, bar(p.percent),
                    p.percent, bytes(p.memory_remaining)));
  }));
  subscriptions_.emplace_back(controller.on_idle.subscribe([this] { converged(); }));
}

void Story::begin() {
  banner(fmt::format("Three libvirt hosts, {} guests: the library places and starts them",
                     controller_.config().resources.size()));
  arm_watchdog();
  controller_.start();
}

void Story::arm_watchdog() {
  watchdog_.expires_after(240s);
  watchdog_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    say("the demo did not converge within 4 minutes; giving up");
    finish(1);
  });
}

void Story::print_placement() const {
  say("  where the guests run:");
  for (const auto& p : controller_.state().resources) {
    say(fmt::format("    {:<9} on {}{}", p.resource, p.node,
                    p.state == model::ResourceState::started ? "" : " (" + std::string{model::to_string(p.state)} + ")"));
  }
}

std::string Story::busiest_host(const std::string& except) const {
  std::map<std::string, int> count;
  for (const auto& p : controller_.state().resources) {
    if (p.node != except) ++count[p.node];
  }
  std::string best;
  for (const auto& [node, n] : count) {
    if (best.empty() || n > count[best]) best = node;
  }
  return best;
}

void Story::converged() {
  switch (act_) {
    case Act::starting:
      print_placement();
      next(app_vm_.empty() ? Act::predicted_failure : Act::app_dies);
      break;
    case Act::app_dies:
      if (app_repaired_) next(Act::predicted_failure);
      break;
    case Act::predicted_failure:
      print_placement();
      next(Act::daemon_dies);
      break;
    case Act::daemon_dies: {
      // Converged again only once the dead host's guests run elsewhere.
      for (const auto& p : controller_.state().resources) {
        if (p.node == dead_host_) return;
      }
      print_placement();
      next(Act::cleaning_up);
      break;
    }
    case Act::cleaning_up:
      if (!controller_.state().resources.empty()) return;
      finish(0);
      break;
    case Act::done: break;
  }
}

namespace {

std::vector<std::string> resource_ids(const model::Config& config) {
  std::vector<std::string> ids;
  for (const auto& r : config.resources) ids.push_back(r.id);
  return ids;
}

/// The story's commands name hosts and guests it created: a refusal is a bug in the demo
/// (said, not thrown: this runs in the controller's event handlers).
void must(const wholesale_ha::Result<void>& done) {
  if (!done) std::cerr << "the controller refused a command: " << done.to_string() << "\n";
}

}  // namespace

std::string Story::node_of(const std::string& resource) const {
  for (const auto& p : controller_.state().resources) {
    if (p.resource == resource && p.state == model::ResourceState::started) return p.node;
  }
  return {};
}

namespace {

/// A guest agent command through virsh (libvirt-clients), as an operator would type it.
wholesale_ha::process::Command agent_command(const std::string& node, const std::string& domain, const std::string& json) {
  const char* base = std::getenv("WHA_LV_BASE");
  const std::string uri = fmt::format("qemu:///system?socket={}/{}/sock/libvirt-sock", base != nullptr ? base : "", node);
  return {.program = "virsh", .args = {"-q", "-c", uri, "qemu-agent-command", domain, json, "--timeout", "2"}, .timeout = 5s};
}

}  // namespace

void Story::kill_app_when_booted(int tries_left) {
  if (act_ != Act::app_dies) return;
  const std::string node = node_of(app_vm_);
  auto ping = agent_command(node, app_vm_, R"({"execute":"guest-ping"})");
  wholesale_ha::process::async_run(io_.get_executor(), ping, [this, tries_left, node](wholesale_ha::process::Outcome r) {
    if (act_ != Act::app_dies) return;
    if (!r.success() && tries_left > 0) {
      app_timer_.expires_after(500ms);
      app_timer_.async_wait([this, tries_left](const boost::system::error_code& ec) {
        if (!ec) kill_app_when_booted(tries_left - 1);
      });
      return;
    }
    if (!r.success()) {
      say("  the guest did not boot in time; skipping this act");
      return next(Act::predicted_failure);
    }
    // A few monitors first: until its checks have passed once, a booting guest is forgiven.
    say(fmt::format("  {} has booted on {} and serves HTTP; in a few seconds: killall httpd inside it", app_vm_, node));
    app_timer_.expires_after(6s);
    app_timer_.async_wait([this, node](const boost::system::error_code& ec) {
      if (ec || act_ != Act::app_dies) return;
      app_killed_at_ = std::chrono::steady_clock::now();
      say("  httpd killed inside the guest");
      wholesale_ha::process::async_run(
          io_.get_executor(),
          agent_command(node, app_vm_, R"({"execute":"guest-exec","arguments":{"path":"/bin/sh","arg":["-c","killall httpd"]}})"),
          [](const wholesale_ha::process::Outcome& killed) {
            if (!killed.success()) say("  could not kill httpd: " + killed.describe());
          });
    });
  });
}

void Story::next(Act act) {
  act_ = act;
  arm_watchdog();
  switch (act) {
    case Act::app_dies:
      banner(fmt::format("An application dies inside {}: its web server is killed", app_vm_));
      say("  (the VM keeps running: only a look inside, through the QEMU guest agent, notices)");
      kill_app_when_booted(240);
      break;
    case Act::predicted_failure:
      red_host_ = busiest_host("");
      banner(fmt::format("SMART predicts {}'s disk will fail: #health-disk=red", red_host_));
      say("  (nothing has failed yet; the guests are live-migrated away before it does)");
      must(controller_.set_attribute(red_host_, "#health-disk", "red"));
      break;
    case Act::daemon_dies:
      dead_host_ = busiest_host(red_host_);
      banner(fmt::format("{}'s libvirt daemon is killed (the host is now unmanageable)", dead_host_));
      say(fmt::format("  the red host {} is repaired meanwhile: its health is cleared", red_host_));
      must(controller_.set_attribute(red_host_, "#health-disk", std::nullopt));
      wholesale_ha::process::run({.program = hosts_sh_, .args = {"kill-daemon", dead_host_}});
      break;
    case Act::cleaning_up:
      banner("Cleaning up: stopping the guests");
      // Each command replaces the configuration config() refers to: take the ids first.
      for (const auto& id : resource_ids(controller_.config())) {
        must(controller_.set_target_role(id, model::TargetRole::stopped));
      }
      break;
    case Act::starting:
    case Act::done: break;
  }
}

void Story::interrupted() {
  say("\ninterrupted: stopping the guests and the hosts");
  finish(130);
}

void Story::finish(int code) {
  if (act_ == Act::done) return;
  act_ = Act::done;
  exit_code_ = code;
  watchdog_.cancel();
  app_timer_.cancel();
  controller_.stop([this, code] {
    if (code == 0) banner("Done: every guest stopped; the hosts are torn down next");
    io_.stop();
  });
}

}  // namespace demo
