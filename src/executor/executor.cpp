#include <wholesale_ha/executor/executor.hpp>

#include <algorithm>
#include <map>
#include <set>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

namespace wholesale_ha::executor {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using agents::Result;
using agents::Status;
using policy::ActionKind;

std::chrono::milliseconds or_default(const std::optional<model::Duration>& d, std::chrono::milliseconds fallback) {
  return d ? std::chrono::duration_cast<std::chrono::milliseconds>(*d) : fallback;
}

/// Calls `operation` and passes its result on, or timed_out once `deadline` passes first.
void call_with_deadline(const asio::any_io_executor& ex, std::function<void(agents::Handler)> operation,
                        std::chrono::milliseconds deadline, agents::Handler done) {
  struct Pending {
    explicit Pending(const asio::any_io_executor& e) : timer(e) {}
    asio::steady_timer timer;
    agents::Handler done;
    bool answered = false;
  };
  auto pending = std::make_shared<Pending>(ex);
  pending->done = std::move(done);
  pending->timer.expires_after(deadline);
  pending->timer.async_wait([pending, deadline](const boost::system::error_code& ec) {
    if (ec || pending->answered) return;
    pending->answered = true;
    pending->done({Status::timed_out,
                   fmt::format("the agent did not answer within {}ms; it is treated as hung",
                               deadline.count())});
  });
  operation([pending](Result r) {
    if (pending->answered) return;  // too late: already reported as hung
    pending->answered = true;
    pending->timer.cancel();
    pending->done(std::move(r));
  });
}

}  // namespace

std::chrono::milliseconds operation_timeout(const model::Resource& r, ActionKind kind) {
  switch (kind) {
    case ActionKind::start: return or_default(r.operations.start.timeout, 20s);
    case ActionKind::stop: return or_default(r.operations.stop.timeout, 20s);
    case ActionKind::migrate: return or_default(r.operations.migrate.timeout, 120s);
    case ActionKind::fence: break;
  }
  return 60s;
}

std::chrono::milliseconds monitor_timeout(const model::Resource& r) {
  return or_default(r.operations.monitor.timeout, 20s);
}

std::chrono::milliseconds monitor_interval(const model::Resource& r) {
  return or_default(r.operations.monitor.interval, 10s);
}

struct Executor::Run : std::enable_shared_from_this<Executor::Run> {
  enum class Phase { waiting, running, succeeded, failed, skipped };

  asio::any_io_executor ex;
  Logger log;
  OperationRunner& runner;
  fencing::Fencer* fencer = nullptr;
  ExecutorOptions options;
  policy::Transition t;
  std::shared_ptr<const model::Config> config;
  ExecutorCallbacks cb;

  std::vector<std::vector<std::size_t>> next;
  std::vector<std::size_t> waiting;
  std::vector<Phase> phase;
  std::set<std::size_t> ready;
  std::map<std::string, int> node_load;
  int migrations = 0;
  std::size_t in_flight = 0;
  bool aborted = false;
  bool any_failed = false;
  bool finished = false;

  Run(asio::any_io_executor e, Logger l, OperationRunner& r, fencing::Fencer* f, ExecutorOptions o)
      : ex(std::move(e)), log(std::move(l)), runner(r), fencer(f), options(o) {}

  void start() {
    const std::size_t n = t.actions.size();
    next.assign(n, {});
    waiting.assign(n, 0);
    phase.assign(n, Phase::waiting);
    for (const auto& e : t.edges) {
      next[e.before].push_back(e.after);
      ++waiting[e.after];
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (waiting[i] == 0) ready.insert(i);
    }
    pump();
  }

  [[nodiscard]] std::chrono::milliseconds deadline(std::chrono::milliseconds timeout) const {
    return timeout + options.answer_grace;
  }

  [[nodiscard]] bool fits(const policy::Action& a) const {
    auto load = [&](const std::string& node) {
      auto it = node_load.find(node);
      return it == node_load.end() ? 0 : it->second;
    };
    if (a.kind == ActionKind::fence) return true;  // fencing never waits for a slot
    if (load(a.node) >= options.node_concurrency) return false;
    if (a.kind == ActionKind::migrate) {
      if (options.migration_limit >= 0 && migrations >= options.migration_limit) return false;
      if (load(*a.target) >= options.node_concurrency) return false;
    }
    return true;
  }

  void occupy(const policy::Action& a, int delta) {
    if (a.kind == ActionKind::fence) return;
    node_load[a.node] += delta;
    if (a.kind == ActionKind::migrate) {
      node_load[*a.target] += delta;
      migrations += delta;
    }
  }

  void pump() {
    if (!aborted) {
      for (auto it = ready.begin(); it != ready.end();) {
        const auto& a = t.actions[*it];
        if (!fits(a)) {
          ++it;
          continue;
        }
        const std::size_t id = *it;
        it = ready.erase(it);
        dispatch(id);
      }
    }
    maybe_done();
  }

  void dispatch(std::size_t id) {
    const auto& a = t.actions[id];
    phase[id] = Phase::running;
    ++in_flight;
    occupy(a, +1);
    log.info("{} ({})", policy::describe(a), a.reason.text);
    if (cb.started) cb.started(a);
    auto self = shared_from_this();
    auto finish = [self, id](Result r, std::optional<std::string> fallback) {
      self->complete(id, std::move(r), std::move(fallback));
    };
    switch (a.kind) {
      case ActionKind::fence: return fence(a, finish);
      case ActionKind::start:
      case ActionKind::stop: return start_or_stop(a, a.kind, a.node, [finish](Result r) { finish(std::move(r), {}); });
      case ActionKind::migrate: return migrate(a, finish);
    }
  }

  template <class Finish>
  void fence(const policy::Action& a, Finish finish) {
    if (fencer == nullptr) {
      return asio::post(ex, [finish] {
        finish({Status::not_configured, "no fencing device is configured: recovery of the lost node's "
                                        "resources is blocked"},
               {});
      });
    }
    call_with_deadline(
        ex, [f = fencer, node = a.node, timeout = options.fence_timeout](agents::Handler h) {
          f->fence(node, timeout, std::move(h));
        },
        deadline(options.fence_timeout), [finish](Result r) { finish(std::move(r), {}); });
  }

  const model::Resource* resource(const std::string& id) const { return config->find_resource(id); }

  /// Runs one agent operation through the runner, with the executor's deadline.
  void operate(Operation op, agents::Handler done) {
    call_with_deadline(ex, [r = &runner, op](agents::Handler h) { r->run(op, std::move(h)); },
                       deadline(op.timeout), std::move(done));
  }

  void start_or_stop(const policy::Action& a, ActionKind kind, const std::string& node, agents::Handler done) {
    const model::Resource* r = resource(a.resource);
    if (r == nullptr) {
      return asio::post(ex, [done, id = a.resource] {
        done({Status::not_configured, fmt::format("{} is not in the configuration", id)});
      });
    }
    operate({kind == ActionKind::start ? Operation::Kind::start : Operation::Kind::stop, a.resource, node, {},
             operation_timeout(*r, kind)},
            std::move(done));
  }

  template <class Finish>
  void migrate(const policy::Action& a, Finish finish) {
    const model::Resource* r = resource(a.resource);
    if (r == nullptr) {
      return asio::post(ex, [finish, id = a.resource] {
        finish({Status::not_configured, fmt::format("{} is not in the configuration", id)}, {});
      });
    }
    const auto timeout = operation_timeout(*r, ActionKind::migrate);
    auto self = shared_from_this();
    operate({Operation::Kind::migrate_to, a.resource, a.node, *a.target, timeout},
            [self, a, timeout, finish](Result to) {
              if (!to.ok()) return self->fall_back(a, "migrate_to: " + to.reason, finish);
              self->operate({Operation::Kind::migrate_from, a.resource, *a.target, a.node, timeout},
                            [self, a, finish](Result from) {
                              if (!from.ok()) return self->fall_back(a, "migrate_from: " + from.reason, finish);
                              finish(std::move(from), {});
                            });
            });
  }

  /// A failed live migration: stop on the source, start on the target.
  template <class Finish>
  void fall_back(const policy::Action& a, std::string why, Finish finish) {
    log.warn("migration of {} from {} to {} failed ({}); falling back to stop and start", a.resource,
             a.node, *a.target, why);
    auto self = shared_from_this();
    start_or_stop(a, ActionKind::stop, a.node, [self, a, why, finish](Result stopped) {
      if (!stopped.ok()) {
        stopped.reason = "after a failed migration (" + why + "), stop failed: " + stopped.reason;
        return finish(std::move(stopped), why);
      }
      self->start_or_stop(a, ActionKind::start, *a.target, [why, finish](Result started) {
        finish(std::move(started), why);
      });
    });
  }

  void complete(std::size_t id, Result r, std::optional<std::string> fallback) {
    const auto& a = t.actions[id];
    --in_flight;
    occupy(a, -1);
    const bool ok = r.ok();
    phase[id] = ok ? Phase::succeeded : Phase::failed;
    if (ok) {
      log.info("{} succeeded{}", policy::describe(a), r.reason.empty() ? "" : ": " + r.reason);
    } else {
      log.error("{} failed: {} ({})", policy::describe(a), agents::to_string(r.status), r.reason);
      any_failed = true;
    }
    if (cb.finished) cb.finished({a, std::move(r), std::move(fallback), false});
    if (ok) {
      for (std::size_t j : next[id]) {
        if (--waiting[j] == 0 && phase[j] == Phase::waiting) ready.insert(j);
      }
    } else {
      skip_after(id);
    }
    pump();
  }

  void skip_after(std::size_t id) {
    std::vector<std::size_t> stack = next[id];
    while (!stack.empty()) {
      std::size_t j = stack.back();
      stack.pop_back();
      if (phase[j] != Phase::waiting) continue;
      phase[j] = Phase::skipped;
      ready.erase(j);
      report_skipped(j, fmt::format("not run: {} failed", policy::describe(t.actions[id])));
      stack.insert(stack.end(), next[j].begin(), next[j].end());
    }
  }

  void report_skipped(std::size_t j, std::string why) {
    if (cb.finished) cb.finished({t.actions[j], {Status::cancelled, std::move(why)}, std::nullopt, true});
  }

  void maybe_done() {
    if (finished || in_flight > 0) return;
    if (!aborted && !ready.empty()) return;  // waiting for a slot cannot happen with nothing running
    if (aborted) {
      for (std::size_t j = 0; j < phase.size(); ++j) {
        if (phase[j] == Phase::waiting) {
          phase[j] = Phase::skipped;
          report_skipped(j, "not run: the transition was aborted to re-plan");
        }
      }
    }
    finished = true;
    const bool complete = !aborted && !any_failed;
    auto done = std::move(cb.done);
    cb = {};
    if (done) done(complete);
  }
};

Executor::Executor(asio::any_io_executor executor, Logger logger, OperationRunner& runner,
                   fencing::Fencer* fencer, ExecutorOptions options)
    : executor_(std::move(executor)),
      log_(std::move(logger)),
      runner_(runner),
      fencer_(fencer),
      options_(options) {}

Executor::~Executor() = default;

void Executor::run(policy::Transition transition, std::shared_ptr<const model::Config> config,
                   ExecutorCallbacks callbacks) {
  run_ = std::make_shared<Run>(executor_, log_, runner_, fencer_, options_);
  run_->t = std::move(transition);
  run_->config = std::move(config);
  run_->cb = std::move(callbacks);
  auto run = run_;
  asio::post(executor_, [run] { run->start(); });
}

void Executor::abort() {
  if (!run_ || run_->finished) return;
  run_->aborted = true;
  asio::post(executor_, [run = run_] { run->pump(); });
}

bool Executor::busy() const noexcept { return run_ && !run_->finished; }

void Executor::call(std::function<void(agents::Handler)> operation, std::chrono::milliseconds timeout,
                    agents::Handler done) {
  call_with_deadline(executor_, std::move(operation), timeout + options_.answer_grace, std::move(done));
}

}  // namespace wholesale_ha::executor
