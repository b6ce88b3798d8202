// The main demo: loads a cluster description, shows what the library sees in it, then asks
// the policy engine what to do now and what it would do when a host's hardware starts to fail.
// It grows with the library: health probes, agents and live migration join it as they land.

#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include <wholesale_ha/model/json.hpp>
#include <wholesale_ha/model/summary.hpp>
#include <wholesale_ha/policy/format.hpp>
#include <wholesale_ha/policy/planner.hpp>
#include <wholesale_ha/policy/simulation.hpp>
#include <wholesale_ha/version.hpp>

namespace {

namespace model = wholesale_ha::model;
namespace policy = wholesale_ha::policy;

void heading(const std::string& text) { fmt::print("\n=== {} ===\n\n", text); }

}  // namespace

int main(int argc, char** argv) {
  const std::string path =
      argc > 1 ? argv[1] : std::string{WHA_EXAMPLES_DIR} + "/clusters/mixed-datacenter.json";
  fmt::print("wholesale_ha {} demo: loading {}\n", wholesale_ha::kVersion, path);

  auto loaded = model::load_cluster_file(path);
  for (const auto& d : loaded.diagnostics()) {
    const bool is_error = d.severity == wholesale_ha::Diagnostic::Severity::error;
    fmt::print(stderr, "{}: {}\n", is_error ? "error" : "warning", d.to_string());
  }
  if (!loaded.ok()) {
    fmt::print(stderr, "the cluster description has {} error(s); nothing was loaded\n",
               loaded.errors().size());
    return EXIT_FAILURE;
  }
  model::Cluster cluster = std::move(*loaded);
  heading("The cluster as described");
  fmt::print("{}", model::format_summary(cluster));

  heading("What the policy engine does now");
  auto now = policy::plan(cluster.state, cluster.config);
  fmt::print("{}", policy::format_transition(now));
  cluster.state = policy::apply(cluster.state, now);

  // Predictive failure: the first node's memory starts throwing correctable errors.
  const std::string host = cluster.config.nodes.front().id;
  heading("Prediction: " + host + " turns red (#health-memory) — evacuate before it fails");
  if (auto applied = policy::simulate::health(cluster, host + ":#health-memory=red"); !applied) {
    fmt::print(stderr, "error: {}\n", applied.to_string());
    return EXIT_FAILURE;
  }
  auto evacuate = policy::plan(cluster.state, cluster.config);
  fmt::print("{}", policy::format_transition(evacuate));
  cluster.state = policy::apply(cluster.state, evacuate);

  heading("Outage: " + host + " is lost without warning — fence, then recover elsewhere");
  if (auto applied = policy::simulate::node_down(cluster, host); !applied) {
    fmt::print(stderr, "error: {}\n", applied.to_string());
    return EXIT_FAILURE;
  }
  fmt::print("{}", policy::format_transition(policy::plan(cluster.state, cluster.config)));
  return EXIT_SUCCESS;
}
