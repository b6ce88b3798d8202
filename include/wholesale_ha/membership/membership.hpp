#pragma once
// Who is alive: the membership view the controller plans with. Backends: in-process (one
// process simulating one or more nodes: the embedded default, tests and demos) and Corosync
// for real clusters.

#include <cstdint>
#include <string>

#include <vector>

#include <nlohmann/json.hpp>

#include <wholesale_ha/events.hpp>
#include <wholesale_ha/model/status.hpp>
#include <wholesale_ha/result.hpp>

namespace wholesale_ha::membership {

struct NodeView {
  std::string id;
  model::NodeState state = model::NodeState::online;

  friend bool operator==(const NodeView&, const NodeView&) = default;
};

struct View {
  std::uint64_t id = 0;  ///< grows with every change
  std::vector<NodeView> nodes;
  bool quorate = true;
  /// The node that plans for the cluster: the lowest id among the online nodes of a quorate
  /// partition; empty without quorum.
  std::string coordinator;

  [[nodiscard]] model::NodeState state_of(std::string_view node) const;

  friend bool operator==(const View&, const View&) = default;
};

/// A message on the cluster's broadcast channel.
struct Message {
  std::string from;  ///< the sending node
  std::string type;
  nlohmann::json body;
};

class Membership {
 public:
  virtual ~Membership() = default;

  [[nodiscard]] virtual View view() const = 0;
  /// The node this process runs as.
  [[nodiscard]] virtual std::string local_node() const = 0;

  /// Sends `body` to every member, this one included, in one total order that every member
  /// sees identically (virtual synchrony). An error means it was not sent (unavailable: not
  /// connected; too_large); nothing is then delivered.
  virtual Result<void> broadcast(const std::string& type, const nlohmann::json& body) = 0;

  /// Emitted on the membership's executor after every change of the view.
  Event<const View&> on_view_changed;
  /// Every broadcast message, in the total order, on the membership's executor.
  Event<const Message&> on_message;
};

/// The lowest online node id when quorate, else "".
std::string elect_coordinator(const std::vector<NodeView>& nodes, bool quorate);

}  // namespace wholesale_ha::membership
