#pragma once
// The messages controllers exchange, typed. Every member applies the same messages in the same
// total order, so the replicated state is the same everywhere. Decoding checks every field's
// type and range and every node and resource name against the configuration, and makes text
// valid UTF-8; what does not decode is rejected with a reason, never guessed and never thrown.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include <wholesale_ha/agents/agent.hpp>
#include <wholesale_ha/executor/operation.hpp>
#include <wholesale_ha/model/cluster.hpp>

namespace wholesale_ha::protocol {

/// Where a resource runs (state) or that it runs there no more (nullopt).
struct Placement {
  std::string resource;
  std::string node;
  std::optional<model::ResourceState> state;
  /// A migration's end: it runs on `node` and no longer on `from`, in one step, so that no
  /// plan ever sees it nowhere.
  std::optional<std::string> from;
};
struct Failure {
  std::string resource;
  std::string node;
  std::int32_t count = 0;
  model::Timestamp last_failure = 0;
};
struct FailuresCleared {
  std::string resource;
  std::optional<std::string> node;  ///< every node when empty
};
struct Attribute {
  std::string node;
  std::string name;
  std::optional<std::string> value;  ///< removed when empty
};
struct FenceRequest {
  std::string node;
};
struct Fenced {
  std::string node;
};
struct ConfigChange {
  model::Config config;
};
/// A member's monitor saw a resource fail; the coordinator judges.
struct MonitorFailed {
  std::string resource;
  std::string node;
  agents::Outcome result;
};
/// The coordinator asks `to` to run an operation on one of its resources.
struct OpRequest {
  std::uint64_t id = 0;
  std::string to;
  executor::Operation op;
};
struct OpResult {
  std::uint64_t id = 0;
  std::string to;
  agents::Outcome result;
};
struct SyncRequest {
  std::uint64_t round = 0;
};
/// A member finishes operations before it reports: the coordinator waits for it, however long
/// that takes (every operation has a deadline), instead of planning without it.
struct SyncBusy {
  std::uint64_t round = 0;
  std::string node;
};
/// What a member runs, and the attributes and failcounts it knows of itself.
struct NodeReport {
  struct Failcount {
    std::string resource;
    std::string node;  ///< where it failed: the reporter passes on what it knows of others too
    std::int32_t count = 0;
    model::Timestamp last_failure = 0;
  };
  std::uint64_t round = 0;
  std::string coordinator;  ///< whose request this answers
  std::string node;
  std::vector<model::ResourcePlacement> placements;
  /// What the reporter's replica says runs on nodes that are not members now (lost, not yet
  /// fenced): a coordinator that started since must not think it runs nowhere.
  std::vector<model::ResourcePlacement> elsewhere;
  /// Nodes the reporter knows are down without being lost (they left cleanly or were fenced):
  /// a coordinator that started since must not fence them again.
  std::vector<std::string> departed;
  model::Attributes attributes;
  std::vector<Failcount> failcounts;
  /// Members the reporter knows are emptying themselves to shut down, and resources it knows
  /// wait for their node (shutdown_policy freeze): a coordinator that joined since must not
  /// place anything there, nor start those elsewhere.
  std::vector<std::pair<std::string, model::ShutdownKind>> shutting_down;
  std::vector<model::FrozenResource> frozen;
  /// The same for maintenance mode: nodes evacuated, resources to bring back.
  std::vector<std::string> maintenance;
  std::vector<model::ReturningResource> returns;
  /// Where resources that run nowhere last ran: that they ran at all is what admission control
  /// reads, and a member that joined after they stopped never saw them run.
  struct LastRan {
    std::string resource;
    std::string node;
  };
  std::vector<LastRan> last_ran;
  /// In a coordinator's report to itself: the nodes it probed for what it drives. Of those
  /// only, `placements` is the whole truth; it did not probe nodes it holds lost. Absent from
  /// older peers: then every node the receiver sees online.
  std::optional<std::vector<std::string>> probed;
};
/// A node shuts down or reboots cleanly: its resources follow their shutdown policy first.
struct Leaving {
  std::string node;
  model::ShutdownKind kind = model::ShutdownKind::poweroff;
};
/// It runs nothing any more and leaves: not a loss, never fenced.
struct Left {
  std::string node;
};
/// An operator turns a node's maintenance mode on (evacuate) or off (failback).
struct Maintenance {
  std::string node;
  bool on = true;
};

using Message = std::variant<Placement, Failure, FailuresCleared, Attribute, FenceRequest, Fenced, ConfigChange,
                             MonitorFailed, OpRequest, OpResult, SyncRequest, SyncBusy, NodeReport, Leaving, Left,
                             Maintenance>;

/// The wire name of a message kind ("placement", "op_request", ...).
[[nodiscard]] std::string_view type_name(const Message& message) noexcept;
[[nodiscard]] nlohmann::json encode_body(const Message& message);

struct Decoded {
  std::optional<Message> message;
  std::string error;  ///< why it was rejected, naming the field
};

/// The node and resource names a configuration has, for checking names in constant time.
class Known {
 public:
  explicit Known(const model::Config& config);
  [[nodiscard]] bool node(std::string_view id) const { return nodes_.contains(id); }
  [[nodiscard]] bool resource(std::string_view id) const { return resources_.contains(id); }

 private:
  std::unordered_set<std::string_view> nodes_;
  std::unordered_set<std::string_view> resources_;
};

/// Checks `body` as a message of kind `type` against the configuration `known` was made from
/// (names must be configured, except where a message may name what a reload removed).
[[nodiscard]] Decoded decode(std::string_view type, const nlohmann::json& body, const Known& known) noexcept;
/// The same, for one message (it indexes `config` first).
[[nodiscard]] Decoded decode(std::string_view type, const nlohmann::json& body, const model::Config& config) noexcept;

/// Limits on what a message may carry.
inline constexpr std::size_t kMaxTextBytes = 4096;
inline constexpr std::int64_t kMaxTimeoutMs = 24LL * 3600 * 1000;

}  // namespace wholesale_ha::protocol
