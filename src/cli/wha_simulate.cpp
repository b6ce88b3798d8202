// wha-simulate: what would the policy engine do with this cluster (like crm_simulate)?
// Reads a cluster JSON (or a Pacemaker CIB with --cib), applies "what if" events, prints the
// transition and optionally the scores behind a resource's placement, a Graphviz graph, and
// the resulting placement.

#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <wholesale_ha/model/json.hpp>
#include <wholesale_ha/model/summary.hpp>
#include <wholesale_ha/policy/format.hpp>
#include <wholesale_ha/policy/planner.hpp>
#include <wholesale_ha/policy/simulation.hpp>
#include <wholesale_ha/version.hpp>

#include "cluster_input.hpp"
#include "parse_args.hpp"

namespace {

namespace model = wholesale_ha::model;
namespace policy = wholesale_ha::policy;
namespace simulate = wholesale_ha::policy::simulate;

struct Events {
  std::optional<model::Timestamp> now;
  std::vector<std::string> down, offline, up, shutdown, reboot, standby, unstandby, maintenance, end_maintenance,
      health, fail, fail_operation;
  std::vector<std::string> move;  ///< RESOURCE NODE pairs
  bool move_offline = false;
  bool no_quorum = false;
  bool quorum = false;
};

/// Applies the events in a fixed order (time, membership, standby, health, failures, quorum);
/// returns false after printing every error.
bool apply_events(model::Cluster& cluster, const Events& e) {
  std::vector<std::string> errors;
  auto check = [&](const wholesale_ha::Result<void>& applied) {
    if (!applied) errors.push_back(applied.error().message);
  };
  if (e.now) cluster.state.now = *e.now;
  for (const auto& n : e.down) check(simulate::node_down(cluster, n));
  for (const auto& n : e.offline) check(simulate::node_offline(cluster, n));
  for (const auto& n : e.up) check(simulate::node_up(cluster, n));
  for (const auto& n : e.shutdown) check(simulate::shutdown(cluster, n, model::ShutdownKind::poweroff));
  for (const auto& n : e.reboot) check(simulate::shutdown(cluster, n, model::ShutdownKind::reboot));
  for (const auto& n : e.standby) check(simulate::standby(cluster, n, true));
  for (const auto& n : e.unstandby) check(simulate::standby(cluster, n, false));
  for (const auto& n : e.maintenance) check(simulate::maintenance(cluster, n, true));
  for (const auto& n : e.end_maintenance) check(simulate::maintenance(cluster, n, false));
  for (const auto& h : e.health) check(simulate::health(cluster, h));
  for (const auto& f : e.fail) check(simulate::fail(cluster, f));
  for (const auto& f : e.fail_operation) check(simulate::fail_operation(cluster, f));
  for (std::size_t i = 0; i + 1 < e.move.size(); i += 2) {
    check(simulate::move(cluster, e.move[i], e.move[i + 1] == "-" ? "" : e.move[i + 1], e.move_offline));
  }
  if (e.no_quorum) check(simulate::quorum(cluster, false));
  if (e.quorum) check(simulate::quorum(cluster, true));
  for (const auto& error : errors) fmt::print(stderr, "error: {}\n", error);
  return errors.empty();
}

bool write_text(const std::string& path, const std::string& text) {
  if (path == "-") {
    fmt::print("{}", text);
    return true;
  }
  std::ofstream out{path};
  out << text;
  if (!out) {
    fmt::print(stderr, "error: cannot write {}\n", path);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Show what the wholesale_ha policy engine would do with a cluster"};
  wha_cli::ClusterInput input;
  wha_cli::add_cluster_input_options(app, input);
  Events events;
  std::vector<std::string> explain;
  std::string dot_file;
  std::string save_file;
  bool as_json = false;
  bool show_apply = false;
  int survive = 0;  ///< --survive K: the failure what-if
  bool quiet = false;

  app.add_option("--now", events.now, "Plan at this time (seconds since the epoch)");
  app.add_option("--node-down", events.down, "Node is lost (unclean: it must be fenced)");
  app.add_option("--node-offline", events.offline, "Node left cleanly or was fenced");
  app.add_option("--node-up", events.up, "Node is back online");
  app.add_option("--shutdown", events.shutdown,
                 "Node announces a clean power-off: its resources follow their shutdown_policy");
  app.add_option("--reboot", events.reboot, "Node announces a clean reboot (conditional policy: freeze)");
  app.add_option("--standby", events.standby, "Put a node in standby");
  app.add_option("--unstandby", events.unstandby, "Take a node out of standby");
  app.add_option("--maintenance", events.maintenance,
                 "Maintenance mode on: evacuate a node, remembering what to bring back");
  app.add_option("--end-maintenance", events.end_maintenance,
                 "Maintenance mode off: what the node ran returns to it (failback)");
  app.add_option("--health", events.health, "Set a health attribute, e.g. n3:#health-disk=red");
  app.add_option("--fail", events.fail, "A resource fails on a node, e.g. vm7@n1");
  app.add_option("--fail-op", events.fail_operation,
                 "An operation fails, its on_fail applied: RESOURCE@NODE:start|stop|migrate");
  auto* move_option =
      app.add_option("--move", events.move, "The operator moves a resource: RESOURCE NODE ('-' clears the move)")
          ->expected(2);
  app.add_flag("--offline", events.move_offline,
               "The --move is an offline move: stop and start, never live migration")
      ->needs(move_option);
  app.add_flag("--no-quorum", events.no_quorum, "The partition loses quorum");
  app.add_flag("--quorum", events.quorum, "The partition has quorum (again)");
  app.add_option("--survive", survive,
                 "Plan the loss of every K nodes at once (K = 1: each node, 2: each pair) and report what "
                 "would stay stopped")
      ->check(CLI::Range(1, 3));
  app.add_option("--explain", explain, "Show every node's score for a resource, with sources (repeat for more)");
  app.add_option("--dot", dot_file, "Write the transition as a Graphviz graph ('-' = stdout, the report then goes to stderr)");
  app.add_option("--save", save_file, "Write the cluster after the transition as JSON ('-' = stdout, as --dot)");
  app.add_flag("--apply", show_apply, "Print the placement after the transition succeeds");
  app.add_flag("--json", as_json, "Print JSON instead of text");
  app.add_flag("-q,--quiet", quiet, "Do not print the current cluster");
  app.set_version_flag("--version", std::string{wholesale_ha::kVersion});
  // One value per occurrence (repeat the option for more): a list option must not swallow
  // the cluster file that follows it.
  for (auto* option : app.get_options()) {
    if (option->get_items_expected_max() > 1 && option->get_name() != "--move") {
      option->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    }
  }
  app.footer(
      "Events are applied in this order: --now, --node-down/--node-offline/--node-up, "
      "--shutdown/--reboot, --standby/--unstandby, --maintenance/--end-maintenance, --health, "
      "--fail, --fail-op, --move, --no-quorum/--quorum.\nThe cluster is a JSON file or, "
      "with --cib, a Pacemaker CIB (import warnings go to stderr).\nExit status: 0 planned, 1 invalid "
      "input, 2 usage error.");
  if (auto status = wha_cli::parse_args(app, argc, argv)) return *status;
  if (dot_file == "-" && save_file == "-") {
    fmt::print(stderr, "--dot - and --save - both want standard output: give one of them a file\n");
    return 2;
  }

  // Every diagnostic, JSON or CIB alike: a CIB's warnings name what was left out and where
  // (an XPath-like location), so the transition below is read knowing what it lacks.
  auto loaded = wha_cli::load_cluster_input(input);
  for (const auto& d : loaded.diagnostics()) {
    const bool is_error = d.is_error();
    fmt::print(stderr, "{}: {}\n", is_error ? "error" : "warning", d.to_string());
  }
  if (!loaded.ok()) return 1;
  model::Cluster cluster = std::move(*loaded);
  if (!apply_events(cluster, events)) return 1;
  for (const auto& r : explain) {
    if (cluster.config.find_resource(r) == nullptr) {
      fmt::print(stderr, "error: --explain: unknown resource \"{}\"\n", r);
      return 1;
    }
  }

  const auto transition = policy::plan(cluster.state, cluster.config);
  // Only --apply and --save show the cluster after the transition: a copy of a large
  // cluster is not made for nothing.
  std::optional<model::Cluster> after;
  if (show_apply || !save_file.empty()) {
    after.emplace(model::Cluster{cluster.config, policy::apply(cluster.state, transition)});
  }

  // Standard output carries one thing: the graph or the cluster when written there ('-'),
  // else the report, which then goes to standard error.
  std::FILE* report = dot_file == "-" || save_file == "-" ? stderr : stdout;
  if (as_json) {
    nlohmann::json out = {{"transition", policy::to_json(transition)}};
    if (!explain.empty()) {
      out["explain"] = nlohmann::json::array();
      for (const auto& r : explain) {
        out["explain"].push_back(policy::to_json(policy::explain(cluster.state, cluster.config, r)));
      }
    }
    if (show_apply) out["after"] = model::to_json(*after)["status"];
    if (survive > 0) {
      out["survivability"] = policy::to_json(policy::survivability(cluster.state, cluster.config, survive));
    }
    // Replacing, not throwing, as the last defence should any text have escaped repair.
    fmt::print(report, "{}\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
  } else {
    if (!quiet) fmt::print(report, "Current cluster\n{}\n", model::format_summary(cluster));
    fmt::print(report, "{}", policy::format_transition(transition));
    for (const auto& r : explain) {
      fmt::print(report, "\n{}", policy::format_explanation(
                            policy::explain(cluster.state, cluster.config, r)));
    }
    if (show_apply) fmt::print(report, "\nAfter the transition\n{}", model::format_summary(*after));
    if (survive > 0) {
      fmt::print(report, "\n{}", policy::format_survivability(policy::survivability(cluster.state, cluster.config, survive)));
    }
  }
  if (!dot_file.empty() && !write_text(dot_file, policy::to_dot(transition))) return 1;
  if (!save_file.empty() && !write_text(save_file, model::to_json_string(*after) + "\n")) {
    return 1;
  }
  return 0;
}
