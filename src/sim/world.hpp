#pragma once
// Runs a scenario: one real controller core per node on virtual time, with a simulated
// membership (Corosync's guarantees: views, one total order of messages within a partition,
// partitions and merges, crashes, restarts, clean leaves), simulated agents (durations,
// failures, hangs, live migration paced by memory size and bandwidth), fencing and faults.
// The invariants (docs/simulation.md, numbered alike in world.cpp) are checked as the run goes.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "scenario.hpp"

namespace wholesale_ha::sim {

struct Options {
  Millis token_timeout{1000};   ///< how long before a lost node is noticed
  Millis message_latency{2};
  Millis fence_delay{2000};
  Millis reboot_after{std::chrono::seconds{60}};  ///< a fenced or crashed host boots again
  Millis back_after_leave{std::chrono::seconds{30}};
  double bandwidth_mib_per_s = 1000;  ///< per host, shared by its concurrent migrations
  bool trace = false;                 ///< every core's log lines on stderr, with virtual time
  bool record = false;                ///< fill Outcome::issued and Outcome::running
  std::uint64_t max_events = 200'000'000;
};

struct Violation {
  Millis at{0};
  /// "active-twice", "no-quorum", "fence-first", "exactly-once", "converges", "clean-leave",
  /// "shutdown-policy", "offline-move", "spare-reserved", "repair-while-busy", "core"
  std::string invariant;
  std::string detail;
};

/// An operation a controller issued (monitors aside), for tests that check what happened.
struct Issued {
  Millis at{0};
  std::string by;    ///< the issuing node
  std::string kind;  ///< start, stop, migrate_to, migrate_from, repair
  std::string resource;
  std::string node;
  std::string peer;    ///< a migration's other end
  std::string action;  ///< a repair's

  friend bool operator==(const Issued&, const Issued&) = default;
};

struct Outcome {
  std::vector<Violation> violations;
  std::uint64_t events = 0;
  std::uint64_t operations = 0;
  std::uint64_t messages = 0;
  std::uint64_t fences = 0;
  std::uint64_t migrations = 0;
  Millis end{0};
  /// With Options::record: every operation issued, and what runs where at the end.
  std::vector<Issued> issued;
  std::map<std::string, std::vector<std::string>> running;  ///< resource -> nodes
  [[nodiscard]] bool ok() const { return violations.empty(); }
};

[[nodiscard]] Outcome run(const Scenario& scenario, const Options& options = {});

}  // namespace wholesale_ha::sim
