#include "container_state.hpp"

#include <algorithm>
#include <iterator>
#include <sstream>
#include <vector>

namespace wholesale_ha::agents::openvz {
namespace {

/// The words of the only non-empty line; nothing when there are several lines (the tools
/// print exactly one).
std::vector<std::string> words_of_single_line(std::string_view output) {
  std::vector<std::string> lines;
  std::istringstream in{std::string{output}};
  for (std::string line; std::getline(in, line);) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) lines.push_back(line);
  }
  if (lines.size() != 1) return {};
  std::vector<std::string> words;
  std::istringstream line{lines.front()};
  for (std::string w; line >> w;) words.push_back(w);
  return words;
}

std::string join(const std::vector<std::string>& words, std::size_t from) {
  std::string out;
  for (std::size_t i = from; i < words.size(); ++i) out += (out.empty() ? "" : " ") + words[i];
  return out;
}

}  // namespace

std::optional<ContainerState> parse_vzctl_status(std::string_view output, std::string_view numeric_ctid) {
  const auto w = words_of_single_line(output);
  if (w.size() < 5 || w.size() > 6) return std::nullopt;
  if (w[0] != "CTID" && w[0] != "VEID") return std::nullopt;
  if (w[1].find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  if (!numeric_ctid.empty() && w[1] != numeric_ctid) return std::nullopt;
  const bool exists = w[2] == "exist";
  if (!exists && w[2] != "deleted") return std::nullopt;
  if (w[3] != "mounted" && w[3] != "unmounted") return std::nullopt;
  if (w[4] != "running" && w[4] != "down" && w[4] != "paused") return std::nullopt;
  if (w.size() == 6 && w[5] != "suspended") return std::nullopt;

  ContainerState s;
  s.text = join(w, 2);
  if (!exists) {
    s.kind = ContainerState::Kind::absent;
  } else if (w[4] == "running") {
    s.kind = ContainerState::Kind::running;
  } else if (w[4] == "down") {
    s.kind = ContainerState::Kind::stopped;
  } else {
    s.kind = ContainerState::Kind::other;
  }
  return s;
}

std::optional<ContainerState> parse_prlctl_status(std::string_view output, std::string_view ctid) {
  const auto w = words_of_single_line(output);
  if (w.size() < 3 || (w[0] != "CT" && w[0] != "VM") || w[1] != ctid) return std::nullopt;
  ContainerState s;
  s.text = join(w, 2);
  if (w.size() == 3 && w[2] == "deleted") {
    s.kind = ContainerState::Kind::absent;
    return s;
  }
  if (w.size() != 4 || w[2] != "exist") return std::nullopt;
  static const std::string_view kKnown[] = {
      "starting",    "restoring", "paused",     "resetting",    "pausing", "suspending", "stopping",
      "compacting",  "snapshoting", "continuing", "migrating", "del_snapshot", "resuming", "syncing",
      "invalid",     "reconnecting", "unknown"};
  const std::string& state = w[3];
  if (state == "running") {
    s.kind = ContainerState::Kind::running;
  } else if (state == "stopped" || state == "suspended" || state == "mounted") {
    s.kind = ContainerState::Kind::stopped;
  } else if (std::find(std::begin(kKnown), std::end(kKnown), std::string_view{state}) != std::end(kKnown)) {
    s.kind = ContainerState::Kind::other;
  } else {
    return std::nullopt;
  }
  return s;
}

}  // namespace wholesale_ha::agents::openvz
