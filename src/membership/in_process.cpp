#include <wholesale_ha/membership/in_process.hpp>

#include <algorithm>

#include <boost/asio/post.hpp>

namespace wholesale_ha::membership {

model::NodeState View::state_of(std::string_view node) const {
  auto it = std::find_if(nodes.begin(), nodes.end(), [&](const NodeView& n) { return n.id == node; });
  return it == nodes.end() ? model::NodeState::offline : it->state;
}

std::string elect_coordinator(const std::vector<NodeView>& nodes, bool quorate) {
  if (!quorate) return {};
  std::string best;
  for (const auto& n : nodes) {
    if (n.state == model::NodeState::online && (best.empty() || n.id < best)) best = n.id;
  }
  return best;
}

InProcessMembership::InProcessMembership(boost::asio::any_io_executor executor,
                                         std::vector<std::string> nodes)
    : executor_(std::move(executor)) {
  for (auto& id : nodes) view_.nodes.push_back({std::move(id), model::NodeState::online});
  view_.id = 1;
  view_.coordinator = elect_coordinator(view_.nodes, view_.quorate);
}

View InProcessMembership::view() const { return view_; }

std::string InProcessMembership::local_node() const {
  return view_.nodes.empty() ? std::string{} : view_.nodes.front().id;
}

Result<void> InProcessMembership::broadcast(const std::string& type, const nlohmann::json& body) {
  boost::asio::post(executor_, [this, m = Message{local_node(), type, body}] { on_message.emit(m); });
  return {};
}

void InProcessMembership::set_state(const std::string& node, model::NodeState state) {
  auto it = std::find_if(view_.nodes.begin(), view_.nodes.end(),
                         [&](const NodeView& n) { return n.id == node; });
  if (it == view_.nodes.end()) {
    view_.nodes.push_back({node, state});
  } else if (it->state == state) {
    return;
  } else {
    it->state = state;
  }
  changed();
}

void InProcessMembership::set_quorate(bool quorate) {
  if (view_.quorate == quorate) return;
  view_.quorate = quorate;
  changed();
}

void InProcessMembership::changed() {
  ++view_.id;
  view_.coordinator = elect_coordinator(view_.nodes, view_.quorate);
  boost::asio::post(executor_, [this, snapshot = view_] { on_view_changed.emit(snapshot); });
}

}  // namespace wholesale_ha::membership
