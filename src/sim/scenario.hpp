#pragma once
// What one simulation run is: a cluster configuration and a schedule of faults, either
// written by hand (JSON) or drawn from a seed. The same scenario always runs the same way.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <wholesale_ha/model/cluster.hpp>

namespace wholesale_ha::sim {

using Millis = std::chrono::milliseconds;

struct Fault {
  enum class Kind {
    crash_host,        ///< power loss: the host and everything on it stop at once
    crash_daemon,      ///< the controller process dies; what it started keeps running
    corosync_restart,  ///< the node drops out of the membership for `duration`, then rejoins
    partition,         ///< the network splits into `groups`
    heal,              ///< the network is whole again
    leave,             ///< a clean shutdown (update, reboot): the node leaves, then comes back
    crash_resource,    ///< `resource` crashes where it runs (its monitor fails)
    fail_next,         ///< the next `op` of `resource` fails
    hang_next,         ///< the next `op` of `resource` never answers
    fence_fails,       ///< the next fence of `node` fails
    health,            ///< `node`'s #health-disk becomes `value`
    move,              ///< the operator moves `resource` to `node` ("" clears it); value "offline": by stop and start
    standby,           ///< the operator puts `node` in standby (`on`) or back
    maintenance,       ///< the operator turns `node`'s maintenance mode on (`on`) or off
  };
  Kind kind = Kind::crash_host;
  Millis at{0};
  std::string node;
  std::string resource;
  std::string op;     ///< start, stop, monitor, migrate
  std::string value;  ///< health colour
  bool on = true;
  Millis duration{0};
  std::vector<std::vector<std::string>> groups;
};

struct Scenario {
  std::string name;
  std::uint64_t seed = 0;  ///< also drives operation durations and timing jitter
  model::Config config;
  std::vector<Fault> faults;  ///< by time
  Millis duration{std::chrono::minutes{30}};  ///< faults happen before this
  Millis settle{std::chrono::minutes{10}};    ///< then the cluster must converge within this
};

/// The shape of random scenarios.
struct Shape {
  int min_nodes = 3;
  int max_nodes = 7;
  int min_resources = 5;
  int max_resources = 50;
  int min_faults = 1;
  int max_faults = 8;
  Millis duration{std::chrono::minutes{20}};
  Millis settle{std::chrono::minutes{10}};
};

[[nodiscard]] Scenario random_scenario(std::uint64_t seed, const Shape& shape);

/// A cluster of `nodes` × `resources` as random scenarios make them (VMs and services).
[[nodiscard]] model::Config generated_config(int nodes, int resources, std::uint64_t seed);

[[nodiscard]] std::string_view to_string(Fault::Kind kind) noexcept;
[[nodiscard]] std::string describe(const Fault& fault);

[[nodiscard]] nlohmann::json to_json(const Scenario& scenario);
struct ScenarioLoad {
  std::optional<Scenario> scenario;
  std::string error;
};
/// Reads a scenario file's document: {"name", "seed", "cluster" | "cluster_file" | "generate":
/// {nodes, resources}, "duration_ms", "settle_ms", "faults": [...]}; a cluster_file is read
/// relative to `base_dir`.
[[nodiscard]] ScenarioLoad parse_scenario(const nlohmann::json& document, const std::string& base_dir = ".");

}  // namespace wholesale_ha::sim
