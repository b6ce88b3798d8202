#include <wholesale_ha/agents/process.hpp>

#include <fmt/format.h>

#include "../params.hpp"
#include "supervised.hpp"

namespace wholesale_ha::agents {
namespace {

using detail::ParamKind;

const std::vector<detail::ParamSpec>& process_params() {
  static const std::vector<detail::ParamSpec> specs = {
      {"command", true, ParamKind::string},        {"directory", false, ParamKind::string},
      {"log_file", false, ParamKind::string},      {"stop_grace", false, ParamKind::duration},
      {"check_tcp", false, ParamKind::address},    {"check_http", false, ParamKind::url},
      {"check_command", false, ParamKind::string}, {"start_settle", false, ParamKind::duration},
  };
  return specs;
}

class ProcessAgent final : public Agent {
 public:
  explicit ProcessAgent(const AgentContext& context)
      : Agent(context.executor), s_(std::make_shared<detail::Supervised>(context.executor, context.resource)) {}

  ~ProcessAgent() override { s_->timer.cancel(); }

  [[nodiscard]] Capabilities capabilities() const override {
    return {.live_migratable = false, .checkpointable = false, .clonable = true, .reloadable = false};
  }

  void start(std::chrono::milliseconds timeout, Handler done) override {
    if (s_->running()) {
      return complete(std::move(done), {Status::success, fmt::format("already running as pid {}", s_->child->pid())});
    }
    if (auto ec = s_->spawn(s_->resource.params.at("command"))) {
      const bool missing = ec == std::errc::no_such_file_or_directory;
      return complete(std::move(done), {missing ? Status::not_installed : Status::error_generic,
                                        fmt::format("cannot start: {}", ec.message())});
    }
    s_->confirm_start(timeout, std::move(done));
  }

  void stop(std::chrono::milliseconds timeout, Handler done) override { s_->stop(timeout, std::move(done)); }

  void monitor(std::chrono::milliseconds timeout, Handler done) override { s_->monitor(timeout, std::move(done)); }

 private:
  std::shared_ptr<detail::Supervised> s_;
};

class ProcessBackend final : public Backend {
 public:
  [[nodiscard]] Result<void> validate(const model::Resource& resource,
                                      const std::string& pointer) const override {
    return Result<void>{detail::check_params(resource, pointer, process_params(), {"env."})};
  }

  [[nodiscard]] std::unique_ptr<Agent> create(const AgentContext& context) override {
    return std::make_unique<ProcessAgent>(context);
  }
};

}  // namespace

std::shared_ptr<Backend> make_process_backend() { return std::make_shared<ProcessBackend>(); }

}  // namespace wholesale_ha::agents
