// wha-health: the local node's health as the probes see it. Runs the probes of a health
// configuration (--config) or of what this machine has (autodetected), then prints every
// #health-* attribute with its value and evidence; --watch keeps the monitor running.
// Exit status 0 = printed, 1 = the configuration has errors, 2 = usage error.

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <wholesale_ha/health/config.hpp>
#include <wholesale_ha/health/detect.hpp>
#include <wholesale_ha/health/monitor.hpp>
#include <wholesale_ha/version.hpp>
#include "parse_args.hpp"

namespace {

constexpr int kUnknown = 3;  ///< a monitoring plugin's UNKNOWN

namespace health = wholesale_ha::health;
namespace asio = boost::asio;

struct Options {
  std::string config_file;
  std::string root = "/";
  bool json = false;
  bool watch = false;
  unsigned refresh_seconds = 5;
  int verbosity = 0;
};

struct Source {
  health::HealthConfig config;
  std::vector<std::string> not_detected;
  std::string description;
};

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "this node";
  return name;
}

std::string utc(wholesale_ha::model::Timestamp seconds) {
  const auto t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/// The configuration file's probes, or what this machine has; nullopt after printing the
/// configuration's errors.
std::optional<Source> load_source(const Options& options) {
  if (options.config_file.empty()) {
    health::DetectOptions where;
    where.root = options.root;
    auto detected = health::detect_probes(where);
    return Source{std::move(detected.config), std::move(detected.skipped), "autodetected"};
  }
  auto loaded = health::load_health_config_file(options.config_file);
  for (const auto& d : loaded.diagnostics()) {
    const bool error = d.severity == wholesale_ha::Diagnostic::Severity::error;
    fmt::print(stderr, "{}: {}: {}\n", options.config_file, error ? "error" : "warning",
               d.to_string());
  }
  if (!loaded.ok()) {
    fmt::print(stderr, "{}: {} error(s); nothing was run\n", options.config_file,
               loaded.errors().size());
    return std::nullopt;
  }
  return Source{std::move(*loaded), {}, options.config_file};
}

std::string evidence_column(const health::AttributeReading& r) {
  if (!r.error) return r.evidence;
  return fmt::format("PROBE ERROR: {} (last: {})", *r.error, r.evidence);
}

std::string table(const std::vector<health::AttributeReading>& readings, const Source& source) {
  struct Row {
    std::string attribute, value, since, probe, evidence;
  };
  std::vector<Row> rows{{"ATTRIBUTE", "VALUE", "SINCE", "PROBE", "EVIDENCE"}};
  for (const auto& r : readings) {
    rows.push_back({r.attribute, r.value ? r.value->to_string() : "-",
                    r.value ? utc(r.since) : "-", r.probe, evidence_column(r)});
  }
  std::size_t w[4] = {};
  for (const auto& row : rows) {
    w[0] = std::max(w[0], row.attribute.size());
    w[1] = std::max(w[1], row.value.size());
    w[2] = std::max(w[2], row.since.size());
    w[3] = std::max(w[3], row.probe.size());
  }
  std::string out = fmt::format("health of {} ({})\n", host_name(), source.description);
  for (const auto& row : rows) {
    out += fmt::format("{:<{}}  {:<{}}  {:<{}}  {:<{}}  {}\n", row.attribute, w[0], row.value,
                       w[1], row.since, w[2], row.probe, w[3], row.evidence);
  }
  for (const auto& line : source.not_detected) out += "not detected: " + line + "\n";
  return out;
}

nlohmann::json document(const std::vector<health::AttributeReading>& readings,
                        const Source& source) {
  auto attributes = nlohmann::json::array();
  for (const auto& r : readings) {
    attributes.push_back({
        {"attribute", r.attribute},
        {"probe", r.probe},
        {"value", r.value ? nlohmann::json(r.value->to_string()) : nlohmann::json()},
        {"since", r.value ? nlohmann::json(r.since) : nlohmann::json()},
        {"checked", r.checked},
        {"evidence", r.evidence},
        {"sticky", r.sticky},
        {"error", r.error ? nlohmann::json(*r.error) : nlohmann::json()},
    });
  }
  return {{"node", host_name()},
          {"source", source.description},
          {"attributes", std::move(attributes)},
          {"not_detected", source.not_detected}};
}

void print(const health::HealthMonitor& monitor, const Source& source, const Options& options) {
  const auto readings = monitor.readings();
  if (options.json) {
    // One document per refresh: a single line each while watching, so it can be piped.
    // Probe text is repaired by the monitor; replacing here is the last defence.
    fmt::print("{}\n", document(readings, source)
                           .dump(options.watch ? -1 : 2, ' ', false,
                                 nlohmann::json::error_handler_t::replace));
  } else {
    if (options.watch && ::isatty(STDOUT_FILENO) != 0) fmt::print("\x1b[H\x1b[2J");
    fmt::print("{}", table(readings, source));
    if (options.watch) fmt::print("\n");
  }
  std::fflush(stdout);
}

/// A monitoring plugin's exit status (Nagios, Icinga, Zabbix): 2 when an attribute is red
/// (or scores -INFINITY), else 3 when a probe failed, else 1 when one is yellow (or a negative
/// score), else 0. A probe with nothing to watch here (no value, no error) does not count.
int plugin_status(const std::vector<health::AttributeReading>& readings) {
  bool critical = false, unknown = false, warning = false;
  for (const auto& r : readings) {
    if (r.error) unknown = true;
    if (!r.value) continue;
    const auto colour = r.value->colour();
    const auto score = r.value->score_value();
    critical = critical || colour == health::Colour::red || (score && *score <= wholesale_ha::model::kMinusInfinity);
    warning = warning || colour == health::Colour::yellow || (score && *score < 0);
  }
  return critical ? 2 : unknown ? 3 : warning ? 1 : 0;
}

void refresh_every(asio::steady_timer& timer, std::chrono::seconds period,
                   const std::function<void()>& show) {
  timer.expires_after(period);
  timer.async_wait([&timer, period, show](const boost::system::error_code& ec) {
    if (ec) return;
    show();
    refresh_every(timer, period, show);
  });
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Print this node's #health-* attributes as its health probes see them"};
  app.footer("Exit status, as a monitoring plugin: 0 all green, 1 something yellow, 2 something red, 3 unknown (a probe "
             "failed, or the configuration or command line cannot be used). With --watch: 0 once stopped.");
  Options options;
  app.add_option("-c,--config", options.config_file,
                 "Health configuration (JSON); default: autodetect what this machine has")
      ->check(CLI::ExistingFile);
  app.add_flag("--json", options.json, "Print JSON instead of a table");
  app.add_flag("-w,--watch", options.watch,
               "Keep the probes running on their intervals and refresh the output");
  app.add_option("--refresh", options.refresh_seconds, "Seconds between refreshes with --watch")
      ->check(CLI::PositiveNumber);
  app.add_option("--root", options.root,
                 "Where /sys, /proc and /dev are looked for when autodetecting");
  app.add_flag("-v,--verbose", options.verbosity, "Log probe activity to stderr (-vv: more)");
  app.set_version_flag("--version", std::string{wholesale_ha::kVersion});
  // Usage errors and a configuration that cannot be used are "unknown" to a monitoring system.
  if (auto status = wha_cli::parse_args(app, argc, argv, kUnknown)) return *status;

  auto source = load_source(options);
  if (!source) return kUnknown;

  // Probe errors are shown in the output; the log adds detail only when asked for.
  const auto level = options.verbosity >= 2   ? wholesale_ha::LogLevel::debug
                     : options.verbosity == 1 ? wholesale_ha::LogLevel::info
                                              : wholesale_ha::LogLevel::off;
  asio::io_context io;
  health::HealthMonitor monitor{io.get_executor(),
                                wholesale_ha::Logger{wholesale_ha::make_stderr_sink(), level}};
  if (auto added = monitor.add(source->config); !added) {
    for (const auto& d : added.errors()) fmt::print(stderr, "{}: {}\n", options.config_file, d.to_string());
    return kUnknown;
  }

  if (!options.watch) {
    // io.run() returns once every probe has answered and every tool has exited: a tool the
    // monitor gave up on is still killed by its own timeout rather than left behind.
    monitor.check_now([&] { print(monitor, *source, options); });
    io.run();
    return plugin_status(monitor.readings());
  }

  asio::signal_set signals{io, SIGINT, SIGTERM};
  signals.async_wait([&](const boost::system::error_code&, int) {
    monitor.stop();
    io.stop();
  });
  asio::steady_timer refresh{io};
  const auto show = [&] { print(monitor, *source, options); };
  monitor.start();
  monitor.check_now([&] {
    show();
    refresh_every(refresh, std::chrono::seconds{options.refresh_seconds}, show);
  });
  io.run();
  return 0;
}
