// Two real libvirt daemons (tests/libvirt/hosts.sh, started by run_two_hosts.sh) and a tiny
// QEMU guest under the controller: a red host's guest is live-migrated away with progress
// seen; then its new host dies, is fenced, and the guest is restarted on the survivor.

#include <libvirt/libvirt.h>
#include <unistd.h>

#include <cstdlib>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <wholesale_ha/libvirt/backend.hpp>
#include <wholesale_ha/controller.hpp>
#include <wholesale_ha/membership/in_process.hpp>
#include <wholesale_ha/process/child_process.hpp>

#include "../support/io_wait.hpp"

namespace {

using namespace std::chrono_literals;
namespace agents = wholesale_ha::agents;
namespace model = wholesale_ha::model;

std::string base() {
  const char* b = std::getenv("WHA_LV_BASE");
  return b != nullptr ? b : "";
}

std::string socket_of(const std::string& host) { return base() + "/" + host + "/sock/libvirt-sock"; }

/// Where the domain runs now, asking each daemon directly (not through the library).
std::vector<std::string> running_on(const std::string& domain) {
  std::vector<std::string> out;
  for (const char* host : {"host-a", "host-b"}) {
    virConnectPtr c = virConnectOpen(("qemu:///system?socket=" + socket_of(host)).c_str());
    if (c == nullptr) continue;
    if (virDomainPtr d = virDomainLookupByName(c, domain.c_str())) {
      int state = 0;
      int reason = 0;
      if (virDomainGetState(d, &state, &reason, 0) == 0 && state == VIR_DOMAIN_RUNNING) out.push_back(host);
      virDomainFree(d);
    }
    virConnectClose(c);
  }
  return out;
}

std::string guest_xml() {
  // KVM when this machine offers it, otherwise QEMU's TCG emulation (slower, same semantics).
  const bool kvm = ::access("/dev/kvm", R_OK | W_OK) == 0;
  return std::string{"<domain type='"} + (kvm ? "kvm" : "qemu") +
         "'><name>wha-guest</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
         "<os><type arch='x86_64' machine='pc'>hvm</type></os><on_poweroff>destroy</on_poweroff>"
         "<devices><emulator>/usr/bin/qemu-system-x86_64</emulator>"
         "<controller type='usb' model='none'/><memballoon model='none'/><serial type='null'/>"
         "</devices></domain>";
}

TEST(LibvirtTwoHosts, RedHostLiveMigratesThenDeadHostIsFencedAndRecovered) {
  ASSERT_FALSE(base().empty()) << "run through tests/libvirt/run_two_hosts.sh";
  boost::asio::io_context io;
  agents::LibvirtOptions options;
  for (const char* host : {"host-a", "host-b"}) {
    options.node_uris[host] = "qemu:///system?socket=" + socket_of(host);
    options.peer_uris[host] = "qemu+unix:///system?socket=" + socket_of(host);
  }
  options.progress_interval = 50ms;
  auto backend = agents::make_libvirt_backend(io.get_executor(), options);
  agents::Registry registry;
  registry.add("libvirt", backend);

  model::Config config;
  config.nodes = {{"host-a", "host-a", false, false, {}, {}}, {"host-b", "host-b", false, false, {}, {}}};
  config.options.health.strategy = model::HealthStrategy::migrate_on_red;
  model::Resource vm;
  vm.id = "guest";
  vm.backend = "libvirt";
  // A bandwidth cap stretches the idle guest's short migration over several progress samples
  // (with KVM it is otherwise over between two samples, and "progress seen" would be luck).
  vm.params = {{"xml", guest_xml()},
               {"shutdown_timeout", "2s"},
               {"migration_uri", "tcp://127.0.0.1"},
               {"migration_bandwidth", "1"}};
  vm.meta.allow_migrate = true;
  vm.meta.stickiness = 100;
  vm.operations.monitor.interval = 1s;
  config.resources.push_back(vm);

  auto membership = std::make_shared<wholesale_ha::membership::InProcessMembership>(
      io.get_executor(), std::vector<std::string>{"host-a", "host-b"});
  // Fencing a host: power it off for real (its guests' QEMU processes and its daemon).
  const std::string hosts_sh = std::string{WHA_SOURCE_DIR} + "/tests/libvirt/hosts.sh";
  auto fencer = std::make_shared<wholesale_ha::fencing::CallbackFencer>(
      [&](const std::string& node, std::chrono::milliseconds timeout, agents::Handler done) {
        wholesale_ha::process::Command kill{.program = hosts_sh, .args = {"kill", node}, .timeout = timeout};
        wholesale_ha::process::async_run(io.get_executor(), kill, [&, node, done](wholesale_ha::process::Outcome r) {
          if (r.success()) membership->set_state(node, model::NodeState::offline);
          done({r.success() ? agents::Status::success : agents::Status::error_generic, r.describe()});
        });
      });
  wholesale_ha::Controller controller{io.get_executor(), config, membership, registry,
                                      {.logger = wholesale_ha::Logger{nullptr}, .fencer = fencer}};
  std::vector<agents::MigrationProgress> progress;
  wholesale_ha::ScopedConnection p = backend->on_migration_progress.subscribe(
      [&](const agents::MigrationProgress& sample) { progress.push_back(sample); });

  controller.start();
  ASSERT_TRUE(wha_test::run_until(io, [&] { return controller.idle(); }, 120s));
  auto where = running_on("wha-guest");
  ASSERT_EQ(where.size(), 1U) << "the guest runs exactly once";
  const std::string first = where[0];
  const std::string second = first == "host-a" ? "host-b" : "host-a";

  // Predicted failure: the host turns red; the guest moves before anything breaks.
  EXPECT_TRUE(controller.set_attribute(first, "#health-disk", "red").ok());
  ASSERT_TRUE(wha_test::run_until(io, [&] { return !controller.idle(); }, 10s));
  ASSERT_TRUE(wha_test::run_until(io, [&] { return controller.idle(); }, 120s));
  EXPECT_EQ(running_on("wha-guest"), std::vector<std::string>{second}) << "live-migrated, gone from the source";
  ASSERT_FALSE(progress.empty()) << "progress events during the migration";
  EXPECT_TRUE(progress.front().started && progress.front().memory_total == 0)
      << "the first sample marks the call to virDomainMigrateToURI3";
  EXPECT_EQ(std::count_if(progress.begin(), progress.end(), [](const auto& s) { return s.started; }), 1);
  EXPECT_TRUE(std::any_of(progress.begin(), progress.end(),
                          [](const auto& s) { return !s.complete && s.memory_total > 0; }));
  EXPECT_TRUE(std::any_of(progress.begin(), progress.end(), [](const auto& s) { return s.complete; }));

  // The first host is repaired; then the guest's new host dies outright.
  EXPECT_TRUE(controller.set_attribute(first, "#health-disk", std::nullopt).ok());
  ASSERT_TRUE(wha_test::run_until(io, [&] { return controller.idle(); }, 60s));
  ASSERT_TRUE(wholesale_ha::process::run({.program = hosts_sh, .args = {"kill", second}}).success());
  membership->set_state(second, model::NodeState::unclean);
  ASSERT_TRUE(wha_test::run_until(io, [&] { return running_on("wha-guest") == std::vector<std::string>{first}; }, 120s));
  ASSERT_TRUE(wha_test::run_until(io, [&] { return controller.idle(); }, 60s));
  EXPECT_EQ(controller.state().nodes.at(second).state, model::NodeState::offline) << "fenced before recovery";

  // Leave nothing running: stop the guest through the library.
  EXPECT_TRUE(controller.set_target_role("guest", model::TargetRole::stopped).ok());
  ASSERT_TRUE(wha_test::run_until(io, [&] { return controller.idle() && running_on("wha-guest").empty(); }, 60s));
  bool stopped = false;
  controller.stop([&] { stopped = true; });
  wha_test::run_until(io, [&] { return stopped; });
}

}  // namespace
