#include "tool.hpp"

#include <fmt/format.h>

#include <wholesale_ha/json_depth.hpp>
#include <wholesale_ha/model/duration.hpp>
#include <wholesale_ha/utf8.hpp>

namespace wholesale_ha::health::detail {

process::Command tool_command(std::string program, std::vector<std::string> args,
                              std::chrono::milliseconds timeout) {
  process::Command command;
  command.program = std::move(program);
  command.args = std::move(args);
  command.timeout = timeout;
  // Tools print kilobytes; anything near this is garbage and is not worth holding.
  command.max_output = 4 * 1024 * 1024;
  // Stable, parseable output whatever the host's locale.
  command.env = {{"LC_ALL", "C"}};
  return command;
}

std::optional<ProbeResult> tool_problem(const process::Outcome& result, std::string_view tool,
                                        std::chrono::milliseconds timeout) {
  if (result.spawn_error == std::errc::no_such_file_or_directory) {
    return ProbeResult::unavailable(fmt::format("{} is not installed (not found)", tool));
  }
  if (result.spawn_error) {
    return ProbeResult::failure(
        fmt::format("could not start {}: {}", tool, result.spawn_error.message()));
  }
  if (result.timed_out) {
    return ProbeResult::failure(
        fmt::format("{} timed out after {}", tool, model::duration_to_string(timeout)));
  }
  if (!result.exited_normally()) {
    return ProbeResult::failure(fmt::format("{} {}", tool, result.describe()));
  }
  return std::nullopt;
}

nlohmann::json parse_tool_json(std::string_view output) {
  constexpr std::size_t kMaxDepth = 128;
  if (json_too_deep(output, kMaxDepth)) return nlohmann::json::value_t::discarded;
  return nlohmann::json::parse(output, nullptr, /*allow_exceptions=*/false);
}

std::string first_line(std::string_view text) {
  constexpr std::size_t kMax = 160;
  while (!text.empty()) {
    auto end = text.find('\n');
    auto line = text.substr(0, end);
    const auto first = line.find_first_not_of(" \t\r");
    if (first != std::string_view::npos) {
      line = line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
      if (line.size() > kMax) return std::string{utf8_prefix(line, kMax)} + "...";
      return std::string{line};
    }
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return {};
}

std::string command_line(std::string_view program, const std::vector<std::string>& args) {
  std::string out{program};
  for (const auto& arg : args) out += " " + arg;
  return out;
}

}  // namespace wholesale_ha::health::detail
