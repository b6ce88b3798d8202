#pragma once
// The "libvirt" backend (target wholesale_ha::libvirt): one agent manages a whole virtual
// machine through the libvirt C API — start, graceful stop, monitor with lifecycle events,
// peer-to-peer live migration with progress, and save/restore as cold migration.
//
// Resource parameters (docs/libvirt.md):
//   domain             domain name (required unless `xml` names it)
//   xml                domain XML, defined/created on start when the host lacks the domain
//   persistent         "true": define the domain on start (default: transient create)
//   shutdown_timeout   graceful shutdown before destroy (default 30s)
//   migration          "live" (default) or "save" (virDomainSave/Restore through save_dir)
//   migration_uri      where QEMU sends memory, e.g. "tcp://127.0.0.1" (default: libvirt's)
//   migration_bandwidth  MiB/s limit (default: unlimited)
//   auto_converge, postcopy  "true" to enable those migration features
//   save_dir           shared directory for save images ("save" migration)
//   uri.<node>         connection URI for that node, overriding the backend's node_uris

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include <wholesale_ha/agents/registry.hpp>
#include <wholesale_ha/events.hpp>

namespace wholesale_ha::agents {

struct LibvirtOptions {
  /// Client connection URI per node, e.g. "qemu+tcp://host-a/system" or
  /// "qemu:///system?socket=/run/host-a/libvirt-sock".
  std::map<std::string, std::string> node_uris;
  /// The URI the *source* libvirtd uses to reach a node's libvirtd in peer-to-peer migration
  /// (defaults to node_uris; differs when clients and daemons see different paths).
  std::map<std::string, std::string> peer_uris;
  std::chrono::milliseconds keepalive_interval{5'000};
  unsigned keepalive_count = 3;
  std::chrono::milliseconds reconnect_min{500};
  std::chrono::milliseconds reconnect_max{30'000};
  /// How often migration progress is sampled (virDomainGetJobStats).
  std::chrono::milliseconds progress_interval{250};
  /// Threads for libvirt's blocking calls (a migration occupies one for its duration).
  unsigned threads = 4;
};

/// A sample of a running migration's job statistics.
struct MigrationProgress {
  std::string resource;
  std::string domain;
  std::string from;
  std::string to;
  double percent = 0;  ///< of memory processed, 0–100
  std::uint64_t memory_total = 0;
  std::uint64_t memory_processed = 0;
  std::uint64_t memory_remaining = 0;
  std::uint64_t elapsed_ms = 0;
  std::uint64_t downtime_ms = 0;  ///< known once complete
  bool complete = false;
  /// The migration's first sample, taken on the worker thread right before
  /// virDomainMigrateToURI3 is called (no statistics yet). Sent only while someone subscribes.
  bool started = false;
  /// When the sample was taken (steady clock).
  std::chrono::steady_clock::time_point at{};
};

/// A lifecycle event libvirt reported for a managed domain ("STOPPED/CRASHED", ...).
struct DomainEvent {
  std::string node;
  std::string domain;
  std::string event;
  std::string detail;
};

class LibvirtBackend : public Backend {
 public:
  /// Emitted on the executor the backend was made with.
  Event<const MigrationProgress&> on_migration_progress;
  Event<const DomainEvent&> on_domain_event;
};

/// `executor` is where events and results are delivered (the controller's).
std::shared_ptr<LibvirtBackend> make_libvirt_backend(boost::asio::any_io_executor executor,
                                                     LibvirtOptions options);

}  // namespace wholesale_ha::agents
