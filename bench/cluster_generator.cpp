#include "cluster_generator.hpp"

namespace wha_bench {

namespace model = wholesale_ha::model;

model::Cluster make_cluster(const ClusterShape& shape) {
  model::Cluster c;
  auto& o = c.config.options;
  o.health.strategy = model::HealthStrategy::migrate_on_red;
  o.resource_defaults.stickiness = 100;
  o.resource_defaults.allow_migrate = true;
  if (shape.utilization) o.placement_strategy = model::PlacementStrategy::balanced;
  c.state.now = 1'764'050'000;
  c.config.nodes.reserve(static_cast<std::size_t>(shape.nodes));
  for (int n = 0; n < shape.nodes; ++n) {
    model::Node node;
    node.id = "node" + std::to_string(n + 1);
    node.name = node.id;
    node.attributes["rack"] = std::to_string(n % 4);
    if (shape.utilization) {
      // Room for everything plus a node's worth of headroom, so evacuations fit.
      const auto per_node = shape.resources / shape.nodes + shape.resources / (shape.nodes * 4) + 2;
      node.capacity = {{"cpu", 2 * per_node}, {"memory", 1024 * per_node}};
    }
    c.config.nodes.push_back(std::move(node));
  }
  c.config.resources.reserve(static_cast<std::size_t>(shape.resources));
  c.state.resources.reserve(static_cast<std::size_t>(shape.resources));
  for (int r = 0; r < shape.resources; ++r) {
    model::Resource vm;
    vm.id = "vm" + std::to_string(r + 1);
    vm.backend = "libvirt";
    vm.type = "kvm";
    vm.params = {{"domain", vm.id}};
    if (shape.utilization) vm.utilization = {{"cpu", 2}, {"memory", 1024}};
    const int node = r % shape.nodes;
    c.state.resources.push_back({vm.id, c.config.nodes[static_cast<std::size_t>(node)].id,
                                 model::ResourceState::started});
    if (shape.constraints) {
      c.config.constraints.emplace_back(model::LocationConstraint{
          "pref-" + vm.id, vm.id, c.config.nodes[static_cast<std::size_t>(node)].id, 10,
          std::nullopt});
      if (r % 4 != 0) {  // chains of four: vm(k) with vm(k-1), all on one node
        c.config.constraints.emplace_back(model::ColocationConstraint{
            "with-" + vm.id, vm.id, "vm" + std::to_string(r), 50});
      }
    }
    c.config.resources.push_back(std::move(vm));
  }
  return c;
}

void turn_red(model::Cluster& cluster, int node) {
  cluster.state.nodes[cluster.config.nodes[static_cast<std::size_t>(node)].id]
      .attributes["#health-disk"] = "red";
}

void lose_node(model::Cluster& cluster, int node) {
  cluster.state.nodes[cluster.config.nodes[static_cast<std::size_t>(node)].id].state =
      model::NodeState::unclean;
}

}  // namespace wha_bench
