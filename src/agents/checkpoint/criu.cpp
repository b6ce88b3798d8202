#include "criu.hpp"

#include <fmt/format.h>

#include <wholesale_ha/process/child_process.hpp>

namespace wholesale_ha::agents::detail {
namespace {

std::string last_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  auto nl = text.rfind('\n');
  return nl == std::string::npos ? text : text.substr(nl + 1);
}

void run_criu(const boost::asio::any_io_executor& ex, process::Command c, std::string what, Handler done) {
  process::async_run(ex, std::move(c), [what = std::move(what), done = std::move(done)](process::Outcome r) {
    if (r.success()) return done({Status::success, what + " done"});
    done({r.timed_out ? Status::timed_out : Status::error_generic,
          fmt::format("{} failed: {}: {}", what, r.describe(), last_line(r.err.empty() ? r.out : r.err))});
  });
}

}  // namespace

std::optional<std::string> criu_check(const std::string& criu) {
  process::Command c;
  c.program = criu;
  c.args = {"check"};
  c.timeout = std::chrono::seconds{30};
  auto r = process::run(std::move(c));
  if (r.spawn_error) {
    return fmt::format("CRIU is not installed ({}: {}); use mode \"cooperative\"", criu, r.spawn_error.message());
  }
  if (r.success()) return std::nullopt;
  return fmt::format("CRIU cannot checkpoint on this machine (`criu check` {}: {}); use mode \"cooperative\"",
                     r.describe(), last_line(r.err.empty() ? r.out : r.err));
}

void criu_dump(const boost::asio::any_io_executor& ex, const std::string& criu, pid_t pid, const std::string& dir,
               std::chrono::milliseconds timeout, Handler done) {
  process::Command c;
  c.program = criu;
  c.args = {"dump", "--tree", std::to_string(pid), "--images-dir", dir, "--shell-job"};
  c.timeout = timeout;
  run_criu(ex, std::move(c), fmt::format("criu dump of pid {}", pid), std::move(done));
}

void criu_restore(const boost::asio::any_io_executor& ex, const std::string& criu, const std::string& dir,
                  std::chrono::milliseconds timeout, Handler done) {
  process::Command c;
  c.program = criu;
  c.args = {"restore", "--images-dir", dir, "--shell-job", "--restore-detached", "--pidfile", dir + "/restored.pid"};
  c.timeout = timeout;
  run_criu(ex, std::move(c), "criu restore", std::move(done));
}

}  // namespace wholesale_ha::agents::detail
