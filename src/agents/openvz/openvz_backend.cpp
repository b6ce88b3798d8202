#include <wholesale_ha/openvz/backend.hpp>

#include "operations.hpp"
#include "settings.hpp"

namespace wholesale_ha::agents {
namespace {

using Clock = std::chrono::steady_clock;

class OpenvzAgent final : public Agent {
 public:
  OpenvzAgent(const AgentContext& context, const OpenvzOptions& options)
      : Agent(context.executor), ctx_(make_context(context, options)) {}

  [[nodiscard]] Capabilities capabilities() const override {
    // Without shared storage a container moves only by migration (vzmigrate copies its
    // private area), so even offline migration is the way to move it: stop + start cannot.
    return {.live_migratable = true,
            .checkpointable = ctx_->settings.migration == openvz::Migration::checkpoint,
            .clonable = false,
            .reloadable = false};
  }

  void start(std::chrono::milliseconds timeout, Handler done) override {
    openvz::start(ctx_, Clock::now() + timeout, std::move(done));
  }
  void stop(std::chrono::milliseconds timeout, Handler done) override {
    openvz::stop(ctx_, Clock::now() + timeout, std::move(done));
  }
  void monitor(std::chrono::milliseconds timeout, Handler done) override {
    openvz::monitor(ctx_, Clock::now() + timeout, std::move(done));
  }
  void migrate_to(const std::string& target_node, std::chrono::milliseconds timeout, Handler done) override {
    openvz::migrate_to(ctx_, target_node, Clock::now() + timeout, std::move(done));
  }
  void migrate_from(const std::string& source_node, std::chrono::milliseconds timeout, Handler done) override {
    openvz::migrate_from(ctx_, source_node, Clock::now() + timeout, std::move(done));
  }

 private:
  static openvz::Ctx make_context(const AgentContext& context, const OpenvzOptions& options) {
    auto ctx = std::make_shared<openvz::Context>();
    ctx->executor = context.executor;
    ctx->options = options;
    ctx->settings = openvz::settings_of(*context.resource);
    ctx->node = context.node;
    if (auto it = options.node_env.find(context.node); it != options.node_env.end()) ctx->env = it->second;
    return ctx;
  }

  openvz::Ctx ctx_;
};

class OpenvzBackend final : public Backend {
 public:
  explicit OpenvzBackend(OpenvzOptions options) : options_(std::move(options)) {}

  [[nodiscard]] Result<void> validate(const model::Resource& resource,
                                      const std::string& pointer) const override {
    return Result<void>{openvz::validate(resource, pointer, options_.flavour)};
  }

  [[nodiscard]] std::unique_ptr<Agent> create(const AgentContext& context) override {
    return std::make_unique<OpenvzAgent>(context, options_);
  }

 private:
  OpenvzOptions options_;
};

}  // namespace

std::shared_ptr<Backend> make_openvz_backend(OpenvzOptions options) {
  return std::make_shared<OpenvzBackend>(std::move(options));
}

}  // namespace wholesale_ha::agents
