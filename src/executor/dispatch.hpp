#pragma once
// The bookkeeping of running a transition, with no I/O and no clock: which actions may start
// (what they wait for has succeeded, and a slot is free under the per-node and migration
// limits), what a failure skips, when the run is over. The Asio executor and the controller
// core both drive one.

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <wholesale_ha/policy/transition.hpp>

namespace wholesale_ha::executor {

class Dispatch {
 public:
  Dispatch() = default;
  Dispatch(const policy::Transition& transition, int node_concurrency, int migration_limit);

  /// Actions that start now: their slots are taken and they count as running.
  std::vector<std::size_t> take_ready();
  /// `id` has ended; returns the actions that will now never run because it failed.
  std::vector<std::size_t> finish(std::size_t id, bool ok);
  /// Starts nothing new from now on.
  void abort() noexcept { aborted_ = true; }
  /// Once nothing runs and nothing more may start: the actions that never ran (after an abort).
  std::vector<std::size_t> leftovers();

  [[nodiscard]] bool over() const noexcept;
  /// Every action ran and succeeded.
  [[nodiscard]] bool complete() const noexcept { return over() && !aborted_ && !any_failed_; }
  [[nodiscard]] bool aborted() const noexcept { return aborted_; }
  [[nodiscard]] std::size_t in_flight() const noexcept { return in_flight_; }
  [[nodiscard]] const policy::Action& action(std::size_t id) const { return actions_[id]; }

 private:
  enum class Phase : unsigned char { waiting, running, succeeded, failed, skipped };
  [[nodiscard]] bool fits(const policy::Action& a) const;
  void occupy(const policy::Action& a, int delta);

  std::vector<policy::Action> actions_;
  std::vector<std::vector<std::size_t>> next_;
  std::vector<std::size_t> waiting_;
  std::vector<Phase> phase_;
  std::set<std::size_t> ready_;
  std::map<std::string, int, std::less<>> node_load_;
  int node_concurrency_ = 4;
  int migration_limit_ = -1;
  int migrations_ = 0;
  std::size_t in_flight_ = 0;
  bool aborted_ = false;
  bool any_failed_ = false;
};

}  // namespace wholesale_ha::executor
