#include "tool.hpp"

#include <cerrno>

#include <boost/asio/post.hpp>
#include <fmt/format.h>

namespace wholesale_ha::agents::openvz {
namespace {

std::string last_line(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  const auto nl = text.rfind('\n');
  return std::string{nl == std::string_view::npos ? text : text.substr(nl + 1)};
}

std::string with_said(std::string text, const process::Outcome& r) {
  const auto s = said(r);
  return s.empty() ? text : text + ": " + s;
}

}  // namespace

std::string command_line(const Tool& tool, const std::vector<std::string>& args) {
  std::string out = tool.name;
  for (const auto& a : args) out += " " + a;
  return out;
}

void run_tool(const Context& ctx, const Tool& tool, std::vector<std::string> args, Deadline deadline,
              ToolHandler done) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left <= std::chrono::milliseconds{0}) {
    process::Outcome r;
    r.timed_out = true;
    boost::asio::post(ctx.executor, [r = std::move(r), done = std::move(done)] { done(r); });
    return;
  }
  process::Command c;
  c.program = tool.program;
  c.args = std::move(args);
  c.env = ctx.env;
  c.timeout = left;
  // Short: the executor gives an operation only its timeout plus a small grace.
  c.kill_grace = std::chrono::milliseconds{1000};
  c.max_output = 64 * 1024;
  process::async_run(ctx.executor, std::move(c), std::move(done));
}

void finish(const Context& ctx, Handler done, Outcome result) {
  boost::asio::post(ctx.executor, [done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); });
}

std::optional<Outcome> abnormal(const Tool& tool, const std::string& what, const process::Outcome& r) {
  if (r.spawn_error) {
    const bool denied = r.spawn_error == std::errc::permission_denied;
    return Outcome{denied ? Status::error_permission : Status::not_installed,
                  fmt::format("{}: cannot run {} ({}): {}", what, tool.name, tool.program, r.spawn_error.message())};
  }
  if (r.timed_out) {
    return Outcome{Status::timed_out, with_said(fmt::format("{}: did not finish in time and was stopped", what), r)};
  }
  if (r.signal != 0) {
    return Outcome{Status::error_generic, with_said(fmt::format("{}: {}", what, r.describe()), r)};
  }
  return std::nullopt;
}

std::string failure(const std::string& what, const process::Outcome& r, std::string_view meaning) {
  auto text = meaning.empty() ? fmt::format("{}: exit {}", what, r.exit_code)
                              : fmt::format("{}: exit {} ({})", what, r.exit_code, meaning);
  return with_said(std::move(text), r);
}

std::string said(const process::Outcome& r) {
  auto line = last_line(r.err);
  return line.empty() ? last_line(r.out) : line;
}

std::string excerpt(std::string_view output) {
  std::string out;
  for (char c : output) {
    if (out.size() >= 160) {
      out += "...";
      break;
    }
    if (c == '\n') {
      out += "\\n";
    } else if (c != '\r') {
      out += c;
    }
  }
  return out;
}

}  // namespace wholesale_ha::agents::openvz
