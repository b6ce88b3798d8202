#include "edac_probe.hpp"

#include "sysfs.hpp"

namespace wholesale_ha::health::detail {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kControllers = "/sys/devices/system/edac/mc";

void add_counts(ProbeResult& result, const std::string& subject, const std::string& detail,
                const fs::path& ce_file, const fs::path& ue_file) {
  if (auto ce = read_integer(ce_file)) {
    result.measurements.push_back({subject, detail, "ce_count", static_cast<double>(*ce), "", ""});
  }
  if (auto ue = read_integer(ue_file)) {
    result.measurements.push_back({subject, detail, "ue_count", static_cast<double>(*ue), "", ""});
  }
}

/// Per-DIMM counters (dimmN, or rankN on drivers that count per rank); chip-select rows
/// only on old drivers that have nothing finer.
void read_modules(ProbeResult& result, const fs::path& mc, const std::string& mc_name) {
  auto modules = numbered_entries(mc, "dimm");
  auto ranks = numbered_entries(mc, "rank");
  modules.insert(modules.end(), ranks.begin(), ranks.end());
  for (const auto& module : modules) {
    if (read_integer(module / "size").value_or(1) == 0) continue;  // empty slot
    std::string detail = read_line(module / "dimm_label").value_or("");
    if (detail.empty()) detail = read_line(module / "dimm_location").value_or("");
    add_counts(result, mc_name + "/" + module.filename().string(), detail,
               module / "dimm_ce_count", module / "dimm_ue_count");
  }
  if (!modules.empty()) return;
  for (const auto& row : numbered_entries(mc, "csrow")) {
    add_counts(result, mc_name + "/" + row.filename().string(),
               read_line(row / "ch0_dimm_label").value_or(""), row / "ce_count", row / "ue_count");
  }
}

}  // namespace

void EdacProbe::check(const boost::asio::any_io_executor&, std::chrono::milliseconds, Done done) {
  done(read());
}

ProbeResult EdacProbe::read() const {
  const fs::path base = under(options_.root, kControllers);
  const auto controllers = numbered_entries(base, "mc");
  if (controllers.empty()) {
    return ProbeResult::unavailable("no EDAC memory controllers under " + base.string() +
                                    " (no ECC memory, or no EDAC driver loaded)");
  }
  ProbeResult result;
  for (const auto& mc : controllers) {
    const std::string name = mc.filename().string();
    add_counts(result, name, read_line(mc / "mc_name").value_or(""), mc / "ce_count",
               mc / "ue_count");
    read_modules(result, mc, name);
  }
  if (result.measurements.empty()) {
    return ProbeResult::unavailable("EDAC memory controllers under " + base.string() +
                                    " have no readable error counters");
  }
  return result;
}

std::string EdacProbe::describe() const {
  return "EDAC error counters under " + under(options_.root, kControllers).string();
}

}  // namespace wholesale_ha::health::detail
