#include <wholesale_ha/executor/executor.hpp>

#include <algorithm>
#include <map>
#include <set>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include "dispatch.hpp"

namespace wholesale_ha::executor {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using agents::Outcome;
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
  operation([pending](Outcome r) {
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
  asio::any_io_executor ex;
  Logger log;
  OperationRunner& runner;
  fencing::Fencer* fencer = nullptr;
  ExecutorOptions options;
  policy::Transition t;
  std::shared_ptr<const model::Config> config;
  ExecutorCallbacks cb;
  Dispatch dispatch;
  bool finished = false;

  Run(asio::any_io_executor e, Logger l, OperationRunner& r, fencing::Fencer* f, ExecutorOptions o)
      : ex(std::move(e)), log(std::move(l)), runner(r), fencer(f), options(o) {}

  void start() {
    dispatch = Dispatch(t, options.node_concurrency, options.migration_limit);
    pump();
  }

  [[nodiscard]] std::chrono::milliseconds deadline(std::chrono::milliseconds timeout) const {
    return timeout + options.answer_grace;
  }

  void pump() {
    for (std::size_t id : dispatch.take_ready()) dispatch_action(id);
    maybe_done();
  }

  void dispatch_action(std::size_t id) {
    const auto& a = t.actions[id];
    log.info("{} ({})", policy::describe(a), a.reason.text);
    if (cb.started) cb.started(a);
    auto self = shared_from_this();
    auto finish = [self, id](Outcome r, std::optional<std::string> fallback) {
      self->complete(id, std::move(r), std::move(fallback));
    };
    switch (a.kind) {
      case ActionKind::fence: return fence(a, finish);
      case ActionKind::start:
      case ActionKind::stop: return start_or_stop(a, a.kind, a.node, [finish](Outcome r) { finish(std::move(r), {}); });
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
        deadline(options.fence_timeout), [finish](Outcome r) { finish(std::move(r), {}); });
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
            [self, a, timeout, finish](Outcome to) {
              if (!to.ok()) return self->fall_back(a, "migrate_to: " + to.reason, finish);
              self->operate({Operation::Kind::migrate_from, a.resource, *a.target, a.node, timeout},
                            [self, a, finish](Outcome from) {
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
    start_or_stop(a, ActionKind::stop, a.node, [self, a, why, finish](Outcome stopped) {
      if (!stopped.ok()) {
        stopped.reason = "after a failed migration (" + why + "), stop failed: " + stopped.reason;
        return finish(std::move(stopped), why);
      }
      self->start_or_stop(a, ActionKind::start, *a.target, [why, finish](Outcome started) {
        finish(std::move(started), why);
      });
    });
  }

  void complete(std::size_t id, Outcome r, std::optional<std::string> fallback) {
    const auto& a = t.actions[id];
    const bool ok = r.ok();
    if (ok) {
      log.info("{} succeeded{}", policy::describe(a), r.reason.empty() ? "" : ": " + r.reason);
    } else {
      log.error("{} failed: {} ({})", policy::describe(a), agents::to_string(r.status), r.reason);
    }
    const auto skipped = dispatch.finish(id, ok);
    if (cb.finished) cb.finished({a, std::move(r), std::move(fallback), false});
    for (std::size_t j : skipped) {
      report_skipped(j, fmt::format("not run: {} failed", policy::describe(a)));
    }
    pump();
  }

  void report_skipped(std::size_t j, std::string why) {
    if (cb.finished) cb.finished({t.actions[j], {Status::cancelled, std::move(why)}, std::nullopt, true});
  }

  void maybe_done() {
    if (finished || !dispatch.over()) return;
    for (std::size_t j : dispatch.leftovers()) report_skipped(j, "not run: the transition was aborted to re-plan");
    finished = true;
    auto done = std::move(cb.done);
    cb = {};
    if (done) done(dispatch.complete());
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
  run_->dispatch.abort();
  asio::post(executor_, [run = run_] { run->pump(); });
}

bool Executor::busy() const noexcept { return run_ && !run_->finished; }

void Executor::call(std::function<void(agents::Handler)> operation, std::chrono::milliseconds timeout,
                    agents::Handler done) {
  call_with_deadline(executor_, std::move(operation), timeout + options_.answer_grace, std::move(done));
}

}  // namespace wholesale_ha::executor
