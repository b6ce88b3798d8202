#include <wholesale_ha/libvirt/backend.hpp>

#include <atomic>
#include <filesystem>
#include <mutex>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <fmt/format.h>

#include "../params.hpp"
#include "../process/health_checks.hpp"
#include "connection.hpp"
#include "domain_ops.hpp"
#include "guest_watch.hpp"

namespace wholesale_ha::agents {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using detail::ParamKind;
using libvirt::Connection;

const std::vector<detail::ParamSpec>& libvirt_params() {
  static const std::vector<detail::ParamSpec> specs = {
      {"domain", false, ParamKind::string},          {"xml", false, ParamKind::string},
      {"persistent", false, ParamKind::boolean},     {"shutdown_timeout", false, ParamKind::duration},
      {"migration", false, ParamKind::string},       {"migration_uri", false, ParamKind::string},
      {"migration_bandwidth", false, ParamKind::integer},
      {"auto_converge", false, ParamKind::boolean},  {"postcopy", false, ParamKind::boolean},
      {"save_dir", false, ParamKind::string},
      {"guest_agent", false, ParamKind::boolean},    {"guest_agent_timeout", false, ParamKind::duration},
      {"watchdog", false, ParamKind::boolean},       {"guest_check_exec", false, ParamKind::string},
      {"guest_check_tcp", false, ParamKind::string}, {"guest_check_http", false, ParamKind::string},
      {"guest_address", false, ParamKind::string},   {"guest_restart_command", false, ParamKind::string},
      {"guest_boot_grace", false, ParamKind::duration},
  };
  return specs;
}

/// The <name> of a domain XML, or "".
std::string xml_name(const std::string& xml) {
  const auto open = xml.find("<name>");
  const auto close = xml.find("</name>", open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos) return {};
  return xml.substr(open + 6, close - open - 6);
}

const char* event_name(int event) {
  static const char* const kNames[] = {"DEFINED", "UNDEFINED", "STARTED",   "SUSPENDED", "RESUMED",
                                       "STOPPED", "SHUTDOWN",  "PMSUSPENDED", "CRASHED"};
  return event >= 0 && event < 9 ? kNames[event] : "UNKNOWN";
}

/// What agents share with their backend, kept alive by the agents themselves.
struct Shared {
  Shared(asio::any_io_executor e, LibvirtOptions o)
      : ex(std::move(e)), options(std::move(o)), pool(std::max(2U, options.threads)),
        loop(libvirt::EventLoop::acquire()) {}
  ~Shared() { pool.join(); }

  asio::any_io_executor ex;
  LibvirtOptions options;
  asio::thread_pool pool;
  std::shared_ptr<libvirt::EventLoop> loop;
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<Connection>> connections;  // by URI
  std::map<std::pair<std::string, std::string>, std::function<void()>> watchers;  // (uri, domain)
  /// When each domain's watchdog last fired, by (uri, domain).
  std::map<std::pair<std::string, std::string>, std::chrono::steady_clock::time_point> watchdog_fired;
  std::weak_ptr<LibvirtBackend> backend;

  std::shared_ptr<Connection> connection(const std::string& uri) {
    std::lock_guard lock{mutex};
    auto& c = connections[uri];
    if (!c) {
      c = std::make_shared<Connection>(
          uri,
          libvirt::ConnectionSettings{options.keepalive_interval, options.keepalive_count,
                                      options.reconnect_min, options.reconnect_max},
          loop, [this, uri](const std::string& domain, int event, int detail) { lifecycle(uri, domain, event, detail); },
          [this, uri](const std::string& domain, int action) { watchdog(uri, domain, action); });
    }
    return c;
  }

  /// The node whose URI this is (the URI itself when none is configured with it).
  [[nodiscard]] std::string node_of(const std::string& uri) const {
    for (const auto& [n, u] : options.node_uris) {
      if (u == uri) return n;
    }
    return uri;
  }

  /// From libvirt's event thread: tell subscribers and the agent watching that domain.
  void lifecycle(const std::string& uri, const std::string& domain, int event, int detail) {
    std::function<void()> watcher;
    {
      std::lock_guard lock{mutex};
      if (auto it = watchers.find({uri, domain}); it != watchers.end()) watcher = it->second;
    }
    const std::string node = node_of(uri);
    asio::post(ex, [b = backend, watcher, e = DomainEvent{node, domain, event_name(event), std::to_string(detail)}] {
      if (auto backend_alive = b.lock()) backend_alive->on_domain_event.emit(e);
      if (watcher) watcher();
    });
  }

  /// From libvirt's event thread: remember it, tell subscribers, monitor the domain at once.
  void watchdog(const std::string& uri, const std::string& domain, int action) {
    std::function<void()> watcher;
    {
      std::lock_guard lock{mutex};
      watchdog_fired[{uri, domain}] = std::chrono::steady_clock::now();
      if (auto it = watchers.find({uri, domain}); it != watchers.end()) watcher = it->second;
    }
    const std::string node = node_of(uri);
    asio::post(ex, [b = backend, watcher, e = DomainEvent{node, domain, "WATCHDOG", std::to_string(action)}] {
      if (auto backend_alive = b.lock()) backend_alive->on_domain_event.emit(e);
      if (watcher) watcher();
    });
  }

  [[nodiscard]] std::optional<std::chrono::steady_clock::time_point> watchdog_fired_at(const std::string& uri,
                                                                                     const std::string& domain) {
    std::lock_guard lock{mutex};
    auto it = watchdog_fired.find({uri, domain});
    return it == watchdog_fired.end() ? std::nullopt : std::optional{it->second};
  }

  /// Whether anyone listens to migration progress (the "started" sample is skipped otherwise).
  [[nodiscard]] bool progress_observed() const {
    auto b = backend.lock();
    return b && b->on_migration_progress.subscriber_count() > 0;
  }

  void progress(const MigrationProgress& p) {
    asio::post(ex, [b = backend, p] {
      if (auto backend_alive = b.lock()) backend_alive->on_migration_progress.emit(p);
    });
  }
};

class LibvirtAgent final : public Agent {
 public:
  LibvirtAgent(const AgentContext& context, std::shared_ptr<Shared> shared)
      : Agent(context.executor), s_(std::move(shared)), r_(context.resource), node_(context.node) {
    const auto& p = r_->params;
    spec_.xml = detail::string_param(*r_, "xml").value_or("");
    spec_.name = detail::string_param(*r_, "domain").value_or(xml_name(spec_.xml));
    spec_.persistent = detail::bool_param(*r_, "persistent", false);
    spec_.shutdown_timeout = detail::duration_param(*r_, "shutdown_timeout", 30s);
    save_mode_ = detail::string_param(*r_, "migration").value_or("live") == "save";
    guest_ = libvirt::GuestSettings::of(*r_);
    if (auto it = p.find("uri." + node_); it != p.end()) {
      uri_ = it->second;
    } else if (auto n = s_->options.node_uris.find(node_); n != s_->options.node_uris.end()) {
      uri_ = n->second;
    }
  }

  ~LibvirtAgent() override { watch({}); }

  [[nodiscard]] Capabilities capabilities() const override {
    return {.live_migratable = !save_mode_, .checkpointable = save_mode_, .clonable = false,
            .reloadable = false};
  }

  void start(std::chrono::milliseconds, Handler done) override {
    offload([spec = spec_](const libvirt::Connect& c) { return libvirt::start_domain(c, spec); },
            booted(std::move(done)));
  }

  void stop(std::chrono::milliseconds timeout, Handler done) override {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    offload([spec = spec_, deadline](const libvirt::Connect& c) { return libvirt::stop_domain(c, spec, deadline); },
            std::move(done));
  }

  void monitor(std::chrono::milliseconds timeout, Handler done) override {
    if (!guest_.looks_inside() && !guest_.watchdog) {
      offload([name = spec_.name](const libvirt::Connect& c) { return libvirt::domain_status(c, name); },
              std::move(done));
      return;
    }
    monitor_guest(timeout, std::move(done));
  }

  void repair(const std::string& action, std::chrono::milliseconds timeout, Handler done) override {
    if (action == "reset") {
      offload_domain([](const libvirt::Domain& dom) { return libvirt::reset_guest(dom); }, booted(std::move(done)));
    } else if (action == "restart_application" && !guest_.restart_command.empty()) {
      offload_domain([settings = guest_, timeout](const libvirt::Domain& dom) {
        return libvirt::restart_application(dom, settings, timeout);
      }, std::move(done));
    } else {
      complete(std::move(done), {Status::unimplemented, fmt::format("the libvirt backend cannot repair \"{}\" here", action)});
    }
  }

  void migrate_to(const std::string& target, std::chrono::milliseconds timeout, Handler done) override {
    if (save_mode_) {
      offload([path = save_path(), name = spec_.name](const libvirt::Connect& c) {
        bool missing = false;
        std::string error;
        auto dom = libvirt::find(c, name, missing, error);
        if (!dom) return Outcome{Status::error_generic, fmt::format("cannot find {} to save: {}", name, missing ? "not on this host" : error)};
        return libvirt::save_domain(dom, path);
      }, std::move(done));
      return;
    }
    const std::string peer = peer_uri(target);
    if (peer.empty()) {
      return complete(std::move(done), {Status::not_configured, fmt::format("no libvirt URI for node {}", target)});
    }
    live_migrate(target, peer, timeout, std::move(done));
  }

  void migrate_from(const std::string&, std::chrono::milliseconds, Handler done) override {
    if (save_mode_) {
      offload([path = save_path()](const libvirt::Connect& c) { return libvirt::restore_domain(c, path); },
              std::move(done));
      return;
    }
    // The source drove the peer-to-peer migration; here we confirm and report the outcome.
    auto s = s_;
    offload([s, name = spec_.name, resource = r_->id, node = node_](const libvirt::Connect& c) {
      Outcome r = libvirt::domain_status(c, name);
      bool missing = false;
      std::string error;
      if (auto dom = libvirt::find(c, name, missing, error)) {
        if (auto stats = libvirt::job_progress(dom, true)) {
          stats->resource = resource;
          stats->domain = name;
          stats->to = node;
          s->progress(*stats);
          r.reason = fmt::format("{} (downtime {}ms)", r.reason, stats->downtime_ms);
        }
      }
      return r;
    }, booted(std::move(done)));
  }

  void watch(std::function<void()> changed) override {
    std::lock_guard lock{s_->mutex};
    if (changed) {
      s_->watchers[{uri_, spec_.name}] = std::move(changed);
    } else {
      s_->watchers.erase({uri_, spec_.name});
    }
  }

 private:
  [[nodiscard]] std::string peer_uri(const std::string& node) const {
    if (auto it = s_->options.peer_uris.find(node); it != s_->options.peer_uris.end()) return it->second;
    if (auto it = r_->params.find("uri." + node); it != r_->params.end()) return it->second;
    if (auto it = s_->options.node_uris.find(node); it != s_->options.node_uris.end()) return it->second;
    return {};
  }

  [[nodiscard]] std::string save_path() const {
    return (std::filesystem::path{detail::string_param(*r_, "save_dir").value_or("/var/lib/libvirt/save")} /
            (spec_.name + ".save"))
        .string();
  }

  /// What the agent knows about the guest's current boot (shared with handlers in flight).
  struct Boot {
    std::chrono::steady_clock::time_point at{};  ///< unknown (epoch) until a start or a first look
    bool up = false;  ///< every check inside has passed since
  };

  /// `done`, after noting a new boot when the operation succeeded (start, reset, arrival).
  Handler booted(Handler done) {
    return [boot = boot_, done = std::move(done)](Outcome r) mutable {
      if (r.ok()) *boot = Boot{std::chrono::steady_clock::now(), false};
      done(std::move(r));
    };
  }

  /// The domain's state, then the watchdog, then the checks through the agent, then the
  /// network checks; a failure inside the guest counts once the boot grace is over or every
  /// check has passed since boot.
  void monitor_guest(std::chrono::milliseconds timeout, Handler done) {
    auto inside = std::make_shared<libvirt::InsideReport>();
    offload([name = spec_.name, settings = guest_, inside](const libvirt::Connect& c) {
      Outcome state = libvirt::domain_status(c, name);
      if (!state.ok()) return state;
      bool missing = false;
      std::string error;
      auto dom = libvirt::find(c, name, missing, error);
      // A paused guest (an operator, a migration's last phase) cannot answer: alive, not asked.
      if (dom && libvirt::is_running(dom)) {
        *inside = libvirt::look_inside(dom, settings);
      } else if (dom) {
        inside->not_asked = true;
      }
      return state;
    }, [ex = executor(), s = s_, uri = uri_, name = spec_.name, settings = guest_, boot = boot_, inside, timeout,
        done = std::move(done)](Outcome state) mutable {  // no `this`: a stop may release the agent meanwhile
      if (!state.ok() || inside->not_asked) return done(std::move(state));
      const auto now = std::chrono::steady_clock::now();
      if (boot->at == std::chrono::steady_clock::time_point{}) boot->at = now;  // first seen running
      if (settings.watchdog) {
        if (auto fired = s->watchdog_fired_at(uri, name); fired && *fired >= boot->at) {
          return done({Status::error_generic,
                       fmt::format("the guest's watchdog fired {}s ago: its kernel stopped petting it (hung)",
                                   std::chrono::duration_cast<std::chrono::seconds>(now - *fired).count())});
        }
      }
      auto judge = [boot, settings, state, done = std::move(done), no_agent = inside->no_agent_channel](
                       std::optional<std::string> problem) mutable {
        if (!problem) {
          boot->up = true;
          state.reason += no_agent ? " (it has no guest agent channel: its state alone counts)" : "; the guest answers";
          return done(std::move(state));
        }
        const auto since = std::chrono::steady_clock::now() - boot->at;
        if (!boot->up && since < settings.boot_grace) {
          state.reason += fmt::format(" and booting ({}s of {}s grace): {}",
                                      std::chrono::duration_cast<std::chrono::seconds>(since).count(),
                                      std::chrono::duration_cast<std::chrono::seconds>(settings.boot_grace).count(), *problem);
          return done(std::move(state));
        }
        done({Status::error_generic, std::move(*problem)});
      };
      if (inside->problem || inside->no_agent_channel || inside->address.empty()) return judge(inside->problem);
      check_network(ex, inside->address, settings, timeout, std::move(judge));
    });
  }

  /// The TCP check, then the HTTP check, at `address`; `judge` gets the first problem.
  static void check_network(const asio::any_io_executor& ex, const std::string& address,
                            const libvirt::GuestSettings& settings, std::chrono::milliseconds timeout,
                            std::function<void(std::optional<std::string>)> judge) {
    const auto each = std::min(timeout / 2, settings.agent_timeout);
    const std::string host = address.find(':') != std::string::npos ? "[" + address + "]" : address;
    auto http = [ex, url = settings.check_http.empty() ? "" : "http://" + host + settings.check_http, each,
                 judge](std::optional<std::string> problem) mutable {
      if (problem || url.empty()) return judge(std::move(problem));
      detail::check_http(ex, url, each, std::move(judge));
    };
    if (settings.check_tcp.empty()) return http(std::nullopt);
    detail::check_tcp(ex, host + ":" + settings.check_tcp, each, std::move(http));
  }

  /// Like offload, with the domain looked up first.
  template <class Work>
  void offload_domain(Work work, Handler done) {
    offload([name = spec_.name, work = std::move(work)](const libvirt::Connect& c) {
      bool missing = false;
      std::string error;
      auto dom = libvirt::find(c, name, missing, error);
      if (!dom) {
        return Outcome{Status::error_generic,
                       fmt::format("cannot find {}: {}", name, missing ? "not on this host" : error)};
      }
      return work(dom);
    }, std::move(done));
  }

  /// Runs `work` with this node's connection on a worker thread; the result comes back on
  /// the agent's executor.
  template <class Work>
  void offload(Work work, Handler done) {
    auto connection = uri_.empty() ? nullptr : s_->connection(uri_);
    asio::post(s_->pool, [connection, work = std::move(work), ex = executor(), node = node_,
                          done = std::move(done)]() mutable {
      Outcome r;
      if (!connection) {
        r = {Status::not_configured, fmt::format("no libvirt URI is configured for node {}", node)};
      } else {
        std::string error;
        libvirt::Connect c = connection->get(error);
        r = c ? work(c) : Outcome{Status::error_generic, error};
      }
      asio::post(ex, [done = std::move(done), r = std::move(r)]() mutable { done(std::move(r)); });
    });
  }

  void live_migrate(const std::string& target, const std::string& peer, std::chrono::milliseconds timeout,
                    Handler done) {
    struct Run {
      explicit Run(const asio::any_io_executor& e) : sampler(e), deadline(e) {}
      asio::steady_timer sampler;
      asio::steady_timer deadline;
      libvirt::Domain dom;
      std::atomic<bool> finished{false};
      std::atomic<bool> aborted{false};
    };
    auto run = std::make_shared<Run>(executor());
    libvirt::MigrationSpec spec;
    spec.peer_uri = peer;
    spec.migration_uri = detail::string_param(*r_, "migration_uri").value_or("");
    spec.bandwidth_mib = std::stoull(detail::string_param(*r_, "migration_bandwidth").value_or("0"));
    spec.auto_converge = detail::bool_param(*r_, "auto_converge", false);
    spec.postcopy = detail::bool_param(*r_, "postcopy", false);
    spec.persistent = spec_.persistent;
    auto s = s_;
    MigrationProgress base;
    base.resource = r_->id;
    base.domain = spec_.name;
    base.from = node_;
    base.to = target;

    // Sample progress on the pool while the migration call blocks another pool thread.
    auto sample = std::make_shared<std::function<void()>>();
    *sample = [run, s, base, sample] {
      if (run->finished) return;
      run->sampler.expires_after(s->options.progress_interval);
      run->sampler.async_wait([run, s, base, sample](const boost::system::error_code& ec) {
        if (ec || run->finished) return;
        asio::post(s->pool, [run, s, base, sample] {
          if (run->dom && !run->finished) {
            if (auto p = libvirt::job_progress(run->dom, false)) {
              p->resource = base.resource;
              p->domain = base.domain;
              p->from = base.from;
              p->to = base.to;
              s->progress(*p);
            }
          }
          asio::post(s->ex, [sample] {
            if (*sample) (*sample)();  // empty once the migration has ended
          });
        });
      });
    };
    run->deadline.expires_after(timeout);
    run->deadline.async_wait([run, s](const boost::system::error_code& ec) {
      if (ec || run->finished) return;
      run->aborted = true;
      asio::post(s->pool, [run] {
        if (run->dom) libvirt::abort_job(run->dom);
      });
    });
    offload([run, spec, name = spec_.name, sample, s, base](const libvirt::Connect& c) {
      bool missing = false;
      std::string error;
      run->dom = libvirt::find(c, name, missing, error);
      if (!run->dom) {
        return Outcome{Status::error_generic,
                      fmt::format("cannot migrate {}: {}", name, missing ? "it is not on the source" : error)};
      }
      if (s->progress_observed()) {  // posted before sampling starts, so it comes first
        MigrationProgress started = base;
        started.started = true;
        started.at = std::chrono::steady_clock::now();
        s->progress(started);
      }
      asio::post(s->ex, [sample] {
        if (*sample) (*sample)();  // empty once the migration has ended
      });
      Outcome r = libvirt::migrate_domain(run->dom, spec);
      run->finished = true;
      if (!r.ok() && run->aborted) {
        r = {Status::timed_out, "the migration did not finish in time and was aborted; the guest stays on the source"};
      }
      return r;
    }, [run, sample, done = std::move(done)](Outcome r) mutable {
      run->finished = true;
      run->sampler.cancel();
      run->deadline.cancel();
      *sample = nullptr;  // break the self-reference
      done(std::move(r));
    });
  }

  std::shared_ptr<Shared> s_;
  std::shared_ptr<const model::Resource> r_;
  std::string node_;
  std::string uri_;
  libvirt::DomainSpec spec_;
  bool save_mode_ = false;
  libvirt::GuestSettings guest_;
  std::shared_ptr<Boot> boot_ = std::make_shared<Boot>();
};

class LibvirtBackendImpl final : public LibvirtBackend {
 public:
  explicit LibvirtBackendImpl(std::shared_ptr<Shared> shared) : s_(std::move(shared)) {}

  [[nodiscard]] Result<void> validate(const model::Resource& resource,
                                      const std::string& pointer) const override {
    auto out = detail::check_params(resource, pointer, libvirt_params(), {"uri."});
    auto error = [&](Errc code, std::string where, std::string message) {
      out.push_back(Diagnostic::error(code, std::move(where), std::move(message)));
    };
    const auto xml = detail::string_param(resource, "xml");
    const auto domain = detail::string_param(resource, "domain");
    if (!domain && (!xml || xml_name(*xml).empty())) {
      error(Errc::invalid_value, pointer + "/params", "the libvirt backend needs \"domain\", or an \"xml\" with a <name>");
    }
    if (domain && xml && !xml_name(*xml).empty() && xml_name(*xml) != *domain) {
      error(Errc::invalid_value, pointer + "/params/domain",
            fmt::format("\"{}\" differs from the <name> in \"xml\" (\"{}\")", *domain, xml_name(*xml)));
    }
    const auto mode = detail::string_param(resource, "migration").value_or("live");
    if (mode != "live" && mode != "save") {
      error(Errc::invalid_value, pointer + "/params/migration", fmt::format("expected \"live\" or \"save\", got \"{}\"", mode));
    }
    if (mode == "save" && !resource.params.contains("save_dir")) {
      error(Errc::invalid_value, pointer + "/params", "migration \"save\" needs \"save_dir\" on storage every node shares");
    }
    auto guest = libvirt::check_guest_params(resource, pointer);
    out.insert(out.end(), guest.begin(), guest.end());
    return Result<void>{std::move(out)};
  }

  [[nodiscard]] std::vector<std::string> repair_actions(const model::Resource& resource) const override {
    return libvirt::GuestSettings::of(resource).repair_actions();
  }

  [[nodiscard]] std::unique_ptr<Agent> create(const AgentContext& context) override {
    return std::make_unique<LibvirtAgent>(context, s_);
  }

  /// Every host is reached through its URI: the coordinator can drive them all.
  [[nodiscard]] bool runs_anywhere() const override { return true; }

 private:
  std::shared_ptr<Shared> s_;
};

}  // namespace

std::shared_ptr<LibvirtBackend> make_libvirt_backend(boost::asio::any_io_executor executor,
                                                     LibvirtOptions options) {
  auto shared = std::make_shared<Shared>(std::move(executor), std::move(options));
  auto backend = std::make_shared<LibvirtBackendImpl>(shared);
  shared->backend = backend;
  return backend;
}

}  // namespace wholesale_ha::agents
