// wha-sim: runs the real controller cores of a whole cluster on virtual time, under faults,
// and checks the invariants (docs/simulation.md). Exit status: 0 every run held, 1 an
// invariant broke, 2 usage or input errors.

#include <chrono>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <wholesale_ha/version.hpp>

#include "parse_args.hpp"
#include "sim/shrink.hpp"

namespace sim = wholesale_ha::sim;

namespace {

void print_failure(const sim::Scenario& s, const sim::Violation& v) {
  fmt::print("FAILED {}: {} at {:.3f}s: {}\n", s.name, v.invariant, static_cast<double>(v.at.count()) / 1000, v.detail);
  fmt::print("  {} nodes, {} resources; faults:\n", s.config.nodes.size(), s.config.resources.size());
  for (const auto& f : s.faults) fmt::print("    {}\n", sim::describe(f));
}

bool save(const sim::Scenario& s, const std::string& path) {
  std::ofstream out(path);
  out << sim::to_json(s).dump(2) << "\n";
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Simulates a cluster of controller cores on virtual time under faults, checking the invariants."};
  std::string file;
  std::uint64_t seeds = 0, first = 1;
  std::optional<std::uint64_t> seed;
  sim::Shape shape;
  bool trace = false, do_shrink = false;
  std::string save_path;
  std::int64_t minutes = 20;
  app.add_option("scenario", file, "a scenario file (JSON) to run");
  app.add_option("--seed", seed, "run the random scenario of this seed");
  app.add_option("--seeds", seeds, "run this many random scenarios");
  app.add_option("--first", first, "the first seed of --seeds")->capture_default_str();
  app.add_option("--min-nodes", shape.min_nodes)->capture_default_str();
  app.add_option("--max-nodes", shape.max_nodes)->capture_default_str();
  app.add_option("--min-resources", shape.min_resources)->capture_default_str();
  app.add_option("--max-resources", shape.max_resources)->capture_default_str();
  app.add_option("--min-faults", shape.min_faults)->capture_default_str();
  app.add_option("--max-faults", shape.max_faults)->capture_default_str();
  app.add_option("--minutes", minutes, "virtual minutes with faults, before 10 to settle")->capture_default_str();
  app.add_flag("--trace", trace, "print every core's log lines with virtual time");
  app.add_flag("--shrink", do_shrink, "make a failing scenario minimal");
  app.add_option("--save", save_path, "write the (shrunk) failing scenario here");
  app.set_version_flag("--version", std::string{wholesale_ha::kVersion});
  if (auto status = wha_cli::parse_args(app, argc, argv)) return *status;
  if (file.empty() == !(seed || seeds > 0) || (seed && seeds > 0)) {
    std::cerr << "wha-sim: give one of a scenario file, --seed S or --seeds N\n";
    return 2;
  }
  shape.duration = std::chrono::minutes{minutes};
  sim::Options options;
  options.trace = trace;

  auto report = [&](const sim::Scenario& s, const sim::Outcome& o) {
    if (o.ok()) return 0;
    print_failure(s, o.violations.front());
    if (do_shrink) {
      auto shrunk = sim::shrink(s, o.violations.front().invariant, sim::Options{});
      fmt::print("shrunk in {} runs to {} fault(s):\n", shrunk.runs, shrunk.scenario.faults.size());
      print_failure(shrunk.scenario, shrunk.violation);
      if (!save_path.empty() && !save(shrunk.scenario, save_path)) std::cerr << "wha-sim: cannot write " << save_path << "\n";
    } else if (!save_path.empty() && !save(s, save_path)) {
      std::cerr << "wha-sim: cannot write " << save_path << "\n";
    }
    return 1;
  };

  if (!file.empty()) {
    std::ifstream in(file);
    auto document = nlohmann::json::parse(in, nullptr, false);
    if (!in.good() && !in.eof()) {
      std::cerr << "wha-sim: cannot read " << file << "\n";
      return 2;
    }
    if (document.is_discarded()) {
      std::cerr << "wha-sim: " << file << " is not JSON\n";
      return 2;
    }
    const auto slash = file.find_last_of('/');
    auto loaded = sim::parse_scenario(document, slash == std::string::npos ? "." : file.substr(0, slash));
    if (!loaded.scenario) {
      std::cerr << "wha-sim: " << file << ": " << loaded.error << "\n";
      return 2;
    }
    if (loaded.scenario->name.empty()) loaded.scenario->name = file;
    const auto outcome = sim::run(*loaded.scenario, options);
    if (outcome.ok()) {
      fmt::print("{}: every invariant held ({} events, {} operations, {} messages, {} fences, {} migrations)\n",
                 loaded.scenario->name, outcome.events, outcome.operations, outcome.messages, outcome.fences,
                 outcome.migrations);
    }
    return report(*loaded.scenario, outcome);
  }
  if (seed) {
    const auto scenario = sim::random_scenario(*seed, shape);
    const auto outcome = sim::run(scenario, options);
    if (outcome.ok()) {
      fmt::print("{}: every invariant held ({} events, {} operations, {} messages, {} fences, {} migrations)\n",
                 scenario.name, outcome.events, outcome.operations, outcome.messages, outcome.fences, outcome.migrations);
    }
    return report(scenario, outcome);
  }

  const auto started = std::chrono::steady_clock::now();
  std::uint64_t failed = 0, events = 0, ran = 0;
  for (std::uint64_t s = first; s < first + seeds; ++s) {
    ++ran;
    const auto scenario = sim::random_scenario(s, shape);
    const auto outcome = sim::run(scenario, options);
    events += outcome.events;
    if (!outcome.ok()) {
      ++failed;
      report(scenario, outcome);
      if (failed >= 5) break;  // enough to work on
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  // After five failures it stops: the count is of the seeds that ran.
  fmt::print("{} seed(s) from {}: {} passed, {} failed; {} events in {:.1f}s ({:.0f} seeds/s)\n", ran, first,
             ran - failed, failed, events, seconds, static_cast<double>(ran) / seconds);
  return failed == 0 ? 0 : 1;
}
