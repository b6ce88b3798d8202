// Wholesale backends: the libvirt agent against real libvirt daemons (tests/libvirt/hosts.sh,
// started by tests/libvirt/with_hosts.sh; run with bench/libvirt/run.sh).
//
// * BM_MigrationOverhead: the library's own share of a live migration — from the executor
//   dispatching the migrate action (Controller::on_action_started) to the moment the agent
//   calls virDomainMigrateToURI3 (the backend's "started" progress sample, stamped on the
//   worker thread right before the call). One migration per repetition: the aggregates are
//   the median/mean/min/max over single migrations.
// * BM_LibvirtLookupRoundTrip: one virDomainLookupByName against the same daemon, the one
//   libvirt round trip the agent makes inside that window.
// * BM_EvacuateRedHost/limit: 8 tiny guests on host-a, host-a turns red (migrate-on-red), wall
//   time until all 8 have been live-migrated to host-b/host-c, for the cluster option
//   migration_limit 1, 2 and 4.
//
// bench/README.md ("Wholesale backends") explains the method and the caveats.

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>
#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include <wholesale_ha/libvirt/backend.hpp>
#include <wholesale_ha/controller.hpp>
#include <wholesale_ha/membership/in_process.hpp>

namespace {

/// A command the benchmark relies on was refused: the measurement would be meaningless.
void must(const wholesale_ha::Result<void>& done) {
  if (done) return;
  std::fprintf(stderr, "the controller refused a command: %s\n", done.to_string().c_str());
  std::abort();
}

using namespace std::chrono_literals;
namespace agents = wholesale_ha::agents;
namespace model = wholesale_ha::model;
namespace policy = wholesale_ha::policy;
using Clock = std::chrono::steady_clock;

const std::vector<std::string> kHosts = {"host-a", "host-b", "host-c"};
const std::string kRedHost = "host-a";
const std::string kHealth = "#health-disk";
constexpr int kFleet = 8;

double micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }
double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

double median(const std::vector<double>& v) {
  if (v.empty()) return 0;
  auto s = v;
  std::sort(s.begin(), s.end());
  const auto n = s.size();
  return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}
double minimum(const std::vector<double>& v) { return v.empty() ? 0 : *std::min_element(v.begin(), v.end()); }
double maximum(const std::vector<double>& v) { return v.empty() ? 0 : *std::max_element(v.begin(), v.end()); }

std::string guest_xml(const std::string& name) {
  // The demo's and the two-host test's tiny guest: 64 MiB, 1 vCPU, no disk. KVM when this
  // machine offers it, otherwise QEMU's TCG emulation.
  const bool kvm = ::access("/dev/kvm", R_OK | W_OK) == 0;
  return fmt::format("<domain type='{}'><name>{}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
                     "<os><type arch='x86_64' machine='pc'>hvm</type></os><on_poweroff>destroy</on_poweroff>"
                     "<devices><emulator>/usr/bin/qemu-system-x86_64</emulator>"
                     "<controller type='usb' model='none'/><memballoon model='none'/><serial type='null'/>"
                     "</devices></domain>",
                     kvm ? "kvm" : "qemu", name);
}

model::Resource guest(const std::string& name) {
  model::Resource vm;
  vm.id = name;
  vm.backend = "libvirt";
  // A guest without an OS ignores the ACPI shutdown: keep the final clean-up short.
  vm.params = {{"xml", guest_xml(name)}, {"shutdown_timeout", "200ms"}, {"migration_uri", "tcp://127.0.0.1"}};
  vm.meta.allow_migrate = true;
  vm.meta.stickiness = 100;
  vm.operations.monitor.interval = 2s;
  return vm;
}

/// The simulated hosts, one io_context and one libvirt backend for every benchmark; one
/// controller ("scenario") at a time on top.
class Lab {
 public:
  Lab() {
    const char* b = std::getenv("WHA_LV_BASE");
    if (b == nullptr || *b == '\0') {
      unavailable_ = "no libvirt hosts: run through tests/libvirt/with_hosts.sh (bench/libvirt/run.sh)";
      return;
    }
    base_ = b;
    for (const auto& h : kHosts) {
      virConnectPtr c = virConnectOpen(uri(h).c_str());
      if (c == nullptr) {
        virErrorPtr e = virGetLastError();
        unavailable_ = fmt::format("cannot reach the libvirt daemon of {} ({}): {}", h, uri(h),
                                   e != nullptr && e->message != nullptr ? e->message : "unknown error");
        return;
      }
      virConnectClose(c);
    }
    agents::LibvirtOptions options;
    for (const auto& h : kHosts) {
      options.node_uris[h] = uri(h);
      options.peer_uris[h] = "qemu+unix:///system?socket=" + socket(h);
    }
    options.progress_interval = 100ms;
    options.threads = 8;  // up to 4 migrations block a thread each, plus monitors
    backend_ = agents::make_libvirt_backend(io.get_executor(), options);
    registry_.add("libvirt", backend_);
  }

  Lab(const Lab&) = delete;
  Lab& operator=(const Lab&) = delete;
  ~Lab() { end_scenario(); }

  [[nodiscard]] const std::string& unavailable() const { return unavailable_; }
  [[nodiscard]] std::string socket(const std::string& host) const { return base_ + "/" + host + "/sock/libvirt-sock"; }
  [[nodiscard]] std::string uri(const std::string& host) const { return "qemu:///system?socket=" + socket(host); }
  [[nodiscard]] agents::LibvirtBackend& backend() { return *backend_; }

  /// Runs the io_context until `done` holds; false after `deadline`.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds deadline = 120s) {
    const auto stop_at = Clock::now() + deadline;
    while (!done()) {
      if (Clock::now() > stop_at) return false;
      io.restart();
      io.run_for(2ms);
    }
    return true;
  }

  /// Where `domain` runs, asking each daemon directly (not through the library).
  std::vector<std::string> running_on(const std::string& domain) const {
    std::vector<std::string> out;
    for (const auto& h : kHosts) {
      virConnectPtr c = virConnectOpen(uri(h).c_str());
      if (c == nullptr) continue;
      if (virDomainPtr d = virDomainLookupByName(c, domain.c_str())) {
        int state = 0;
        int reason = 0;
        if (virDomainGetState(d, &state, &reason, 0) == 0 && state == VIR_DOMAIN_RUNNING) out.push_back(h);
        virDomainFree(d);
      }
      virConnectClose(c);
    }
    return out;
  }

  /// The controller of scenario `name`, created (and converged) on first use with `config`
  /// and `executor` options; a different scenario's controller stops its guests and goes first.
  /// Null, with `error` set, when the cluster does not converge.
  /// `warm_up`, when given, runs once after that (false: it failed, `error` says why).
  wholesale_ha::Controller* scenario(const std::string& name, const std::function<model::Config()>& config,
                                     wholesale_ha::executor::ExecutorOptions executor, std::string& error,
                                     const std::function<bool(wholesale_ha::Controller&, std::string&)>& warm_up = {}) {
    if (controller_ && scenario_ == name) return controller_.get();
    end_scenario();
    const char* log = std::getenv("WHA_BENCH_LOG");
    std::vector<std::string> nodes;
    auto c = config();
    for (const auto& n : c.nodes) nodes.push_back(n.id);
    membership_ = std::make_shared<wholesale_ha::membership::InProcessMembership>(io.get_executor(), nodes);
    controller_ = std::make_unique<wholesale_ha::Controller>(
        io.get_executor(), std::move(c), membership_, registry_,
        wholesale_ha::ControllerOptions{.logger = log != nullptr ? wholesale_ha::Logger{} : wholesale_ha::Logger{nullptr},
                                        .executor = executor});
    scenario_ = name;
    controller_->start();
    if (!run_until([&] { return controller_->idle(); }, 180s)) {
      error = "scenario " + name + " did not converge within 180s";
      return nullptr;
    }
    if (warm_up && !warm_up(*controller_, error)) return nullptr;
    return controller_.get();
  }

  /// Stops the current scenario's guests through the library, then its controller.
  void end_scenario() {
    if (!controller_) return;
    for (const auto& r : controller_->config().resources) must(controller_->set_target_role(r.id, model::TargetRole::stopped));
    const bool clean = run_until(
        [&] {
          if (!controller_->idle()) return false;
          return std::all_of(controller_->config().resources.begin(), controller_->config().resources.end(),
                             [&](const model::Resource& r) { return running_on(r.id).empty(); });
        },
        120s);
    if (!clean) std::cerr << "warning: the guests of scenario " << scenario_ << " did not stop; hosts.sh down kills them\n";
    bool stopped = false;
    controller_->stop([&] { stopped = true; });
    run_until([&] { return stopped; }, 60s);
    controller_.reset();
    membership_.reset();
    scenario_.clear();
  }

  boost::asio::io_context io;

 private:
  std::string unavailable_;
  std::string base_;
  std::shared_ptr<agents::LibvirtBackend> backend_;
  agents::Registry registry_;
  std::string scenario_;
  std::shared_ptr<wholesale_ha::membership::InProcessMembership> membership_;
  std::unique_ptr<wholesale_ha::Controller> controller_;
};

Lab* g_lab = nullptr;

/// The lab, or null after skipping `state` with the reason.
Lab* lab_or_skip(benchmark::State& state) {
  if (g_lab == nullptr || !g_lab->unavailable().empty()) {
    state.SkipWithError(g_lab == nullptr ? "no lab" : g_lab->unavailable().c_str());
    return nullptr;
  }
  return g_lab;
}

// ---- (1) the library's share of one live migration -------------------------------------

const std::string kSolo = "wha-bench-solo";

model::Config solo_config() {
  model::Config config;
  config.nodes = {{"host-a", "host-a", false, false, {}, {}}, {"host-b", "host-b", false, false, {}, {}}};
  config.options.health.strategy = model::HealthStrategy::migrate_on_red;
  config.resources.push_back(guest(kSolo));
  return config;
}

wholesale_ha::Controller* solo(Lab& lab, std::string& error) {
  return lab.scenario("solo", solo_config, {}, error);
}

void BM_MigrationOverhead(benchmark::State& state) {
  Lab* lab = lab_or_skip(state);
  if (lab == nullptr) return;
  std::string error;
  wholesale_ha::Controller* controller = solo(*lab, error);
  if (controller == nullptr) return state.SkipWithError(error.c_str());

  std::optional<Clock::time_point> planned, dispatched, called, finished;
  std::optional<wholesale_ha::executor::ActionResult> result;
  wholesale_ha::ScopedConnection p = controller->on_transition_planned.subscribe([&](const policy::Transition&) {
    if (!planned) planned = Clock::now();
  });
  wholesale_ha::ScopedConnection s = controller->on_action_started.subscribe([&](const policy::Action& a) {
    if (a.kind == policy::ActionKind::migrate) dispatched = Clock::now();
  });
  wholesale_ha::ScopedConnection f =
      controller->on_action_finished.subscribe([&](const wholesale_ha::executor::ActionResult& r) {
        if (r.action.kind != policy::ActionKind::migrate) return;
        finished = Clock::now();
        result = r;
      });
  wholesale_ha::ScopedConnection m =
      lab->backend().on_migration_progress.subscribe([&](const agents::MigrationProgress& sample) {
        if (sample.started) called = sample.at;
      });

  for (auto _ : state) {
    const auto where = lab->running_on(kSolo);
    if (where.size() != 1) {
      state.SkipWithError(fmt::format("{} runs on {} hosts, not one", kSolo, where.size()).c_str());
      break;
    }
    const std::string from = where[0];
    const std::string to = from == "host-a" ? "host-b" : "host-a";
    planned.reset();
    dispatched.reset();
    called.reset();
    finished.reset();
    result.reset();

    const auto red = Clock::now();
    must(controller->set_attribute(from, kHealth, "red"));
    if (!lab->run_until([&] { return finished.has_value() && controller->idle(); })) {
      state.SkipWithError("the migration did not end within 120s");
      break;
    }
    if (!result->result.ok() || result->fallback || !called || !dispatched || !planned) {
      state.SkipWithError(fmt::format("the live migration did not happen as expected: {}{}",
                                      result->result.reason, result->fallback ? " (fell back to stop + start)" : "")
                              .c_str());
      break;
    }
    if (lab->running_on(kSolo) != std::vector<std::string>{to}) {
      state.SkipWithError(fmt::format("{} is not running on {} alone after the migration", kSolo, to).c_str());
      break;
    }
    state.SetIterationTime(std::chrono::duration<double>(*called - *dispatched).count());
    state.counters["red_to_plan_us"] = micros(*planned - red);
    state.counters["red_to_dispatch_us"] = micros(*dispatched - red);
    state.counters["red_to_call_us"] = micros(*called - red);
    state.counters["call_to_done_ms"] = micros(*finished - *called) / 1000;

    // Repaired: nothing moves back (stickiness), and the next repetition migrates the other way.
    must(controller->set_attribute(from, kHealth, std::nullopt));
    if (!lab->run_until([&] { return controller->idle(); })) {
      state.SkipWithError("the cluster did not settle after the repair");
      break;
    }
  }
}
BENCHMARK(BM_MigrationOverhead)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond)
    ->Iterations(1)
    ->Repetitions(20)
    ->ComputeStatistics("min", minimum)
    ->ComputeStatistics("max", maximum);

/// The one libvirt round trip the agent makes before migrating (virDomainLookupByName on the
/// source's connection), back to back and after 20 ms idle, for the breakdown of the window
/// above.
void BM_LibvirtLookupRoundTrip(benchmark::State& state) {
  Lab* lab = lab_or_skip(state);
  if (lab == nullptr) return;
  std::string error;
  if (solo(*lab, error) == nullptr) return state.SkipWithError(error.c_str());
  const auto where = lab->running_on(kSolo);
  if (where.size() != 1) return state.SkipWithError("the solo guest does not run exactly once");
  virConnectPtr c = virConnectOpen(lab->uri(where[0]).c_str());
  if (c == nullptr) return state.SkipWithError("cannot connect to the guest's daemon");
  // Set up like the backend's shared connections: keepalive and a lifecycle callback, so
  // replies pass through libvirt's event thread (which the backend already runs) as theirs do.
  virConnectSetKeepAlive(c, 6, 3);
  const int callback = virConnectDomainEventRegisterAny(
      c, nullptr, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
      VIR_DOMAIN_EVENT_CALLBACK(+[](virConnectPtr, virDomainPtr, int, int, void*) { return 0; }), nullptr, nullptr);
  const auto idle = std::chrono::milliseconds{state.range(0)};
  for (auto _ : state) {
    // The agent's lookup comes after a quiet spell (threads asleep, caches cold): idle first.
    if (idle.count() > 0) std::this_thread::sleep_for(idle);
    const auto begin = Clock::now();
    virDomainPtr d = virDomainLookupByName(c, kSolo.c_str());
    state.SetIterationTime(seconds(Clock::now() - begin));
    if (d == nullptr) {
      state.SkipWithError("lookup failed");
      break;
    }
    virDomainFree(d);
  }
  if (callback >= 0) virConnectDomainEventDeregisterAny(c, callback);
  virConnectClose(c);
}
BENCHMARK(BM_LibvirtLookupRoundTrip)->ArgName("idle_ms")->Arg(0)->UseManualTime()->Unit(benchmark::kMicrosecond)->Repetitions(3);
BENCHMARK(BM_LibvirtLookupRoundTrip)
    ->ArgName("idle_ms")
    ->Arg(20)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond)
    ->Iterations(1)
    ->Repetitions(50)
    ->ReportAggregatesOnly(true)
    ->ComputeStatistics("min", minimum)
    ->ComputeStatistics("max", maximum);

// ---- (2) evacuating a red host ------------------------------------------------------

std::string fleet_name(int i) { return fmt::format("wha-bench-{}", i); }

model::Config fleet_config() {
  model::Config config;
  for (const auto& h : kHosts) config.nodes.push_back({h, h, false, false, {}, {}});
  config.options.health.strategy = model::HealthStrategy::migrate_on_red;
  for (int i = 0; i < kFleet; ++i) {
    config.resources.push_back(guest(fleet_name(i)));
    // Home is the host that turns red: stronger than stickiness, so the guests return once
    // it is repaired and every repetition starts from the same placement.
    config.constraints.emplace_back(model::LocationConstraint{"home-" + fleet_name(i), fleet_name(i), kRedHost, 1000, {}});
  }
  return config;
}

int guests_on(const wholesale_ha::Controller& controller, const std::string& node) {
  return static_cast<int>(std::count_if(controller.state().resources.begin(), controller.state().resources.end(),
                                        [&](const model::ResourcePlacement& p) {
                                          return p.node == node && p.state == model::ResourceState::started;
                                        }));
}

/// Sets or clears red on host-a and waits until the fleet is away from it, or home again.
bool evacuate_or_return(Lab& lab, wholesale_ha::Controller& controller, bool red, std::string& error) {
  must(controller.set_attribute(kRedHost, kHealth, red ? std::optional<std::string>{"red"} : std::nullopt));
  if (lab.run_until([&] { return controller.idle() && guests_on(controller, kRedHost) == (red ? 0 : kFleet); }, 180s)) {
    return true;
  }
  error = red ? "the guests did not leave the red host-a within 180s" : "the guests did not come home to host-a within 180s";
  return false;
}

void BM_EvacuateRedHost(benchmark::State& state) {
  const auto limit = static_cast<std::int32_t>(state.range(0));
  Lab* lab = lab_or_skip(state);
  if (lab == nullptr) return;
  std::string error;
  // No executor-wide cap (ExecutorOptions::migration_limit, none by default): the cluster
  // option under test is what limits the migrations.
  // Freshly started guests are still in their firmware's boot loop, dirtying memory, and the
  // hosts have not migrated yet: one untimed round trip (without a limit) first.
  wholesale_ha::Controller* controller = lab->scenario(
      "fleet", fleet_config, {.node_concurrency = 4, .migration_limit = -1}, error,
      [lab](wholesale_ha::Controller& c, std::string& why) {
        return evacuate_or_return(*lab, c, true, why) && evacuate_or_return(*lab, c, false, why);
      });
  if (controller == nullptr) return state.SkipWithError(error.c_str());

  // Set the limit, and make sure every guest is home and nothing is red.
  auto config = controller->config();
  if (config.options.migration_limit != limit) {
    config.options.migration_limit = limit;
    if (auto problems = controller->reload(config); !problems.diagnostics().empty()) {
      return state.SkipWithError(("reload: " + problems.diagnostics().front().to_string()).c_str());
    }
  }
  if (!evacuate_or_return(*lab, *controller, false, error)) return state.SkipWithError(error.c_str());

  std::set<std::string> moved;
  std::optional<Clock::time_point> all_moved;
  int in_flight = 0;
  int most_in_flight = 0;
  int transitions = 0;
  int failures = 0;
  std::vector<double> libvirt_ms;
  wholesale_ha::ScopedConnection p =
      controller->on_transition_planned.subscribe([&](const policy::Transition&) { ++transitions; });
  wholesale_ha::ScopedConnection s = controller->on_action_started.subscribe([&](const policy::Action& a) {
    if (a.kind == policy::ActionKind::migrate) most_in_flight = std::max(most_in_flight, ++in_flight);
  });
  wholesale_ha::ScopedConnection f =
      controller->on_action_finished.subscribe([&](const wholesale_ha::executor::ActionResult& r) {
        if (r.action.kind != policy::ActionKind::migrate || r.skipped) return;
        --in_flight;
        if (!r.result.ok() || r.fallback) {
          ++failures;
          return;
        }
        if (r.action.node == kRedHost) moved.insert(r.action.resource);
        if (moved.size() == kFleet && !all_moved) all_moved = Clock::now();
      });
  wholesale_ha::ScopedConnection m =
      lab->backend().on_migration_progress.subscribe([&](const agents::MigrationProgress& sample) {
        if (sample.complete) libvirt_ms.push_back(static_cast<double>(sample.elapsed_ms));
      });

  for (auto _ : state) {
    const auto red = Clock::now();
    must(controller->set_attribute(kRedHost, kHealth, "red"));
    if (!lab->run_until([&] { return (all_moved.has_value() || failures > 0) && controller->idle(); }, 300s)) {
      state.SkipWithError("the evacuation did not end within 300s");
      break;
    }
    if (failures > 0 || !all_moved) {
      state.SkipWithError(fmt::format("{} migration(s) failed or fell back to stop + start", failures).c_str());
      break;
    }
    std::string misplaced;
    for (int i = 0; i < kFleet && misplaced.empty(); ++i) {
      const auto where = lab->running_on(fleet_name(i));
      if (where.size() != 1 || where[0] == kRedHost) misplaced = fleet_name(i);
    }
    if (!misplaced.empty()) {
      state.SkipWithError(fmt::format("{} is not running once, away from the red host", misplaced).c_str());
      break;
    }
    state.SetIterationTime(seconds(*all_moved - red));
    state.counters["transitions"] = transitions;
    state.counters["most_parallel"] = most_in_flight;
    state.counters["libvirt_job_ms"] = median(libvirt_ms);  // per migration, as libvirt reports it
    state.counters["on_b"] = guests_on(*controller, "host-b");
    state.counters["on_c"] = guests_on(*controller, "host-c");
  }
}
BENCHMARK(BM_EvacuateRedHost)
    ->ArgName("limit")
    ->Arg(1)
    ->Arg(2)
    ->Arg(4)
    ->UseManualTime()
    ->Unit(benchmark::kSecond)
    ->Iterations(1)
    ->Repetitions(5)
    ->ComputeStatistics("min", minimum)
    ->ComputeStatistics("max", maximum);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  Lab lab;
  if (!lab.unavailable().empty()) {
    std::cout << "SKIPPED: " << lab.unavailable() << "\n";
    return 0;
  }
  g_lab = &lab;
  benchmark::RunSpecifiedBenchmarks();
  g_lab = nullptr;
  lab.end_scenario();
  benchmark::Shutdown();
  return 0;
}
