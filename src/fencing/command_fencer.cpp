#include <wholesale_ha/fencing/command.hpp>

#include <stdexcept>

#include <fmt/format.h>

#include <wholesale_ha/process/child_process.hpp>

#include "agent_output.hpp"

namespace wholesale_ha::fencing {

struct CommandFencer::Shared {
  boost::asio::any_io_executor executor;
  CommandFencerOptions options;
  Logger log;
};

namespace {

std::string with_node(std::string text, const std::string& node) {
  static constexpr std::string_view kPlaceholder = "{node}";
  for (auto at = text.find(kPlaceholder); at != std::string::npos; at = text.find(kPlaceholder, at + node.size())) {
    text.replace(at, kPlaceholder.size(), node);
  }
  return text;
}

}  // namespace

Result<std::shared_ptr<CommandFencer>> CommandFencer::create(boost::asio::any_io_executor executor,
                                                             CommandFencerOptions options, Logger logger) {
  if (options.program.empty()) {
    return Diagnostic::error(Errc::missing_field, "/program", "command fencer \"" + options.id + "\": no program given");
  }
  auto log = logger.child("fencing/" + options.id);
  return std::make_shared<CommandFencer>(
      Token{}, std::make_shared<const Shared>(Shared{std::move(executor), std::move(options), std::move(log)}));
}

CommandFencer::CommandFencer(Token, std::shared_ptr<const Shared> shared) : shared_(std::move(shared)) {}

void CommandFencer::fence(const std::string& node, std::chrono::milliseconds timeout, agents::Handler done) {
  auto s = shared_;
  process::Command c;
  c.program = s->options.program;
  for (const auto& arg : s->options.args) c.args.push_back(with_node(arg, node));
  c.env = s->options.env;
  c.env["WHA_FENCE_NODE"] = node;
  c.timeout = std::max(timeout, std::chrono::milliseconds{1});  // 0 would mean "no limit"
  c.kill_grace = std::min(std::chrono::milliseconds{1000}, c.timeout);
  auto shown = fmt::format("{} {}", c.program, fmt::join(c.args, " "));
  s->log.info("fencing node {} with command fencer \"{}\": {}", node, s->options.id, shown);
  process::async_run(s->executor, std::move(c), [s, node, shown, timeout, done](process::Outcome r) {
    if (r.success()) {
      const auto said = detail::agent_said(r);
      auto reason = fmt::format("node {} fenced by command fencer \"{}\" ({}){}{}", node, s->options.id, shown,
                                said.empty() ? "" : ": ", said);
      s->log.info("{}", reason);
      return done({agents::Status::success, std::move(reason)});
    }
    auto reason = fmt::format("fencing node {} with command fencer \"{}\" ({}) failed: the command {}", node,
                              s->options.id, shown, detail::describe_outcome(r, timeout));
    s->log.error("{}", reason);
    done({detail::failure_status(r), std::move(reason)});
  });
}

}  // namespace wholesale_ha::fencing
