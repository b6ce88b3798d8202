#include "cpu_probe.hpp"

#include <charconv>
#include <sstream>

#include <fmt/format.h>

#include "../evidence.hpp"
#include "sysfs.hpp"

namespace wholesale_ha::health::detail {
namespace {

struct Interrupts {
  std::size_t cpus = 0;
  std::optional<double> machine_checks;  ///< "MCE: ... Machine check exceptions"
  std::optional<double> thermal_events;  ///< "TRM: ... Thermal event interrupts"
};

/// The per-CPU columns of one /proc/interrupts row ("MCE:   0   1   Machine check ..."),
/// summed.
double per_cpu_total(std::string_view line, std::size_t cpus) {
  std::istringstream in{std::string{line.substr(line.find(':') + 1)}};
  double total = 0;
  std::string token;
  for (std::size_t i = 0; i < cpus && in >> token; ++i) {
    std::uint64_t n = 0;
    auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), n);
    if (ec != std::errc{} || end != token.data() + token.size()) break;
    total += static_cast<double>(n);
  }
  return total;
}

Interrupts parse_interrupts(const std::string& text) {
  Interrupts out;
  std::istringstream lines{text};
  std::string line;
  if (std::getline(lines, line)) {
    std::istringstream header{line};
    std::string column;
    while (header >> column) {
      if (column.starts_with("CPU")) ++out.cpus;
    }
  }
  while (std::getline(lines, line)) {
    const auto first = line.find_first_not_of(' ');
    if (first == std::string::npos) continue;
    const std::string_view row = std::string_view{line}.substr(first);
    if (row.starts_with("MCE:")) out.machine_checks = per_cpu_total(row, out.cpus);
    if (row.starts_with("TRM:")) out.thermal_events = per_cpu_total(row, out.cpus);
  }
  return out;
}

std::optional<double> load1(const std::string& loadavg) {
  double value = 0;
  auto [end, ec] = std::from_chars(loadavg.data(), loadavg.data() + loadavg.size(), value);
  if (ec != std::errc{} || end == loadavg.data()) return std::nullopt;
  return value;
}

}  // namespace

void CpuProbe::check(const boost::asio::any_io_executor&, std::chrono::milliseconds, Done done) {
  done(read());
}

ProbeResult CpuProbe::read() const {
  const auto interrupts_path = under(options_.root, "/proc/interrupts");
  const auto interrupts_text = read_file(interrupts_path);
  const auto loadavg = read_line(under(options_.root, "/proc/loadavg"));
  if (!interrupts_text && !loadavg) {
    return ProbeResult::unavailable("cannot read " + interrupts_path.string() + " or loadavg");
  }
  const Interrupts irq = interrupts_text ? parse_interrupts(*interrupts_text) : Interrupts{};
  if (interrupts_text && irq.cpus == 0) {
    return ProbeResult::failure("unrecognised " + interrupts_path.string() +
                                ": no CPU columns in its first line");
  }
  ProbeResult result;
  auto add = [&](std::string metric, double value, std::string words) {
    result.measurements.push_back({"cpu", {}, std::move(metric), value, "", std::move(words)});
  };
  if (irq.machine_checks) {
    add("machine_checks", *irq.machine_checks,
        "machine check exceptions " + format_number(*irq.machine_checks));
  } else if (interrupts_text) {
    // Kernels built without x86 machine-check support (VMs, other architectures).
    result.notes.push_back("machine checks not reported by this kernel");
  }
  if (irq.thermal_events) {
    add("thermal_events", *irq.thermal_events,
        "thermal event interrupts " + format_number(*irq.thermal_events));
  }
  if (auto load = loadavg ? load1(*loadavg) : std::nullopt; load && irq.cpus > 0) {
    add("load_per_cpu", *load / static_cast<double>(irq.cpus),
        fmt::format("load {} on {} CPUs", format_number(*load), irq.cpus));
  }
  if (result.measurements.empty()) {
    return ProbeResult::unavailable("no machine-check, thermal or load figures in " +
                                    under(options_.root, "/proc").string());
  }
  return result;
}

std::string CpuProbe::describe() const {
  return "machine checks and load from " + under(options_.root, "/proc").string();
}

}  // namespace wholesale_ha::health::detail
