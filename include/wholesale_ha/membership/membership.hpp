#pragma once
// Who is alive: the membership view the controller plans with. Backends: in-process (one
// process simulating one or more nodes: the embedded default, tests and demos) and Corosync
// for real clusters.

#include <cstdint>
#include <string>
#include <vector>

#include <wholesale_ha/events.hpp>
#include <wholesale_ha/model/status.hpp>

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

class Membership {
 public:
  virtual ~Membership() = default;

  [[nodiscard]] virtual View view() const = 0;
  /// The node this process runs as.
  [[nodiscard]] virtual std::string local_node() const = 0;

  /// Emitted on the membership's executor after every change of the view.
  Event<const View&> on_view_changed;
};

/// The lowest online node id when quorate, else "".
std::string elect_coordinator(const std::vector<NodeView>& nodes, bool quorate);

}  // namespace wholesale_ha::membership
