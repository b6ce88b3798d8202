// wha-node: the library as a small HA daemon, one per machine. It joins the Corosync cluster,
// runs the controller (the coordinator plans; every node runs its own resources), fences with
// the configured method, and answers wha-mon on a Unix socket.
//
//   wha-node --config node.json
//
// Under systemd (wha-node.service): Type=notify readiness, watchdog keep-alives, SIGHUP
// reloads the cluster and health files, log lines go to the journal with their priority.

#include <cstdlib>
#include <functional>
#include <iostream>

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <wholesale_ha/checkpoint/backend.hpp>
#ifdef WHA_NODE_WITH_LIBVIRT
#include <wholesale_ha/libvirt/backend.hpp>
#endif
#include <wholesale_ha/agents/ocf.hpp>
#include <wholesale_ha/agents/process.hpp>
#include <wholesale_ha/controller.hpp>
#include <wholesale_ha/fencing/command.hpp>
#include <wholesale_ha/fencing/self_fence.hpp>
#include <wholesale_ha/corosync/membership.hpp>
#include <wholesale_ha/metrics.hpp>
#include <wholesale_ha/model/enum_names.hpp>
#include <wholesale_ha/version.hpp>

#include "control_socket.hpp"
#include "journal_sink.hpp"
#include "metrics_server.hpp"
#include "node_config.hpp"
#include "node_files.hpp"
#include "node_health.hpp"
#include "parse_args.hpp"
#include "replies.hpp"
#include "service_manager.hpp"
#include "shutdown_kind.hpp"
#include "socket_file.hpp"

using namespace wholesale_ha;

namespace {

/// Where the log goes: the file the node config names, else the journal when systemd
/// connected standard error to it, else plain lines on stderr.
Result<std::shared_ptr<LogSink>> log_sink(const wha_node::NodeConfig& node) {
  if (!node.log_file.empty()) return make_file_sink(node.log_file);
  return wha_node::stderr_is_journal() ? wha_node::make_journal_sink() : make_stderr_sink();
}

/// systemd's one-line STATUS= (systemctl status shows it).
std::string summary(const membership::Membership& membership) {
  const auto& view = membership.view();
  std::size_t online = 0;
  for (const auto& m : view.nodes) online += m.state == model::NodeState::online ? 1 : 0;
  return fmt::format("{}: {} member(s) online, {}, coordinator {}", membership.local_node(), online,
                     view.quorate ? "quorate" : "WITHOUT QUORUM", view.coordinator.empty() ? "none" : view.coordinator);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"wholesale_ha node daemon"};
  std::string config_path;
  app.add_option("--config", config_path, "wha-node configuration (JSON)")->required()->check(CLI::ExistingFile);
  app.footer(
      "Signals: SIGTERM leaves the cluster cleanly (resources follow their shutdown policy first), SIGINT stops "
      "at once leaving resources as they are, SIGHUP re-reads the cluster and health files.\nUnder systemd "
      "(wha-node.service): readiness and watchdog notifications, log priorities in the journal.\nExit status: 0 "
      "stopped or left cleanly, 1 invalid configuration or a second daemon, 2 usage error.");
  app.set_version_flag("--version", std::string{kVersion});
  if (auto status = wha_cli::parse_args(app, argc, argv)) return *status;

  std::vector<std::string> errors;
  auto node = wha_node::load_node_config(config_path, errors);
  for (const auto& e : errors) std::cerr << config_path << ": " << e << "\n";
  if (!node) return 1;
  auto loaded = wha_node::load_node_files(*node);
  for (const auto& e : loaded.errors) std::cerr << e << "\n";
  for (const auto& w : loaded.warnings) std::cerr << w << "\n";
  if (!loaded.files) return 1;

  auto sink = log_sink(*node);
  if (!sink) {
    std::cerr << "log_file: " << sink.error().message << "\n";
    return 1;
  }
  Logger log{*sink, LogLevel::info, "wha-node"};
  boost::asio::io_context io;
  wha_node::ServiceManager service{io.get_executor(), log.child("systemd")};

  agents::Registry registry;
  registry.add("process", agents::make_process_backend());
  registry.add("checkpoint", agents::make_checkpoint_backend());
  registry.add("ocf", agents::make_ocf_backend({.ocf_root = node->ocf_root, .state_dir = node->ocf_state_dir}));
#ifdef WHA_NODE_WITH_LIBVIRT
  std::shared_ptr<agents::LibvirtBackend> libvirt;
#endif
  if (node->libvirt.enabled) {
#ifdef WHA_NODE_WITH_LIBVIRT
    libvirt = agents::make_libvirt_backend(io.get_executor(),
                                           {.node_uris = node->libvirt.node_uris, .peer_uris = node->libvirt.peer_uris});
    registry.add("libvirt", libvirt);
#else
    std::cerr << config_path << ": /libvirt: this wha-node was built without libvirt (install libvirt-dev and rebuild)\n";
    return 1;
#endif
  }
  if (auto problems = registry.validate(loaded.files->cluster.resources); !problems.diagnostics().empty()) {
    for (const auto& d : problems.diagnostics()) std::cerr << node->cluster_file << ": " << d.to_string() << "\n";
    return 1;
  }

  // Before joining the cluster: a second daemon for this node must stop here, not join too.
  const wha_node::AccessPolicy access{.owner = ::geteuid(),
                                      .group = node->socket_group.value_or(::getegid()),
                                      .readonly_others = node->socket_readonly_others};
  std::string socket_error;
  auto socket_file = wha_node::create_socket_file(node->socket, node->socket_mode, access.group, socket_error);
  if (!socket_file) {
    std::cerr << config_path << ": /socket: " << socket_error << "\n";
    return 1;
  }

  auto membership = std::make_shared<membership::CorosyncMembership>(
      io.get_executor(), membership::CorosyncOptions{.group = node->group}, log);
  std::shared_ptr<fencing::Fencer> fencer;
  if (node->fencing.type == "command") {
    auto command = fencing::CommandFencer::create(
        io.get_executor(), fencing::CommandFencerOptions{.program = node->fencing.program, .args = node->fencing.args},
        log);
    if (!command) {
      std::cerr << config_path << ": /fencing: " << command.error().message << "\n";
      return 1;
    }
    fencer = *command;
  } else if (node->fencing.type == "self") {
    fencer = std::make_shared<fencing::SelfFenceWait>(io.get_executor(), node->fencing.deadline);
  }

  Controller controller{io.get_executor(), loaded.files->cluster, membership, registry,
                        {.logger = log,
                         .fencer = fencer,
                         .startup_grace = node->startup_grace,
                         .sync_timeout = node->sync_timeout}};
  // The node's own health probes become its #health-* attributes, shared with the cluster.
  wha_node::NodeHealth health{io.get_executor(), log.child("health"), controller};
  health.use(loaded.files->health);

  // SIGHUP and wha-mon --reload: both files again, applied together or not at all.
  auto reload = [&]() -> nlohmann::json {
    service.reloading();
    auto next = wha_node::load_node_files(*node);
    if (next.files) {
      for (const auto& d : controller.reload(next.files->cluster).diagnostics()) {
        (d.severity == Diagnostic::Severity::error ? next.errors : next.warnings)
            .push_back(node->cluster_file + ": " + d.to_string());
      }
    }
    const bool applied = next.files && next.errors.empty();
    if (applied) health.use(std::move(next.files->health));
    for (const auto& w : next.warnings) log.warn("reload: {}", w);
    for (const auto& e : next.errors) log.error("reload: {}", e);
    if (applied) {
      log.info("reload: {} and {} applied", node->cluster_file,
               node->health_file.empty() ? std::string{"no health probes"} : node->health_file);
    } else {
      log.error("reload rejected with {} error(s); the running configuration is unchanged", next.errors.size());
    }
    service.ready(summary(*membership));
    return {{"ok", applied}, {"errors", next.errors}, {"warnings", next.warnings}};
  };

  wha_node::Activity activity;
  ScopedConnection action_started = controller.on_action_started.subscribe([&](const auto& a) { activity.started(a); });
  ScopedConnection action_finished =
      controller.on_action_finished.subscribe([&](const auto& r) { activity.finished(r); });
  const wha_node::Daemon daemon{controller, *membership, activity, health, reload};

  // Metrics for Prometheus and its kin, when node.json asks for them (metrics_listen).
  Metrics metrics{controller};
#ifdef WHA_NODE_WITH_LIBVIRT
  ScopedConnection migration_progress;
  if (libvirt) {
    migration_progress = libvirt->on_migration_progress.subscribe([&](const agents::MigrationProgress& p) {
      metrics.migration_progress({p.resource, p.from, p.to, p.memory_total, p.memory_remaining, p.complete});
      activity.migration_progress(p.resource, p.percent, p.memory_remaining, p.memory_total);
    });
  }
#endif
  std::unique_ptr<wha_node::MetricsServer> metrics_server;
  if (node->metrics) {
    std::string error;
    metrics_server = wha_node::MetricsServer::listen(
        io, *node->metrics,
        [&](MetricsFormat format) {
          const auto readings = health.readings();
          return metrics.render(format, membership->local_node(), readings);
        },
        log.child("metrics"), error);
    if (!metrics_server) {
      std::cerr << config_path << ": /metrics_listen: " << error << "\n";
      return 1;
    }
  }
  wha_node::ControlSocket control{
      io,     node->socket, *socket_file, access, [&](const wha_node::Request& r) { return wha_node::answer(r, daemon); },
      log.child("control")};

  // SIGTERM (systemd at shutdown or reboot, an update): leave cleanly — the resources follow
  // their shutdown policy first and the others are told, so this node is not fenced. SIGINT:
  // stop at once and leave everything as it is (the others then see a lost node). SIGHUP: reload.
  bool started = false;
  boost::asio::signal_set signals{io, SIGINT, SIGTERM, SIGHUP};
  boost::asio::steady_timer leave_deadline{io};
  std::function<void(const boost::system::error_code&, int)> on_signal;
  on_signal = [&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    if (signal == SIGHUP) {
      log.info("SIGHUP: reloading the configuration");
      reload();
      return signals.async_wait(on_signal);
    }
    health.stop();
    if (signal == SIGINT || !started) {
      log.info("stopping (resources are left as they are)");
      service.stopping("stopping; resources are left as they are");
      return controller.stop([&] { io.stop(); });
    }
    const auto kind = node->shutdown_kind == "reboot"     ? model::ShutdownKind::reboot
                      : node->shutdown_kind == "poweroff" ? model::ShutdownKind::poweroff
                                                          : wha_node::detect_shutdown_kind();
    log.info("leaving the cluster for a {}: resources follow their shutdown policy (at most {}ms)",
             model::to_string(kind), node->leave_timeout.count());
    service.stopping(fmt::format("leaving the cluster for a {}", model::to_string(kind)));
    leave_deadline.expires_after(node->leave_timeout);
    leave_deadline.async_wait([&](const boost::system::error_code& e) {
      if (e) return;
      log.error("could not leave cleanly within {}ms: stopping; the cluster will fence this node",
                node->leave_timeout.count());
      controller.stop([&] { io.stop(); });
    });
    controller.leave(kind, [&] {
      leave_deadline.cancel();
      log.info("left the cluster cleanly");
      io.stop();
    });
  };
  signals.async_wait(on_signal);
  // The controller starts once corosync has told us who we are; systemd hears "ready" then.
  ScopedConnection views = membership->on_view_changed.subscribe([&](const membership::View&) {
    if (!membership->connected()) return;
    if (started) return service.status(summary(*membership));
    started = true;
    // Posted: the controller subscribes to views itself and must see this one as current.
    boost::asio::post(io, [&] {
      controller.start();
      health.start(membership->local_node());
      service.ready(summary(*membership));
    });
  });
  membership->start();
  io.run();
  return EXIT_SUCCESS;
}
