#pragma once
// What this daemon saw happen, for the status reply: the last actions, the actions running
// now (with a live migration's progress), and the fencing it carried out, each with its
// time. Text from outside (agent output) is made valid UTF-8 where it enters.

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <wholesale_ha/executor/executor.hpp>
#include <wholesale_ha/policy/transition.hpp>

namespace wha_node {

class Activity {
 public:
  /// Seconds since the epoch; the system clock by default.
  using Clock = std::function<double()>;
  explicit Activity(Clock clock = {});

  void started(const wholesale_ha::policy::Action& action);
  void finished(const wholesale_ha::executor::ActionResult& result);
  /// A running migration's progress (the libvirt backend's samples).
  void migration_progress(const std::string& resource, double percent, std::uint64_t remaining_bytes,
                          std::uint64_t total_bytes);

  [[nodiscard]] nlohmann::json recent() const { return nlohmann::json(recent_); }
  [[nodiscard]] nlohmann::json in_flight() const;
  [[nodiscard]] nlohmann::json fencing() const { return nlohmann::json(fencing_); }

  static constexpr std::size_t kRecent = 20;
  static constexpr std::size_t kFencing = 50;

 private:
  struct Running {
    wholesale_ha::policy::Action action;
    double since = 0;
    nlohmann::json progress;  ///< null until a migration reports
  };

  Clock clock_;
  std::deque<nlohmann::json> recent_;
  std::vector<Running> running_;
  std::deque<nlohmann::json> fencing_;
};

}  // namespace wha_node
