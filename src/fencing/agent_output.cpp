#include "agent_output.hpp"

#include <cctype>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include <wholesale_ha/utf8.hpp>

namespace wholesale_ha::fencing::detail {
namespace {

constexpr std::size_t kMaxSaid = 300;

std::vector<std::string_view> lines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const auto end = text.find('\n');
    auto line = text.substr(0, end);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())) != 0) line.remove_suffix(1);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front())) != 0) line.remove_prefix(1);
    if (!line.empty()) out.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

/// fence-agents prefix their log lines with "2026-11-25 08:32:55,439 "; the time is noise here.
std::string_view without_timestamp(std::string_view line) {
  const bool stamped = line.size() > 24 && std::isdigit(static_cast<unsigned char>(line[0])) != 0 && line[4] == '-' &&
                       line[10] == ' ' && line[13] == ':';
  if (!stamped) return line;
  const auto space = line.find(' ', 11);
  return space == std::string_view::npos ? line : line.substr(space + 1);
}

bool is_error(std::string_view line) {
  return line.find("ERROR") != std::string_view::npos || line.find("Failed") != std::string_view::npos ||
         line.find("failed") != std::string_view::npos;
}

/// Interpreter noise that explains nothing (Python's deprecation warnings in some agents).
bool is_noise(std::string_view line) {
  return line.find("DeprecationWarning") != std::string_view::npos || line.starts_with("from ") ||
         line.starts_with("import ");
}

}  // namespace

std::string agent_said(const process::Outcome& result) {
  const auto err = lines(result.err);
  const auto out = lines(result.out);
  std::string_view said;
  for (const auto* stream : {&out, &err}) {
    for (auto line : *stream) {
      if (is_error(line) && !is_noise(line)) said = line;
    }
  }
  if (said.empty()) {
    for (const auto* stream : {&out, &err}) {
      for (auto line : *stream) {
        if (!is_noise(line)) said = line;
      }
    }
  }
  std::string text{without_timestamp(said)};
  if (text.size() > kMaxSaid) text = std::string{utf8_prefix(text, kMaxSaid)} + "...";
  // Agents' output is repaired as it is captured; a Result built elsewhere may not be.
  make_valid_utf8(text);
  return text;
}

std::string describe_outcome(const process::Outcome& result, std::chrono::milliseconds budget) {
  if (result.spawn_error) return "could not be started: " + result.spawn_error.message();
  std::string text;
  const auto how = result.signal != 0 ? process::signal_name(result.signal)
                                      : fmt::format("exit status {}", result.exit_code);
  if (result.timed_out) {
    text = fmt::format("did not finish within {}ms, so its process group was killed ({})", budget.count(), how);
  } else if (result.signal != 0) {
    text = "was killed by " + how;
  } else {
    text = fmt::format("exited with status {}", result.exit_code);
  }
  if (auto said = agent_said(result); !said.empty()) text += ": " + said;
  return text;
}

agents::Status failure_status(const process::Outcome& result) {
  if (result.spawn_error) return agents::Status::not_installed;
  if (result.timed_out) return agents::Status::timed_out;
  return agents::Status::error_generic;
}

}  // namespace wholesale_ha::fencing::detail
