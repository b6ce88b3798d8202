#include <wholesale_ha/executor/operation.hpp>

#include <fmt/format.h>

namespace wholesale_ha::executor {

std::string_view to_string(Operation::Kind kind) noexcept {
  switch (kind) {
    case Operation::Kind::start: return "start";
    case Operation::Kind::stop: return "stop";
    case Operation::Kind::monitor: return "monitor";
    case Operation::Kind::migrate_to: return "migrate_to";
    case Operation::Kind::migrate_from: return "migrate_from";
    case Operation::Kind::repair: return "repair";
  }
  return "?";
}

void LocalRunner::run(const Operation& op, agents::Handler done) {
  agents::Agent* agent = agents_.get(op.resource, op.node);
  if (agent == nullptr) {
    return done({agents::Status::not_configured,
                 fmt::format("no agent can manage {} on {} (unknown resource or backend)", op.resource, op.node)});
  }
  const bool releases = op.kind == Operation::Kind::stop || op.kind == Operation::Kind::migrate_to;
  auto finish = [this, releases, resource = op.resource, node = op.node,
                 done = std::move(done)](agents::Outcome r) mutable {
    // Releasing destroys the agent, which may own this very lambda: take what is needed first.
    auto handler = std::move(done);
    if (releases && r.ok()) {
      const auto which = std::pair{std::move(resource), std::move(node)};
      agents_.release(which.first, which.second);
    }
    handler(std::move(r));
  };
  switch (op.kind) {
    case Operation::Kind::start: return agent->start(op.timeout, std::move(finish));
    case Operation::Kind::stop: return agent->stop(op.timeout, std::move(finish));
    case Operation::Kind::monitor: return agent->monitor(op.timeout, std::move(finish));
    case Operation::Kind::migrate_to: return agent->migrate_to(op.peer, op.timeout, std::move(finish));
    case Operation::Kind::migrate_from: return agent->migrate_from(op.peer, op.timeout, std::move(finish));
    case Operation::Kind::repair: return agent->repair(op.action, op.timeout, std::move(finish));
  }
}

}  // namespace wholesale_ha::executor
