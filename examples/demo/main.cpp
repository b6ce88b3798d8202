// The headline demo: three libvirt hosts on this machine (started by run_demo.sh), three tiny
// guests under the controller, and — when run_demo.sh could build it — a small Linux guest
// serving HTTP. Its web server dies inside the VM → it is restarted inside, without a reboot.
// A host's disk is predicted to fail → its guests live-migrate away before anything breaks.
// Then another host's libvirt daemon dies → the library notices, fences that host, and
// restarts its guests elsewhere.

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <map>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <fmt/format.h>

#include <wholesale_ha/libvirt/backend.hpp>
#include <wholesale_ha/controller.hpp>
#include <wholesale_ha/membership/in_process.hpp>
#include <wholesale_ha/policy/format.hpp>
#include <wholesale_ha/process/child_process.hpp>

#include "demo_story.hpp"

using namespace wholesale_ha;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> kHosts = {"host-a", "host-b", "host-c"};

std::string socket_of(const std::string& base, const std::string& host) {
  return base + "/" + host + "/sock/libvirt-sock";
}

model::Resource guest(const std::string& name) {
  const bool kvm = ::access("/dev/kvm", R_OK | W_OK) == 0;
  model::Resource vm;
  vm.id = name;
  vm.backend = "libvirt";
  vm.params = {{"xml", fmt::format("<domain type='{}'><name>{}</name><memory unit='MiB'>64</memory>"
                                   "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os>"
                                   "<devices><emulator>/usr/bin/qemu-system-x86_64</emulator>"
                                   "<controller type='usb' model='none'/><memballoon model='none'/>"
                                   "<serial type='null'/></devices></domain>",
                                   kvm ? "kvm" : "qemu", name)},
               {"shutdown_timeout", "2s"},
               {"migration_uri", "tcp://127.0.0.1"}};
  vm.meta.allow_migrate = true;
  vm.meta.stickiness = 100;
  vm.operations.monitor.interval = 2s;
  return vm;
}

/// A Linux guest from tests/libvirt/guest/build_image.sh in `image`: busybox httpd inside,
/// watched through the QEMU guest agent, with a recovery ladder that restarts httpd in place.
model::Resource app_guest(const std::string& image) {
  // QEMU's TCG unless told otherwise: on nested-virtualisation hosts (this machine among them)
  // a Linux kernel may not boot under KVM (docs/libvirt.md).
  const char* type = std::getenv("WHA_GUEST_DOMAIN_TYPE");
  model::Resource vm = guest("vm-app");
  vm.params["xml"] = fmt::format(
      "<domain type='{}'><name>vm-app</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>"
      "<os><type arch='x86_64' machine='pc'>hvm</type><kernel>{}/vmlinuz</kernel><initrd>{}/initrd.gz</initrd>"
      "<cmdline>console=ttyS0 panic=0 quiet</cmdline></os>"
      "<devices><emulator>/usr/bin/qemu-system-x86_64</emulator>"
      "<controller type='usb' model='none'/><memballoon model='none'/><serial type='null'/>"
      "<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel></devices></domain>",
      type != nullptr ? type : "qemu", image, image);
  vm.params["guest_agent"] = "true";
  vm.params["guest_check_exec"] = "pidof httpd";
  vm.params["guest_restart_command"] = "httpd -p 80 -h /www";
  vm.recovery = {{"restart_application", 2, std::nullopt}, {"reset", 1, std::nullopt}};
  return vm;
}

}  // namespace

int main() {
  const char* base_env = std::getenv("WHA_LV_BASE");
  if (base_env == nullptr) {
    std::cerr << "run the demo with ./scripts/dev demo (it starts the libvirt hosts)\n";
    return 2;
  }
  const std::string base = base_env;
  const std::string hosts_sh = std::string{WHA_EXAMPLES_DIR} + "/../tests/libvirt/hosts.sh";
  boost::asio::io_context io;

  agents::LibvirtOptions options;
  for (const auto& h : kHosts) {
    options.node_uris[h] = "qemu:///system?socket=" + socket_of(base, h);
    options.peer_uris[h] = "qemu+unix:///system?socket=" + socket_of(base, h);
  }
  options.progress_interval = 100ms;
  auto libvirt = agents::make_libvirt_backend(io.get_executor(), options);
  agents::Registry registry;
  registry.add("libvirt", libvirt);

  model::Config config;
  for (const auto& h : kHosts) config.nodes.push_back({h, h, false, false, {}, {}});
  config.options.health.strategy = model::HealthStrategy::migrate_on_red;
  config.options.migration_limit = 2;
  for (const char* name : {"vm-web", "vm-db", "vm-cache"}) config.resources.push_back(guest(name));
  const char* image = std::getenv("WHA_GUEST_IMAGE");
  if (image != nullptr) config.resources.push_back(app_guest(image));

  auto membership = std::make_shared<membership::InProcessMembership>(io.get_executor(), kHosts);
  // Fencing a simulated host powers it off for real: its guests and its daemon are killed.
  auto fencer = std::make_shared<fencing::CallbackFencer>(
      [&](const std::string& node, std::chrono::milliseconds timeout, agents::Handler done) {
        process::async_run(io.get_executor(), {.program = hosts_sh, .args = {"kill", node}, .timeout = timeout},
                           [&, node, done](process::Outcome r) {
                             if (r.success()) membership->set_state(node, model::NodeState::offline);
                             done({r.success() ? agents::Status::success : agents::Status::error_generic,
                                   r.success() ? "powered off" : r.describe()});
                           });
      });
  Controller controller{io.get_executor(), config, membership, registry,
                        {.logger = Logger{make_null_sink()}, .fencer = fencer}};

  demo::Story story{io, controller, *libvirt, hosts_sh, image != nullptr ? "vm-app" : ""};
  boost::asio::signal_set interrupt{io, SIGINT, SIGTERM};
  interrupt.async_wait([&](const boost::system::error_code& ec, int) {
    if (!ec) story.interrupted();
  });
  story.begin();
  io.run();
  return story.exit_code();
}
