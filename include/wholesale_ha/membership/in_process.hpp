#pragma once
// One process, one or more simulated nodes: the embedded default. The application (or a test)
// says when a simulated node goes down or comes back.

#include <boost/asio/any_io_executor.hpp>

#include <wholesale_ha/membership/membership.hpp>

namespace wholesale_ha::membership {

class InProcessMembership final : public Membership {
 public:
  /// All `nodes` start online and the cluster quorate; the first node is the local one.
  InProcessMembership(boost::asio::any_io_executor executor, std::vector<std::string> nodes);

  [[nodiscard]] View view() const override;
  [[nodiscard]] std::string local_node() const override;
  /// One process: delivered (posted) to this process's subscribers only.
  Result<void> broadcast(const std::string& type, const nlohmann::json& body) override;

  /// Changes a node's state (online, offline after a clean leave, unclean when lost).
  /// The view event is posted to the executor. Unknown nodes are added.
  void set_state(const std::string& node, model::NodeState state);
  void set_quorate(bool quorate);

 private:
  void changed();

  boost::asio::any_io_executor executor_;
  View view_;
};

}  // namespace wholesale_ha::membership
