#include "ipmi_sdr.hpp"

#include <array>
#include <map>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "tool.hpp"

namespace wholesale_ha::health::detail {
namespace {

struct State {
  std::string_view code;
  int severity;
  std::string_view words;
};

constexpr std::array<State, 10> kStates = {{
    {"ok", 0, "ok"},
    {"nc", 1, "non-critical"},
    {"lnc", 1, "lower non-critical"},
    {"unc", 1, "upper non-critical"},
    {"cr", 2, "critical"},
    {"lcr", 2, "lower critical"},
    {"ucr", 2, "upper critical"},
    {"nr", 3, "non-recoverable"},
    {"lnr", 3, "lower non-recoverable"},
    {"unr", 3, "upper non-recoverable"},
}};

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

std::vector<std::string_view> split(std::string_view line, char separator) {
  std::vector<std::string_view> out;
  for (;;) {
    const auto at = line.find(separator);
    out.push_back(trim(line.substr(0, at)));
    if (at == std::string_view::npos) return out;
    line.remove_prefix(at + 1);
  }
}

std::optional<State> state_of(std::string_view code) {
  for (const auto& s : kStates) {
    if (s.code == code) return s;
  }
  return std::nullopt;
}

}  // namespace

ProbeResult parse_sdr_elist(std::string_view output) {
  ProbeResult result;
  std::map<std::string, int, std::less<>> seen;
  std::size_t no_reading = 0;
  std::string unrecognised;
  while (!output.empty()) {
    const auto end = output.find('\n');
    const std::string_view line = output.substr(0, end);
    output.remove_prefix(end == std::string_view::npos ? output.size() : end + 1);
    if (trim(line).empty()) continue;
    const auto fields = split(line, '|');
    const auto state = fields.size() == 5 ? state_of(fields[2]) : std::nullopt;
    if (fields.size() == 5 && fields[2] == "ns") {
      ++no_reading;
      continue;
    }
    if (!state || fields[0].empty()) {
      if (unrecognised.empty()) unrecognised = first_line(line);
      continue;
    }
    std::string subject{fields[0]};
    // Some BMCs name several sensors alike ("Temp"): the sensor number tells them apart.
    if (++seen[subject] > 1) subject += fmt::format(" ({})", fields[1]);
    std::string words{state->words};
    if (!fields[4].empty()) words += fmt::format(" ({})", fields[4]);
    result.measurements.push_back({std::move(subject), {}, "state",
                                   static_cast<double>(state->severity), "", std::move(words)});
  }
  if (result.measurements.empty()) {
    if (!unrecognised.empty()) {
      return ProbeResult::failure("unrecognised ipmitool output: \"" + unrecognised + "\"");
    }
    return ProbeResult::unavailable(no_reading > 0 ? "no BMC sensor has a reading"
                                                   : "the BMC lists no sensors");
  }
  if (no_reading > 0) result.notes.push_back(fmt::format("{} sensors without a reading", no_reading));
  if (!unrecognised.empty()) result.notes.push_back("skipped line \"" + unrecognised + "\"");
  return result;
}

}  // namespace wholesale_ha::health::detail
