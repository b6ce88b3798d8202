// wha-mon: the cluster as a local wha-node sees it (like crm_mon), and a few commands.
//
//   wha-mon --socket /run/wha/node.sock              one snapshot
//   wha-mon --socket ... --watch 2                  refresh every 2 s
//   wha-mon --socket ... --json                     machine-readable
//   wha-mon --socket ... --attribute n2 #health-disk red | --move vm1 n3 | --standby n2 ...

#include <chrono>
#include <ctime>
#include <iostream>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <CLI/CLI.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <wholesale_ha/version.hpp>

#include "default_socket.hpp"
#include "parse_args.hpp"

namespace {

using nlohmann::json;

std::optional<json> ask(const std::string& path, const json& request, std::string& error) {
  try {
    boost::asio::io_context io;
    boost::asio::local::stream_protocol::socket socket{io};
    socket.connect(boost::asio::local::stream_protocol::endpoint{path});
    const std::string line = request.dump() + "\n";
    boost::asio::write(socket, boost::asio::buffer(line));
    boost::asio::streambuf buffer;
    boost::asio::read_until(socket, buffer, '\n');
    std::istream in{&buffer};
    std::string reply;
    std::getline(in, reply);
    return json::parse(reply);
  } catch (const std::exception& e) {
    error = fmt::format("cannot talk to wha-node at {}: {}", path, e.what());
    return std::nullopt;
  }
}

const char* colour(const std::string& value) {
  if (value == "red") return "\033[31m";
  if (value == "yellow") return "\033[33m";
  if (value == "green") return "\033[32m";
  return "";
}

// `s` is a copy: a missing key then reads as null and a wrong type throws json::exception,
// which main() reports, where a const lookup of a missing key would be undefined.
void print_status(json s, bool colours) {
  const char* reset = colours ? "\033[0m" : "";
  fmt::print("Cluster: {}, {}; coordinator {}, this node {}\n",
             s.value("quorate", false) ? "quorate" : "WITHOUT QUORUM", s.value("idle", false) ? "idle" : "busy",
             s.value("coordinator", std::string{}).empty() ? "(none)" : s["coordinator"].get<std::string>(),
             s.value("local", std::string{"?"}));
  if (auto f = s.value("failover_capacity", json{}); f.is_object()) {
    // Yellow: tolerated, but a spare's reserve is (partly) spent.
    const bool spent = f.contains("spares_in_use") && !f["spares_in_use"].empty();
    const char* state = !f.value("tolerated", false) ? "red" : spent ? "yellow" : "green";
    fmt::print("Failover: {}{}{}\n", colours ? colour(state) : "", f.value("verdict", std::string{}), reset);
  } else {
    fmt::print("Failover: not checked here (a cluster larger than failover_check_limit)\n");
  }
  fmt::print("\nNodes\n");
  for (auto& n : s["nodes"]) {
    std::string health;
    for (const auto& [k, v] : n["health"].items()) {
      const auto value = v.get<std::string>();
      health += fmt::format(" {}{}={}{}", colours ? colour(value) : "", k.substr(8), value, reset);
    }
    std::string mode = n.value("standby", false) ? " standby" : "";
    if (n.value("maintenance", false)) mode += " maintenance";
    if (auto shutdown = n.value("shutdown", json{}); shutdown.is_string()) {
      mode += " shutting-down(" + shutdown.get<std::string>() + ")";
    }
    fmt::print("  {:<10} {:<8}{}{}\n", n["id"].get<std::string>(), n["state"].get<std::string>(), mode,
               health.empty() ? "" : "  health:" + health);
  }
  if (auto running = s.value("in_flight", json::array()); !running.empty()) {
    fmt::print("\nIn flight\n");
    const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    for (auto& a : running) {
      std::string progress;
      if (auto p = a.value("progress", json{}); p.is_object()) {
        progress = fmt::format(", {:.0f}% ({} MiB left)", p.value("percent", 0.0),
                               p.value("remaining_bytes", std::uint64_t{0}) >> 20);
      }
      fmt::print("  {} (for {:.0f}s{})\n", a.value("action", std::string{}), now - a.value("since", now), progress);
    }
  }
  fmt::print("\nResources\n");
  for (auto& r : s["resources"]) {
    std::vector<std::string> where;
    for (auto& p : r["placements"]) {
      const auto state = p["state"].get<std::string>();
      where.push_back(p["node"].get<std::string>() + (state == "started" ? "" : " (" + state + ")"));
    }
    fmt::print("  {:<14} {:<10} {}\n", r["id"].get<std::string>(), r["backend"].get<std::string>(),
               where.empty() ? "stopped" : fmt::format("on {}", fmt::join(where, ", ")));
  }
  if (!s["failcounts"].empty()) {
    fmt::print("\nFailcounts\n");
    for (auto& f : s["failcounts"]) {
      fmt::print("  {} on {}: {}\n", f["resource"].get<std::string>(), f["node"].get<std::string>(),
                 f["count"].get<int>());
    }
  }
  if (auto evidence = s.value("local_health", json::array()); !evidence.empty()) {
    fmt::print("\nHealth evidence ({})\n", s.value("local", std::string{"this node"}));
    for (auto& r : evidence) {
      const auto value = r["value"].is_string() ? r["value"].get<std::string>() : std::string{"unknown"};
      fmt::print("  {:<16} {}{:<7}{} {}\n", r.value("attribute", std::string{}), colours ? colour(value) : "", value,
                 reset, r.value("evidence", std::string{}));
    }
  }
  if (auto fencing = s.value("fencing", json::array()); !fencing.empty()) {
    fmt::print("\nFencing (by this node)\n");
    for (auto& f : fencing) {
      const auto when = static_cast<std::time_t>(f.value("time", 0.0));
      std::tm tm{};
      ::localtime_r(&when, &tm);
      fmt::print("  {:%Y-%m-%d %H:%M:%S} {} {}{}\n", tm, f.value("node", std::string{}),
                 f.value("ok", false) ? "fenced" : "FAILED", f.value("reason", std::string{}).empty() ? "" : ": " + f.value("reason", std::string{}));
    }
  }
  if (!s["recent"].empty()) {
    fmt::print("\nRecent actions\n");
    for (auto& a : s["recent"]) {
      fmt::print("  {} {}{}\n", a["ok"].get<bool>() ? "ok    " : "FAILED", a["action"].get<std::string>(),
                 a["reason"].get<std::string>().empty() ? "" : ": " + a["reason"].get<std::string>());
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Status of a wholesale_ha cluster, from a local wha-node"};
  std::string socket;
  bool as_json = false;
  bool offline = false;
  double watch = 0;
  std::vector<std::string> attribute, move, maintenance;
  std::string standby, unstandby, clear, start, stop;
  app.add_option("--socket", socket, "wha-node's control socket")
      ->default_val(wha_cli::kDefaultSocket)
      ->envname("WHA_SOCKET");
  app.add_flag("--json", as_json, "Print the status as JSON");
  app.add_option("--watch", watch, "Refresh every N seconds");
  app.add_option("--attribute", attribute, "Set a node attribute: NODE NAME VALUE ('-' removes it)")->expected(3);
  auto* move_option =
      app.add_option("--move", move, "Move a resource: RESOURCE NODE ('-' clears the move)")->expected(2);
  app.add_flag("--offline", offline, "With --move: stop and start it there, never live-migrate")->needs(move_option);
  app.add_option("--standby", standby, "Put a node in standby");
  app.add_option("--unstandby", unstandby, "Take a node out of standby");
  app.add_option("--maintenance", maintenance,
                 "Maintenance mode: NODE on (evacuate it) | off (it takes back what left it)")
      ->expected(2);
  app.add_option("--clear", clear, "Forget a resource's failures (and release one frozen with its node)");
  app.add_option("--start", start, "Set a resource's target role to started");
  app.add_option("--stop", stop, "Set a resource's target role to stopped");
  bool reload = false;
  app.add_flag("--reload", reload,
               "Make wha-node re-read its cluster and health files (as SIGHUP does); a file with errors changes "
               "nothing and the errors are printed");
  app.footer(
      "Without a command: the status (a table, or JSON with --json; --watch refreshes it, line by line when "
      "piped). One command per run.\nExit status: 0 done, 1 wha-node refused or could not be reached, 2 usage "
      "error.");
  app.set_version_flag("--version", std::string{wholesale_ha::kVersion});
  if (auto status = wha_cli::parse_args(app, argc, argv)) return *status;
  // One request per run: a second command given with the first would be dropped silently.
  std::vector<std::string> commands;
  for (const char* name : {"--attribute", "--move", "--standby", "--unstandby", "--maintenance", "--clear", "--start",
                           "--stop", "--reload"}) {
    if (app.count(name) > 0) commands.emplace_back(name);
  }
  if (commands.size() > 1 || (!commands.empty() && watch > 0)) {
    if (watch > 0) commands.emplace_back("--watch");
    std::cerr << "give one command at a time (got " << fmt::format("{}", fmt::join(commands, ", "))
              << "); --watch shows the status only\n";
    return 2;
  }
  // Escape codes and colours only for a terminal; when piped, every refresh is flushed at
  // once (one line each with --json), so a reader sees it as it comes.
  const bool terminal = ::isatty(STDOUT_FILENO) != 0;

  json request = {{"cmd", "status"}};
  if (!attribute.empty()) {
    request = {{"cmd", "attribute"}, {"node", attribute[0]}, {"name", attribute[1]},
               {"value", attribute[2] == "-" ? json(nullptr) : json(attribute[2])}};
  } else if (!move.empty()) {
    request = {{"cmd", "move"}, {"resource", move[0]}, {"node", move[1] == "-" ? "" : move[1]}, {"offline", offline}};
  } else if (!standby.empty() || !unstandby.empty()) {
    request = {{"cmd", "standby"}, {"node", standby.empty() ? unstandby : standby}, {"on", !standby.empty()}};
  } else if (!maintenance.empty()) {
    if (maintenance[1] != "on" && maintenance[1] != "off") {
      std::cerr << "--maintenance: expected NODE on|off, got \"" << maintenance[1] << "\"\n";
      return 2;
    }
    request = {{"cmd", "maintenance"}, {"node", maintenance[0]}, {"on", maintenance[1] == "on"}};
  } else if (!clear.empty()) {
    request = {{"cmd", "clear"}, {"resource", clear}};
  } else if (!start.empty() || !stop.empty()) {
    request = {{"cmd", "role"}, {"resource", start.empty() ? stop : start}, {"role", start.empty() ? "stopped" : "started"}};
  } else if (reload) {
    request = {{"cmd", "reload"}};
  }
  const bool command = request["cmd"] != "status";
  for (;;) {
    std::string error;
    auto reply = ask(socket, request, error);
    if (!reply) {
      std::cerr << error << "\n";
      return 1;
    }
    // A refused status (permission, too many clients) is an error too, not a table.
    if (command || !reply->value("ok", false)) {
      for (const char* kind : {"errors", "warnings"}) {
        for (const auto& e : reply->value(kind, json::array())) {
          std::cerr << (kind[0] == 'e' ? "error: " : "warning: ") << (e.is_string() ? e.get<std::string>() : e.dump())
                    << "\n";
        }
      }
      return reply->value("ok", false) ? 0 : 1;
    }
    if (watch > 0 && terminal && !as_json) fmt::print("\033[H\033[2J");
    if (as_json) {
      fmt::print("{}\n", reply->dump(watch > 0 ? -1 : 2, ' ', false, json::error_handler_t::replace));
    } else {
      // Another version of wha-node, or not wha-node at all: say so rather than abort.
      const auto listed = [&](const char* key) { return reply->contains(key) && (*reply)[key].is_array(); };
      if (!listed("nodes") || !listed("resources")) {
        std::cerr << "error: wha-node's status reply is not what this wha-mon reads: no list of nodes and resources\n";
        return 1;
      }
      try {
        print_status(*reply, terminal);
      } catch (const json::exception& e) {
        std::cerr << "error: wha-node's status reply is not what this wha-mon reads: " << e.what() << "\n";
        return 1;
      }
    }
    std::fflush(stdout);
    if (watch <= 0) return 0;
    std::this_thread::sleep_for(std::chrono::duration<double>(watch));
  }
}
