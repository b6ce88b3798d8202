#pragma once
// The comparison cluster (bench/README.md), written both as a Pacemaker CIB and as our JSON:
// N nodes, M migratable VMs (ocf:pacemaker:Dummy with one parameter) running round-robin,
// resource stickiness 100, node-health-strategy migrate-on-red, one node red. The CIB holds
// what a live cluster's status section holds: every resource's probe result on every node
// and its start on the node it runs on, with correct operation digests, so Pacemaker plans
// only the migrations away from the red node.

#include <string>
#include <vector>

namespace wha_bench {

struct CompareShape {
  int nodes = 32;
  int resources = 1000;
  /// false: only the start on the running node (a CIB too large with N x M probe entries;
  /// Pacemaker would then re-probe everything, our importer plans the same either way).
  bool probe_history = true;
};

inline constexpr long long kCompareNow = 1'764'050'000;

/// "node<i+1>" / "vm<i+1>".
std::string compare_node(int index);
std::string compare_vm(int index);
/// Index of the red node (the third when there are three or more nodes).
int red_node_index(const CompareShape& shape);
/// The VMs running on the red node: exactly what both engines must move.
std::vector<std::string> red_node_vms(const CompareShape& shape);

/// Pacemaker's op-digest for a parameter set, as the executor records it: MD5 of
/// " <parameters name=\"value\" .../>\n" with the names sorted.
std::string operation_digest(const std::vector<std::pair<std::string, std::string>>& params);

std::string make_compare_cib(const CompareShape& shape);
std::string make_compare_json(const CompareShape& shape);

}  // namespace wha_bench
