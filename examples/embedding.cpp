// The README's "Using the library" snippets as one program, so that they compile (built with
// the examples) and stay what the README shows (tests/readme_snippets_test.py compares them).
// Run in a directory with a cluster.json; it keeps those resources running until killed.

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include <wholesale_ha/agents/ocf.hpp>
#include <wholesale_ha/agents/process.hpp>
#include <wholesale_ha/controller.hpp>
#include <wholesale_ha/membership/in_process.hpp>
#include <wholesale_ha/model/json.hpp>

using namespace wholesale_ha;

int main() {
  boost::asio::io_context io;

  // README: loading
  auto loaded = wholesale_ha::model::load_cluster_file("cluster.json");
  if (!loaded) {
    // Each problem: a stable code to branch on, where (a JSON pointer), and why.
    for (const auto& d : loaded.errors()) std::cerr << wholesale_ha::to_string(d.code) << " " << d.to_string() << "\n";
    return 1;  // nothing was loaded; whatever ran before keeps running
  }
  model::Config config = loaded->config;

  // README: running
  agents::Registry registry;
  registry.add("process", agents::make_process_backend());
  registry.add("ocf", agents::make_ocf_backend());
  auto membership = std::make_shared<membership::InProcessMembership>(io.get_executor(),
                                                                     std::vector<std::string>{"n1", "n2"});
  Controller controller{io.get_executor(), config, membership, registry};
  controller.on_resource_failed.subscribe([](const ResourceFailure& f) {
    std::cerr << f.resource << " failed on " << f.node << ": " << f.result.reason << "\n";  // page someone
  });
  controller.start();
  io.run();
}
