#include <wholesale_ha/agents/agent.hpp>

#include <boost/asio/post.hpp>

namespace wholesale_ha::agents {

std::string_view to_string(Status status) noexcept {
  switch (status) {
    case Status::success: return "success";
    case Status::error_generic: return "generic error";
    case Status::error_arguments: return "invalid arguments";
    case Status::unimplemented: return "unimplemented";
    case Status::error_permission: return "insufficient permission";
    case Status::not_installed: return "not installed";
    case Status::not_configured: return "not configured";
    case Status::not_running: return "not running";
    case Status::running_promoted: return "running (promoted)";
    case Status::failed_promoted: return "failed (promoted)";
    case Status::degraded: return "degraded";
    case Status::degraded_promoted: return "degraded (promoted)";
    case Status::timed_out: return "timed out";
    case Status::cancelled: return "cancelled";
  }
  return "?";
}

void Agent::complete(Handler done, Outcome result) const {
  boost::asio::post(executor_, [done = std::move(done), result = std::move(result)]() mutable {
    done(std::move(result));
  });
}

void Agent::migrate_to(const std::string&, std::chrono::milliseconds, Handler done) {
  complete(std::move(done), {Status::unimplemented, "this backend cannot live-migrate"});
}

void Agent::migrate_from(const std::string&, std::chrono::milliseconds, Handler done) {
  complete(std::move(done), {Status::unimplemented, "this backend cannot live-migrate"});
}

void Agent::watch(std::function<void()>) {}

void Agent::repair(const std::string& action, std::chrono::milliseconds, Handler done) {
  complete(std::move(done), {Status::unimplemented, "this backend has no repair \"" + action + "\""});
}

void Agent::reload(std::chrono::milliseconds, Handler done) {
  complete(std::move(done), {Status::unimplemented, "this backend cannot reload"});
}

}  // namespace wholesale_ha::agents
