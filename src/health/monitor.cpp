#include <wholesale_ha/health/monitor.hpp>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include <wholesale_ha/health/probes.hpp>
#include <wholesale_ha/utf8.hpp>

namespace wholesale_ha::health {
namespace {

namespace asio = boost::asio;
using SteadyClock = std::chrono::steady_clock;

model::Timestamp system_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// A judgement before stabilising.
struct Verdict {
  HealthValue value;
  bool sticky_red = false;
  std::string evidence;
};

std::string seconds_text(model::Timestamp seconds) {
  return model::duration_to_string(std::chrono::seconds{seconds});
}

/// Probe text comes from tools, sysfs files and applications' callbacks; it goes on to
/// events, logs and JSON, so it is made valid UTF-8 as it enters the monitor.
void repair_text(ProbeResult& result) {
  for (auto& m : result.measurements) {
    for (auto* text : {&m.subject, &m.subject_detail, &m.metric, &m.unit, &m.text}) {
      wholesale_ha::make_valid_utf8(*text);
    }
  }
  wholesale_ha::make_valid_utf8(result.evidence);
  for (auto& note : result.notes) wholesale_ha::make_valid_utf8(note);
  wholesale_ha::make_valid_utf8(result.reason);
}

}  // namespace

struct HealthMonitor::Impl : std::enable_shared_from_this<HealthMonitor::Impl> {
  struct Probe {
    Probe(const asio::any_io_executor& executor, std::shared_ptr<HealthProbe> p, ProbeSettings s)
        : probe(std::move(p)), settings(std::move(s)), timer(executor), deadline(executor) {}

    std::shared_ptr<HealthProbe> probe;
    ProbeSettings settings;
    asio::steady_timer timer;     ///< the next scheduled run
    asio::steady_timer deadline;  ///< the current run's timeout
    /// Numbers runs, so the late answer of a run given up on (timeout, stop) is dropped.
    std::uint64_t run = 0;
    bool running = false;
    SteadyClock::time_point started{};
    std::vector<std::function<void()>> waiters;  ///< check_now() callers

    std::vector<Sample> history;
    std::vector<Finding> findings;
    std::vector<Acknowledgement> acknowledged;
    std::optional<Verdict> last;
    StableValue stable;
    model::Timestamp checked = 0;
    bool ever_measured = false;
    std::string unavailable;  ///< why, while nothing has ever been measured
    std::uint32_t failures = 0;  ///< in a row
    std::optional<std::string> error;
  };

  Impl(asio::any_io_executor ex, Logger log, Clock c)
      : executor(std::move(ex)), logger(log.child("health")), clock(std::move(c)) {
    if (!clock) clock = system_now;
  }

  asio::any_io_executor executor;
  Logger logger;
  Clock clock;
  bool started = false;
  std::vector<std::unique_ptr<Probe>> probes;
  Event<const AttributeReading&> changed;
  Event<const AttributeReading&> checked;
  Event<const ProbeError&> errors;

  /// Whether `settings` could be added beside the probes there and `also` (added with it).
  [[nodiscard]] Result<void> check(const ProbeSettings& settings, const std::vector<ProbeSettings>& also) const;
  void add(std::shared_ptr<HealthProbe> probe, ProbeSettings settings);
  void run(std::size_t index);
  void finish(std::size_t index, std::uint64_t run, ProbeResult result);
  void schedule(std::size_t index);
  void judge(Probe& p, ProbeResult result, model::Timestamp now);
  void fail(Probe& p, std::string reason, model::Timestamp now);
  void publish(Probe& p, Verdict verdict, model::Timestamp now);
  bool clear(std::string_view attribute);
  void halt(bool release_waiters);
  [[nodiscard]] AttributeReading reading(const Probe& p) const;
  [[nodiscard]] Probe* find(std::string_view attribute) const;
};

Result<void> HealthMonitor::Impl::check(const ProbeSettings& settings, const std::vector<ProbeSettings>& also) const {
  const auto& attribute = settings.attribute;
  if (!attribute.starts_with("#health-") || attribute.size() == 8) {
    return Diagnostic::error(Errc::invalid_value, "/attribute",
                             "health attribute \"" + attribute + "\" must be named \"#health-<name>\"");
  }
  if (settings.interval.count() <= 0 || settings.timeout.count() <= 0) {
    return Diagnostic::error(Errc::invalid_value, "/interval",
                             "probe \"" + settings.id + "\": interval and timeout must be > 0");
  }
  auto clash = [&](const ProbeSettings& other) -> Result<void> {
    if (other.id == settings.id) {
      return Diagnostic::error(Errc::duplicate, "/id", "duplicate health probe id \"" + settings.id + "\"");
    }
    if (other.attribute == attribute) {
      return Diagnostic::error(Errc::duplicate, "/attribute",
                               "health attribute \"" + attribute + "\" is already set by probe \"" + other.id + "\"");
    }
    return {};
  };
  for (const auto& p : probes) {
    if (auto ok = clash(p->settings); !ok) return ok;
  }
  for (const auto& other : also) {
    if (auto ok = clash(other); !ok) return ok;
  }
  return {};
}

void HealthMonitor::Impl::add(std::shared_ptr<HealthProbe> probe, ProbeSettings settings) {
  logger.debug("probe {} ({}): {}", settings.id, settings.attribute, probe->describe());
  probes.push_back(std::make_unique<Probe>(executor, std::move(probe), std::move(settings)));
  if (started) run(probes.size() - 1);
}

void HealthMonitor::Impl::run(std::size_t index) {
  Probe& p = *probes[index];
  p.running = true;
  const std::uint64_t run = ++p.run;
  p.started = SteadyClock::now();
  const std::weak_ptr<Impl> weak = weak_from_this();
  const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(p.settings.timeout);
  // The monitor enforces the timeout itself, so a probe that never answers (a callback that
  // forgot to) cannot stall its schedule.
  p.deadline.expires_after(timeout);
  p.deadline.async_wait([weak, index, run, timeout](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto self = weak.lock()) {
      self->finish(index, run,
                   ProbeResult::failure("timed out after " + model::duration_to_string(timeout)));
    }
  });
  // Always through the executor: a probe may answer from inside check() or another thread.
  HealthProbe::Done done = [weak, index, run, executor = executor](ProbeResult result) {
    asio::post(executor, [weak, index, run, result = std::move(result)]() mutable {
      if (auto self = weak.lock()) self->finish(index, run, std::move(result));
    });
  };
  try {
    p.probe->check(executor, timeout, done);
  } catch (const std::exception& e) {
    done(ProbeResult::failure(std::string{"probe threw: "} + e.what()));
  }
}

void HealthMonitor::Impl::finish(std::size_t index, std::uint64_t run, ProbeResult result) {
  Probe& p = *probes[index];
  if (!p.running || p.run != run) return;  // given up on, or a second answer
  p.running = false;
  p.deadline.cancel();
  repair_text(result);
  judge(p, std::move(result), clock());
  checked.emit(reading(p));
  for (auto& waiter : std::exchange(p.waiters, {})) waiter();
  if (started) schedule(index);
}

void HealthMonitor::Impl::schedule(std::size_t index) {
  Probe& p = *probes[index];
  p.timer.expires_at(p.started + p.settings.interval);
  p.timer.async_wait([weak = weak_from_this(), index](const boost::system::error_code& ec) {
    if (ec) return;
    auto self = weak.lock();
    if (self && self->started && !self->probes[index]->running) self->run(index);
  });
}

void HealthMonitor::Impl::judge(Probe& p, ProbeResult result, model::Timestamp now) {
  p.checked = now;
  if (result.status == ProbeResult::Status::unavailable && !p.ever_measured) {
    if (result.reason != p.unavailable) {
      logger.info("{} ({}): not available: {}", p.settings.id, p.settings.attribute, result.reason);
    }
    p.unavailable = std::move(result.reason);
    p.failures = 0;
    p.error.reset();
    return;
  }
  if (result.status == ProbeResult::Status::unavailable) {
    // It could be read before: the device vanishing is a problem, not absent hardware.
    fail(p, "no longer available: " + result.reason, now);
    return;
  }
  if (result.status == ProbeResult::Status::failed) {
    fail(p, std::move(result.reason), now);
    return;
  }
  p.ever_measured = true;
  p.unavailable.clear();
  p.failures = 0;
  p.error.reset();
  Verdict verdict;
  if (result.value) {
    verdict.value = *result.value;
    verdict.evidence = result.evidence.empty() ? "reported " + result.value->to_string()
                                               : std::move(result.evidence);
  } else {
    p.history.push_back({now, std::move(result.measurements)});
    const auto keep = history_needed(p.settings.rules).count();
    const model::Timestamp from = now - (keep + 999) / 1000;
    std::erase_if(p.history, [&](const Sample& s) { return s.time < from; });
    auto evaluation =
        evaluate(p.settings.rules, p.history, now, p.findings, p.acknowledged);
    p.findings = std::move(evaluation.findings);
    verdict = {evaluation.level, evaluation.sticky_red, std::move(evaluation.evidence)};
  }
  if (!result.notes.empty()) verdict.evidence += fmt::format(" [{}]", fmt::join(result.notes, "; "));
  publish(p, std::move(verdict), now);
}

void HealthMonitor::Impl::fail(Probe& p, std::string reason, model::Timestamp now) {
  ++p.failures;
  p.error = reason;
  logger.warn("probe-error {} ({}): {}", p.settings.id, p.settings.attribute, reason);
  errors.emit(ProbeError{p.settings.id, p.settings.attribute, reason, now, p.failures});
  const ErrorPolicy& policy = p.settings.on_error;
  if (policy.value && p.failures >= policy.after) {
    publish(p,
            {*policy.value, false,
             fmt::format("probe failing ({} run(s) in a row): {}", p.failures, reason)},
            now);
  }
}

void HealthMonitor::Impl::publish(Probe& p, Verdict verdict, model::Timestamp now) {
  const auto before = p.stable.published;
  p.stable = stabilise(p.stable, verdict.value, verdict.sticky_red, now, p.settings.stability);
  p.last = std::move(verdict);
  if (p.stable.published == before) return;
  const AttributeReading r = reading(p);
  logger.info("{} {} -> {}: {}", p.settings.attribute, before ? before->to_string() : "(none)",
              p.stable.published->to_string(), r.evidence);
  changed.emit(r);
}

bool HealthMonitor::Impl::clear(std::string_view attribute) {
  Probe* p = find(attribute);
  if (p == nullptr) return false;
  const model::Timestamp now = clock();
  if (!p->history.empty() && p->last) {
    for (auto& ack : acknowledge(p->settings.rules, p->history.back(), now)) {
      std::erase_if(p->acknowledged, [&](const Acknowledgement& a) {
        return a.rule == ack.rule && a.subject == ack.subject;
      });
      p->acknowledged.push_back(std::move(ack));
    }
    // A fresh look: no hysteresis carried over from before the operator's decision.
    auto evaluation = evaluate(p->settings.rules, p->history, now, {}, p->acknowledged);
    p->findings = std::move(evaluation.findings);
    p->last = Verdict{evaluation.level, evaluation.sticky_red, std::move(evaluation.evidence)};
  }
  const auto before = p->stable.published;
  if (p->last) {
    p->stable = reset_to(p->last->value, now);
    p->stable.latched = p->last->sticky_red;
  } else {
    p->stable = {};
  }
  logger.info("{} cleared by the operator (was {}, now {})", p->settings.attribute,
              before ? before->to_string() : "unset",
              p->stable.published ? p->stable.published->to_string() : "unset");
  if (p->stable.published != before) changed.emit(reading(*p));
  return true;
}

void HealthMonitor::Impl::halt(bool release_waiters) {
  started = false;
  for (auto& p : probes) {
    p->timer.cancel();
    p->deadline.cancel();
    if (p->running) {
      p->running = false;
      ++p->run;
    }
    auto waiters = std::exchange(p->waiters, {});
    if (!release_waiters) continue;
    for (auto& waiter : waiters) asio::post(executor, std::move(waiter));
  }
}

AttributeReading HealthMonitor::Impl::reading(const Probe& p) const {
  AttributeReading r;
  r.attribute = p.settings.attribute;
  r.probe = p.settings.id;
  r.value = p.stable.published;
  r.since = p.stable.since;
  r.checked = p.checked;
  r.sticky = p.stable.latched;
  r.error = p.error;
  if (p.last) {
    r.evidence = p.last->evidence;
  } else if (!p.unavailable.empty()) {
    r.evidence = "not available: " + p.unavailable;
  } else {
    r.evidence = p.error ? "no verdict yet" : "not checked yet";
  }
  const StableValue& s = p.stable;
  if (s.latched) {
    r.evidence += " (sticky red until cleared)";
  } else if (s.pending) {
    const auto& needed = worse(*s.pending, s.published.value_or(Colour::green))
                             ? p.settings.stability.confirm
                             : p.settings.stability.min_dwell;
    r.evidence += fmt::format(" ({}: {} for {} of {})",
                              s.published ? "holding " + s.published->to_string() : "confirming",
                              s.pending->to_string(), seconds_text(p.checked - s.pending_since),
                              model::duration_to_string(needed));
  }
  return r;
}

HealthMonitor::Impl::Probe* HealthMonitor::Impl::find(std::string_view attribute) const {
  for (const auto& p : probes) {
    if (p->settings.attribute == attribute) return p.get();
  }
  return nullptr;
}

HealthMonitor::HealthMonitor(boost::asio::any_io_executor executor, Logger logger, Clock clock)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(logger), std::move(clock))) {}

HealthMonitor::~HealthMonitor() { impl_->halt(false); }

Result<void> HealthMonitor::add(std::shared_ptr<HealthProbe> probe, ProbeSettings settings) {
  if (!probe) return Diagnostic::error(Errc::missing_field, "", "health probe is null");
  if (auto ok = impl_->check(settings, {}); !ok) return ok;
  impl_->add(std::move(probe), std::move(settings));
  return {};
}

Result<void> HealthMonitor::add(const HealthConfig& config) {
  std::vector<ProbeSettings> checked;
  for (std::size_t i = 0; i < config.probes.size(); ++i) {
    const auto& settings = config.probes[i].settings;
    if (auto ok = impl_->check(settings, checked); !ok) {
      auto problems = std::move(ok).diagnostics();
      for (auto& d : problems) d.pointer = fmt::format("/probes/{}{}", i, d.pointer);
      return Result<void>::failure(std::move(problems));
    }
    checked.push_back(settings);
  }
  for (const auto& spec : config.probes) impl_->add(make_probe(spec), spec.settings);
  return {};
}

void HealthMonitor::start() {
  if (impl_->started) return;
  impl_->started = true;
  for (std::size_t i = 0; i < impl_->probes.size(); ++i) {
    if (!impl_->probes[i]->running) impl_->run(i);
  }
}

void HealthMonitor::stop() { impl_->halt(true); }

void HealthMonitor::check_now(std::function<void()> done) {
  auto& probes = impl_->probes;
  if (probes.empty()) {
    asio::post(impl_->executor, std::move(done));
    return;
  }
  auto remaining = std::make_shared<std::size_t>(probes.size());
  auto finished = std::make_shared<std::function<void()>>(std::move(done));
  for (std::size_t i = 0; i < probes.size(); ++i) {
    probes[i]->waiters.push_back([remaining, finished, executor = impl_->executor] {
      if (--*remaining == 0) asio::post(executor, *finished);
    });
    if (!probes[i]->running) impl_->run(i);
  }
}

bool HealthMonitor::clear(std::string_view attribute) { return impl_->clear(attribute); }

std::vector<AttributeReading> HealthMonitor::readings() const {
  std::vector<AttributeReading> out;
  for (const auto& p : impl_->probes) out.push_back(impl_->reading(*p));
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.attribute < b.attribute; });
  return out;
}

std::optional<AttributeReading> HealthMonitor::reading(std::string_view attribute) const {
  if (const auto* p = impl_->find(attribute)) return impl_->reading(*p);
  return std::nullopt;
}

model::Attributes HealthMonitor::attributes() const {
  model::Attributes out;
  for (const auto& p : impl_->probes) {
    if (p->stable.published) out.emplace(p->settings.attribute, p->stable.published->to_string());
  }
  return out;
}

Event<const AttributeReading&>& HealthMonitor::on_change() noexcept { return impl_->changed; }
Event<const ProbeError&>& HealthMonitor::on_probe_error() noexcept { return impl_->errors; }
Event<const AttributeReading&>& HealthMonitor::on_check() noexcept { return impl_->checked; }

}  // namespace wholesale_ha::health
