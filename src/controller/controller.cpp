// The shell around the controller core: Asio, the membership, agents and the fencer.

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include <wholesale_ha/membership/in_process.hpp>
#include <wholesale_ha/model/validate.hpp>

#include "controller_impl.hpp"
#include "simulated_fencer.hpp"

namespace wholesale_ha {

namespace asio = boost::asio;

namespace {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

bool in_process(membership::Membership& members) {
  return dynamic_cast<membership::InProcessMembership*>(&members) != nullptr;
}

/// The fencer to use: the application's, else a simulated power-off for in-process nodes,
/// else none (fence actions then fail, which blocks recovery and says why).
std::shared_ptr<fencing::Fencer> choose_fencer(Controller::Impl& impl, const std::shared_ptr<fencing::Fencer>& given,
                                               membership::Membership& members) {
  if (given) return given;
  if (auto* local = dynamic_cast<membership::InProcessMembership*>(&members)) {
    return std::make_shared<SimulatedPowerOff>(impl, *local);
  }
  return nullptr;
}

core::Settings settings_for(const ControllerOptions& o, membership::Membership& members,
                            const agents::Registry& registry) {
  core::Settings s;
  s.local = members.local_node();
  s.clustered = !in_process(members);
  for (const auto& name : registry.names()) {
    if (const agents::Backend* b = registry.find(name); b != nullptr && b->runs_anywhere()) {
      s.anywhere_backends.insert(name);
    }
  }
  s.retry_delay = o.retry_delay;
  s.max_retry_delay = o.max_retry_delay;
  s.startup_grace = o.startup_grace;
  s.sync_timeout = o.sync_timeout;
  s.fence_timeout = o.executor.fence_timeout;
  s.answer_grace = o.executor.answer_grace;
  s.node_concurrency = o.executor.node_concurrency;
  s.migration_limit = o.executor.migration_limit;
  s.failover_check_limit = o.failover_check_limit;
  return s;
}

}  // namespace

Controller::Impl::Impl(Controller::Events& e, asio::any_io_executor executor, model::Config cfg,
                       std::shared_ptr<membership::Membership> members, agents::Registry& reg, ControllerOptions opts)
    : events(e),
      strand(asio::make_strand(executor)),
      log(opts.logger.child("controller")),
      membership(std::move(members)),
      registry(reg),
      options(std::move(opts)),
      pool(strand, reg),
      fencer(choose_fencer(*this, options.fencer, *membership)),
      core(settings_for(options, *membership, registry), std::move(cfg), log),
      pool_config(core.shared_config()),
      alive(std::make_shared<Impl*>(this)) {
  pool.set_config(*pool_config);
}

Controller::Impl::~Impl() {
  *alive = nullptr;
  end_timers_and_subscriptions();
}

core::Now Controller::Impl::now() const {
  const auto steady = std::chrono::duration_cast<core::Millis>(std::chrono::steady_clock::now().time_since_epoch());
  if (options.clock) return {steady, options.clock()};
  return {steady, std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                      .count()};
}

void Controller::Impl::step(const core::Event& event) {
  const auto begin = std::chrono::steady_clock::now();
  auto effects = core.step(event, now());
  step_took = std::chrono::steady_clock::now() - begin;
  perform(std::move(effects));
}

void Controller::Impl::step_soon(core::Event event) {
  asio::dispatch(strand, [weak = std::weak_ptr<Impl*>(alive), event = std::move(event)] {
    if (auto impl = weak.lock(); impl && *impl) (*impl)->step(event);
  });
}

std::vector<Diagnostic> Controller::Impl::command(const core::Command& command) {
  core::Effects effects;
  const auto begin = std::chrono::steady_clock::now();
  auto diagnostics = core.command(command, now(), effects);
  step_took = std::chrono::steady_clock::now() - begin;
  perform(std::move(effects));
  return diagnostics;
}

void Controller::Impl::perform(core::Effects effects) {
  if (core.shared_config() != pool_config) {
    pool_config = core.shared_config();
    pool.set_config(*pool_config);
  }
  for (auto& effect : effects) perform(effect);
}

void Controller::Impl::perform(core::Effect& effect) {
  // Answers always arrive as later events, never inside this loop (agents and runners may
  // answer at once).
  auto answer = [weak = std::weak_ptr<Impl*>(alive), ex = strand](std::uint64_t id) {
    return [weak, ex, id](agents::Outcome r) {
      asio::post(ex, [weak, id, r = std::move(r)]() mutable {
        if (auto impl = weak.lock(); impl && *impl) (*impl)->step(core::OpDone{id, std::move(r)});
      });
    };
  };
  std::visit(
      Overloaded{
          [&](core::Broadcast& b) {
            if (auto sent = membership->broadcast(b.type, b.body); !sent) {
              asio::post(strand, [weak = std::weak_ptr<Impl*>(alive), type = b.type, why = sent.error().message,
                                  body = std::move(b.body)] {
                if (auto impl = weak.lock(); impl && *impl) (*impl)->step(core::SendFailed{type, why, body});
              });
            }
          },
          [&](core::RunOperation& r) { local_runner.run(r.op, answer(r.id)); },
          [&](core::FenceNode& f) {
            if (!fencer) {
              return answer(f.id)({agents::Status::not_configured,
                                   "no fencing device is configured: recovery of the lost node's resources is blocked"});
            }
            fencer->fence(f.node, f.timeout, answer(f.id));
          },
          [&](core::ArmTimer& t) {
            auto timer = std::make_unique<asio::steady_timer>(strand, t.after);
            timer->async_wait([weak = std::weak_ptr<Impl*>(alive), id = t.id](const boost::system::error_code& ec) {
              if (ec) return;
              auto impl = weak.lock();
              if (!impl || !*impl) return;
              (*impl)->timers.erase(id);
              (*impl)->step(core::TimerFired{id});
            });
            timers[t.id] = std::move(timer);
          },
          [&](core::Watch& w) {
            if (agents::Agent* agent = pool.get(w.resource, w.node)) {
              agent->watch([weak = std::weak_ptr<Impl*>(alive), resource = w.resource, node = w.node] {
                if (auto impl = weak.lock(); impl && *impl) (*impl)->step_soon(core::AgentNotice{resource, node});
              });
            }
          },
          [&](core::TransitionPlanned& e) { events.transition_planned.emit(e.transition); },
          [&](core::ActionStarted& e) { events.action_started.emit(e.action); },
          [&](core::ActionFinished& e) { events.action_finished.emit(e.result); },
          [&](core::ResourceFailed& e) { events.resource_failed.emit(e.failure); },
          [&](core::ResourceRepaired& e) { events.resource_repaired.emit(e.repair); },
          [&](core::HealthChanged& e) { events.node_health_changed.emit(e.node, e.health); },
          [&](core::MembershipChanged& e) { events.membership_changed.emit(e.view); },
          [&](core::Idle&) { events.idle.emit(); },
          [&](core::Planned& e) { events.plan_computed.emit(PlanComputed{step_took, e.actions}); },
          [&](core::Stopped&) {
            end_timers_and_subscriptions();
            if (stop_done) asio::post(strand, std::exchange(stop_done, nullptr));
          },
          [&](core::LeftCluster&) {
            end_timers_and_subscriptions();
            if (leave_done) asio::post(strand, std::exchange(leave_done, nullptr));
          },
          [&](core::FailoverCapacityChanged& e) { events.failover_capacity_changed.emit(e.survivability); },
          [&](core::NodeEmptied& e) {
            auto it = node_emptied.find(e.node);
            if (it == node_emptied.end()) return;
            for (auto& done : it->second) asio::post(strand, std::move(done));
            node_emptied.erase(it);
          },
      },
      effect);
}

void Controller::Impl::end_timers_and_subscriptions() {
  view_connection.disconnect();
  message_connection.disconnect();
  for (auto& [id, timer] : timers) timer->cancel();
  timers.clear();
}

// --- the facade ------------------------------------------------------------------------------------

Controller::Controller(asio::any_io_executor executor, model::Config config,
                       std::shared_ptr<membership::Membership> membership, agents::Registry& registry,
                       ControllerOptions options)
    : events_(std::make_unique<Events>()),
      impl_(std::make_unique<Impl>(*events_, std::move(executor), std::move(config), std::move(membership), registry,
                                   std::move(options))) {}

Controller::~Controller() = default;

void Controller::start() {
  auto& impl = *impl_;
  if (impl.core.running()) return;
  auto weak = std::weak_ptr<Impl*>(impl.alive);
  impl.view_connection = impl.membership->on_view_changed.subscribe([weak](const membership::View& v) {
    if (auto i = weak.lock(); i && *i) (*i)->step_soon(core::ViewChanged{v});
  });
  if (impl.core.settings().clustered) {
    impl.message_connection = impl.membership->on_message.subscribe([weak](const membership::Message& m) {
      if (auto i = weak.lock(); i && *i) (*i)->step_soon(core::Delivered{std::make_shared<const membership::Message>(m)});
    });
  }
  impl.step(core::Start{impl.membership->view(), impl.membership->local_node()});
}

void Controller::stop(std::function<void()> done) {
  impl_->stop_done = std::move(done);
  impl_->step(core::Stop{});
}

void Controller::leave(model::ShutdownKind kind, std::function<void()> done) {
  impl_->leave_done = std::move(done);
  impl_->step(core::Leave{kind});
}

Result<void> Controller::reload(model::Config config) {
  // The backends check their parameters here; the core checks the model's rules.
  auto backends = impl_->registry.validate(config.resources);
  if (!backends.ok()) {
    auto problems = model::validate(model::Cluster{config, {}}).errors();
    const auto& found = backends.diagnostics();
    problems.insert(problems.end(), found.begin(), found.end());
    impl_->log.error("configuration rejected with {} problem(s); the running cluster is unchanged", problems.size());
    return Result<void>::failure(std::move(problems));
  }
  Result<void> reloaded{impl_->command(core::Reload{std::move(config)})};
  if (reloaded.ok()) reloaded.add_warnings(backends.diagnostics());
  return reloaded;
}

Result<void> Controller::move(const std::string& resource, const std::string& node, bool offline) {
  return Result<void>{impl_->command(core::Move{resource, node, offline})};
}

Result<void> Controller::standby(const std::string& node, bool on) {
  return Result<void>{impl_->command(core::SetStandby{node, on})};
}

Result<void> Controller::maintenance(const std::string& node, bool on) {
  return Result<void>{impl_->command(core::SetMaintenance{node, on})};
}

Result<void> Controller::shutdown_node(const std::string& node, model::ShutdownKind kind,
                                       std::function<void()> done) {
  // Registered first: the node may be empty already, and the command says so at once.
  auto& waiting = impl_->node_emptied[node];
  waiting.push_back(done ? std::move(done) : [] {});
  Result<void> problems{impl_->command(core::ShutdownNode{node, kind})};
  if (!problems.ok()) {
    if (auto it = impl_->node_emptied.find(node); it != impl_->node_emptied.end()) {
      it->second.pop_back();
      if (it->second.empty()) impl_->node_emptied.erase(it);
    }
  }
  return problems;
}

Result<void> Controller::set_target_role(const std::string& resource, model::TargetRole role) {
  return Result<void>{impl_->command(core::SetTargetRole{resource, role})};
}

Result<void> Controller::clear_failcount(const std::string& resource,
                                         const std::optional<std::string>& node) {
  return Result<void>{impl_->command(core::ClearFailcount{resource, node})};
}

Result<void> Controller::set_attribute(const std::string& node, const std::string& name,
                                       const std::optional<std::string>& value) {
  return Result<void>{impl_->command(core::SetAttribute{node, name, value})};
}

const model::Config& Controller::config() const { return impl_->core.config(); }
const model::ClusterState& Controller::state() const { return impl_->core.state(); }
bool Controller::idle() const { return impl_->core.idle(); }
std::optional<policy::Survivability> Controller::failover_capacity(int k) const {
  if (!impl_->core.failover_check_affordable(k)) return std::nullopt;
  return policy::survivability(impl_->core.state(), impl_->core.config(), k);
}
boost::asio::any_io_executor Controller::executor() const { return impl_->strand; }

}  // namespace wholesale_ha
