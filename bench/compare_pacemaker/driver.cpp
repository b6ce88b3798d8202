// wha-compare-driver: our side of the Pacemaker comparison (bench/README.md).
//
//   wha-compare-driver generate --nodes N --resources M --out DIR [--no-probes]
//       writes DIR/cib.xml and DIR/cluster.json (the same cluster, cluster_files.hpp)
//   wha-compare-driver plan (--json FILE | --cib FILE) [--repeat R]
//       loads the file's text (already in memory) R times and plans in at least R batches
//       of about 2 ms and for at least 0.2 s; prints one JSON line with the medians and
//       whether exactly the red node's VMs were migrated away
//   wha-compare-driver memory --nodes N --resources M
//       builds the model in memory (no JSON), prints its bytes per resource and the peak RSS
//       of planning "one node red" on it
//
// Times are process CPU time (like crm_simulate --profile's clock()).
// Exit status: 0 done and the transition was the expected one, 1 it was not, 2 usage.

#include <malloc.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <wholesale_ha/model/json.hpp>
#include <wholesale_ha/policy/planner.hpp>

#if WHA_COMPARE_WITH_CIB
#include <wholesale_ha/cib/import.hpp>
#endif

#include "../cluster_generator.hpp"
#include "cluster_files.hpp"

namespace {

namespace model = wholesale_ha::model;
namespace policy = wholesale_ha::policy;

/// Process CPU time, as Pacemaker's --profile measures (clock()): single-threaded work reads
/// the same as wall time on an idle machine and is not inflated by a busy one.
struct Clock {
  using time_point = std::chrono::nanoseconds;
  static time_point now() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return std::chrono::seconds{ts.tv_sec} + std::chrono::nanoseconds{ts.tv_nsec};
  }
};

struct Args {
  std::string command;
  int nodes = 0;
  int resources = 0;
  std::string out, json, cib;
  int repeat = 5;
  bool probes = true;
};

[[noreturn]] void usage(const std::string& why) {
  fmt::print(stderr,
             "error: {}\nusage: wha-compare-driver generate --nodes N --resources M --out DIR "
             "[--no-probes]\n       wha-compare-driver plan (--json FILE | --cib FILE) "
             "[--repeat R]\n       wha-compare-driver memory --nodes N --resources M\n",
             why);
  std::exit(2);
}

Args parse(int argc, char** argv) {
  Args a;
  if (argc < 2) usage("no command");
  a.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(arg + " needs a value");
      return argv[++i];
    };
    auto number = [&]() {
      const auto text = value();
      try {
        return std::stoi(text);
      } catch (const std::exception&) {
        usage(arg + ": not a number: " + text);
      }
    };
    if (arg == "--nodes") a.nodes = number();
    else if (arg == "--resources") a.resources = number();
    else if (arg == "--repeat") a.repeat = std::max(1, number());
    else if (arg == "--out") a.out = value();
    else if (arg == "--json") a.json = value();
    else if (arg == "--cib") a.cib = value();
    else if (arg == "--no-probes") a.probes = false;
    else usage("unknown argument " + arg);
  }
  return a;
}

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();  // CPU ms
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const auto n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // KiB on Linux
}

std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) {
    fmt::print(stderr, "error: cannot read {}\n", path);
    std::exit(1);
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out{path, std::ios::binary};
  out << text;
  return static_cast<bool>(out);
}

/// The red node (the one with a red #health-* attribute) and the VMs it runs.
struct Expected {
  std::string red_node;
  std::set<std::string> vms;
};

Expected expected_moves(const model::Cluster& cluster) {
  Expected e;
  for (const auto& [node, status] : cluster.state.nodes) {
    for (const auto& [name, value] : status.attributes) {
      if (name.starts_with("#health-") && value == "red") e.red_node = node;
    }
  }
  for (const auto& r : cluster.state.resources) {
    if (r.node == e.red_node) e.vms.insert(r.resource);
  }
  return e;
}

/// Exactly the red node's VMs, each live-migrated to another node, and nothing else.
std::string check_transition(const policy::Transition& t, const Expected& e) {
  std::set<std::string> moved;
  for (const auto& a : t.actions) {
    if (a.kind != policy::ActionKind::migrate) {
      return fmt::format("unexpected action {} of {} on {}", static_cast<int>(a.kind), a.resource,
                         a.node);
    }
    if (a.node != e.red_node || !a.target || *a.target == e.red_node) {
      return "migration of " + a.resource + " not away from the red node";
    }
    moved.insert(a.resource);
  }
  if (moved != e.vms) {
    return fmt::format("moved {} resources, the red node runs {}", moved.size(), e.vms.size());
  }
  return {};
}

int generate(const Args& a) {
  if (a.nodes < 1 || a.resources < 1 || a.out.empty()) usage("generate needs --nodes, --resources, --out");
  const wha_bench::CompareShape shape{a.nodes, a.resources, a.probes};
  std::filesystem::create_directories(a.out);
  const std::filesystem::path dir{a.out};
  if (!write_file(dir / "cib.xml", wha_bench::make_compare_cib(shape)) ||
      !write_file(dir / "cluster.json", wha_bench::make_compare_json(shape))) {
    fmt::print(stderr, "error: cannot write into {}\n", a.out);
    return 1;
  }
  fmt::print("{{\"nodes\":{},\"resources\":{},\"red_node\":\"{}\",\"expected_moves\":{}}}\n",
             a.nodes, a.resources, wha_bench::compare_node(wha_bench::red_node_index(shape)),
             wha_bench::red_node_vms(shape).size());
  return 0;
}

int plan(const Args& a) {
  if (a.json.empty() == a.cib.empty()) usage("plan needs exactly one of --json FILE, --cib FILE");
  const bool cib = !a.cib.empty();
#if !WHA_COMPARE_WITH_CIB
  if (cib) {
    fmt::print(stderr, "error: built without wholesale_ha::cib: --cib is not available\n");
    return 2;
  }
#endif
  auto start = Clock::now();
  const auto text = read_file(cib ? a.cib : a.json);
  const double read_ms = ms_since(start);

  auto load = [&]() -> wholesale_ha::Result<model::Cluster> {
#if WHA_COMPARE_WITH_CIB
    if (cib) return model::import_cib(text);
#endif
    return model::parse_cluster(text);
  };
  std::vector<double> load_ms, plan_ms;
  std::optional<model::Cluster> cluster;
  std::size_t warnings = 0;
  for (int i = 0; i < a.repeat; ++i) {
    start = Clock::now();
    auto loaded = load();
    load_ms.push_back(ms_since(start));
    if (!loaded.ok()) {
      for (const auto& d : loaded.diagnostics()) fmt::print(stderr, "{}\n", d.to_string());
      return 1;
    }
    warnings = loaded.warnings().size();
    if (i == 0 && warnings > 0) {
      for (const auto& d : loaded.diagnostics()) fmt::print(stderr, "warning: {}\n", d.to_string());
    }
    cluster = std::move(*loaded);
  }
  // Plans are timed in batches of about 2 ms, each sample the batch's time over its plans:
  // reading the process CPU clock is a system call that costs about 3 us here, a fifth of
  // planning a small cluster, and Pacemaker's figure (runs lasting about 2 s) carries none.
  // At least R samples and at least 0.2 s of planning: a median of a handful of runs that
  // take microseconds is mostly cold caches and clock noise.
  policy::Transition transition;
  start = Clock::now();
  transition = policy::plan(cluster->state, cluster->config);
  const double first_ms = ms_since(start);
  const int batch = std::clamp(static_cast<int>(2.0 / std::max(first_ms, 1e-4)), 1, 1000);
  double planned_ms = 0;
  for (int i = 0; i < a.repeat || (planned_ms < 200 && i < 100'000); ++i) {
    start = Clock::now();
    for (int b = 0; b < batch; ++b) transition = policy::plan(cluster->state, cluster->config);
    const double batch_ms = ms_since(start);
    plan_ms.push_back(batch_ms / batch);
    planned_ms += batch_ms;
  }
  const auto expected = expected_moves(*cluster);
  const auto problem = check_transition(transition, expected);
  fmt::print(
      "{{\"input\":\"{}\",\"nodes\":{},\"resources\":{},\"read_ms\":{:.3f},\"load_ms\":{:.3f},"
      "\"plan_ms\":{:.4f},\"load_plan_ms\":{:.3f},\"plan_ms_min\":{:.4f},\"moves\":{},"
      "\"expected_moves\":{},\"warnings\":{},\"ok\":{},\"peak_rss_mib\":{:.1f}}}\n",
      cib ? "cib" : "json", cluster->config.nodes.size(), cluster->config.resources.size(), read_ms,
      median(load_ms), median(plan_ms), median(load_ms) + median(plan_ms),
      *std::min_element(plan_ms.begin(), plan_ms.end()), transition.actions.size(),
      expected.vms.size(), warnings, problem.empty() ? "true" : "false", peak_rss_mib());
  if (!problem.empty()) {
    fmt::print(stderr, "error: {}\n", problem);
    return 1;
  }
  return 0;
}

int memory(const Args& a) {
  if (a.nodes < 3 || a.resources < 1) usage("memory needs --nodes (at least 3) and --resources");
  const auto before = mallinfo2().uordblks + mallinfo2().hblkhd;
  auto cluster = wha_bench::make_cluster({.nodes = a.nodes, .resources = a.resources});
  const auto after = mallinfo2().uordblks + mallinfo2().hblkhd;
  const double model_rss = peak_rss_mib();
  wha_bench::turn_red(cluster, 2);
  const auto start = Clock::now();
  const auto transition = policy::plan(cluster.state, cluster.config);
  const double plan_ms = ms_since(start);
  const auto problem = check_transition(transition, expected_moves(cluster));
  fmt::print(
      "{{\"nodes\":{},\"resources\":{},\"model_bytes\":{},\"bytes_per_resource\":{:.0f},"
      "\"rss_after_model_mib\":{:.1f},\"peak_rss_mib\":{:.1f},\"plan_ms\":{:.3f},\"moves\":{},"
      "\"ok\":{}}}\n",
      a.nodes, a.resources, after - before,
      static_cast<double>(after - before) / static_cast<double>(a.resources), model_rss,
      peak_rss_mib(), plan_ms, transition.actions.size(), problem.empty() ? "true" : "false");
  if (!problem.empty()) fmt::print(stderr, "error: {}\n", problem);
  return problem.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const auto args = parse(argc, argv);
  if (args.command == "generate") return generate(args);
  if (args.command == "plan") return plan(args);
  if (args.command == "memory") return memory(args);
  usage("unknown command " + args.command);
}
