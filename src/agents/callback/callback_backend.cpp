#include <wholesale_ha/agents/callback.hpp>

#include <optional>

#include <boost/asio/post.hpp>
#include <fmt/format.h>

namespace wholesale_ha::agents {
namespace {

class CallbackAgent final : public Agent {
 public:
  CallbackAgent(const AgentContext& context, std::shared_ptr<const CallbackType> fns)
      : Agent(context.executor), resource_(context.resource), node_(context.node), fns_(std::move(fns)) {}

  [[nodiscard]] Capabilities capabilities() const override {
    return {.live_migratable = fns_->migrate_to && fns_->migrate_from,
            .checkpointable = false,
            .clonable = fns_->clonable,
            .reloadable = false};
  }

  void start(std::chrono::milliseconds timeout, Handler done) override {
    call(fns_->start, timeout, nullptr, std::move(done));
  }
  void stop(std::chrono::milliseconds timeout, Handler done) override {
    call(fns_->stop, timeout, nullptr, std::move(done));
  }
  void monitor(std::chrono::milliseconds timeout, Handler done) override {
    call(fns_->monitor, timeout, nullptr, std::move(done));
  }
  void migrate_to(const std::string& target, std::chrono::milliseconds timeout,
                  Handler done) override {
    if (!fns_->migrate_to) return Agent::migrate_to(target, timeout, std::move(done));
    call(fns_->migrate_to, timeout, &target, std::move(done));
  }
  void migrate_from(const std::string& source, std::chrono::milliseconds timeout,
                    Handler done) override {
    if (!fns_->migrate_from) return Agent::migrate_from(source, timeout, std::move(done));
    call(fns_->migrate_from, timeout, &source, std::move(done));
  }
  void repair(const std::string& action, std::chrono::milliseconds timeout, Handler done) override {
    auto it = fns_->repairs.find(action);
    if (it == fns_->repairs.end()) return Agent::repair(action, timeout, std::move(done));
    call(it->second, timeout, nullptr, std::move(done));
  }

 private:
  void call(const AsyncCallback& fn, std::chrono::milliseconds timeout, const std::string* peer,
            Handler done) {
    // The callback may answer from any thread; the answer is posted back to our executor.
    auto back = [ex = executor(), done = std::move(done)](Outcome result) mutable {
      boost::asio::post(ex, [done = std::move(done), result = std::move(result)]() mutable {
        done(std::move(result));
      });
    };
    // Keep the functions alive with the posted call, whatever happens to this agent.
    boost::asio::post(executor(), [fns = fns_, &fn, resource = resource_, node = node_, timeout,
                                   peer = peer ? std::optional<std::string>{*peer} : std::nullopt,
                                   back = std::move(back)]() mutable {
      try {
        fn(CallbackCall{*resource, node, timeout, peer ? &*peer : nullptr}, std::move(back));
      } catch (const std::exception& e) {
        back({Status::error_generic, fmt::format("callback threw: {}", e.what())});
      }
    });
  }

  std::shared_ptr<const model::Resource> resource_;
  std::string node_;
  std::shared_ptr<const CallbackType> fns_;
};

}  // namespace

AsyncCallback sync(SyncCallback fn) {
  return [fn = std::move(fn)](const CallbackCall& call, Handler done) { done(fn(call)); };
}

void CallbackBackend::add_type(std::string type, CallbackType functions) {
  types_[std::move(type)] = std::make_shared<const CallbackType>(std::move(functions));
}

Result<void> CallbackBackend::validate(const model::Resource& resource,
                                       const std::string& pointer) const {
  if (types_.contains(resource.type)) return {};
  std::vector<std::string> known;
  for (const auto& [name, fns] : types_) known.push_back(name);
  return {Diagnostic::error(Errc::unknown_reference, pointer + "/type",
           fmt::format("no callback type \"{}\" is registered with the callback backend "
                       "(registered: {})",
                       resource.type, known.empty() ? "none" : fmt::format("{}", fmt::join(known, ", "))))};
}

std::vector<std::string> CallbackBackend::repair_actions(const model::Resource& resource) const {
  std::vector<std::string> out;
  if (auto it = types_.find(resource.type); it != types_.end()) {
    for (const auto& [action, fn] : it->second->repairs) out.push_back(action);
  }
  return out;
}

std::unique_ptr<Agent> CallbackBackend::create(const AgentContext& context) {
  auto it = types_.find(context.resource->type);
  if (it == types_.end()) return nullptr;
  return std::make_unique<CallbackAgent>(context, it->second);
}

}  // namespace wholesale_ha::agents
