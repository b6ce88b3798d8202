#pragma once
// The demo's narrative: it reacts to the controller's events, prints what happens, and moves
// from one act to the next whenever the cluster has converged.

#include <map>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <wholesale_ha/libvirt/backend.hpp>
#include <wholesale_ha/controller.hpp>

namespace demo {

class Story {
 public:
  /// `app_vm`: the Linux guest whose application dies in the first act ("" = no such act).
  Story(boost::asio::io_context& io, wholesale_ha::Controller& controller,
        wholesale_ha::agents::LibvirtBackend& libvirt, std::string hosts_sh, std::string app_vm);

  void begin();
  void interrupted();
  [[nodiscard]] int exit_code() const { return exit_code_; }

 private:
  enum class Act { starting, app_dies, predicted_failure, daemon_dies, cleaning_up, done };

  void converged();
  void next(Act act);
  void print_placement() const;
  [[nodiscard]] std::string busiest_host(const std::string& except) const;
  void finish(int code);
  void arm_watchdog();
  /// Waits (bounded) until the app guest's agent answers, then kills its httpd inside.
  void kill_app_when_booted(int tries_left);
  [[nodiscard]] std::string node_of(const std::string& resource) const;

  boost::asio::io_context& io_;
  wholesale_ha::Controller& controller_;
  std::string hosts_sh_;
  std::string app_vm_;
  bool app_repaired_ = false;
  std::chrono::steady_clock::time_point app_killed_at_{};
  boost::asio::steady_timer app_timer_;
  Act act_ = Act::starting;
  int exit_code_ = 1;
  std::string red_host_;
  std::string dead_host_;
  std::map<std::string, int> progress_bucket_;
  boost::asio::steady_timer watchdog_;
  std::vector<wholesale_ha::ScopedConnection> subscriptions_;
};

}  // namespace demo
