#include "hwmon_probe.hpp"

#include <algorithm>
#include <charconv>
#include <map>

#include <fmt/format.h>

#include "../evidence.hpp"
#include "sysfs.hpp"

namespace wholesale_ha::health::detail {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kChips = "/sys/class/hwmon";

/// The N of every "tempN_input" in `chip`, ascending.
std::vector<unsigned> temperature_inputs(const fs::path& chip) {
  std::vector<unsigned> out;
  std::error_code ec;
  for (fs::directory_iterator it{chip, ec}, end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with("temp") || !name.ends_with("_input")) continue;
    const std::string_view digits{name.data() + 4, name.size() - 4 - 6};
    unsigned n = 0;
    auto [ptr, err] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (err == std::errc{} && ptr == digits.data() + digits.size()) out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// Millidegrees → degrees; a limit of 0 or below is a driver's placeholder, not a limit.
std::optional<double> limit(const fs::path& file) {
  auto millis = read_integer(file);
  if (!millis || *millis <= 0) return std::nullopt;
  return static_cast<double>(*millis) / 1000.0;
}

std::string degrees(double value) { return format_number(value) + "°C"; }

}  // namespace

void HwmonProbe::check(const boost::asio::any_io_executor&, std::chrono::milliseconds, Done done) {
  done(read());
}

ProbeResult HwmonProbe::read() const {
  const fs::path base = under(options_.root, kChips);
  const auto chips = numbered_entries(base, "hwmon");
  if (chips.empty()) return ProbeResult::unavailable("no hwmon devices under " + base.string());
  ProbeResult result;
  std::map<std::string, int> seen;
  for (const auto& chip : chips) {
    const std::string chip_name = read_line(chip / "name").value_or(chip.filename().string());
    for (unsigned n : temperature_inputs(chip)) {
      const std::string temp = fmt::format("temp{}", n);
      auto millis = read_integer(chip / (temp + "_input"));
      if (!millis) continue;  // sensor idle or absent: reads fail with EIO / ENODATA
      const double t = static_cast<double>(*millis) / 1000.0;
      // Disconnected inputs read as -128°C, 127°C or 255°C: not a temperature.
      if (t <= -50 || t >= 200) {
        result.notes.push_back(fmt::format("{}/{}: implausible reading {}, ignored",
                                           chip.filename().string(), temp, degrees(t)));
        continue;
      }
      std::string subject = chip_name + "/" + read_line(chip / (temp + "_label")).value_or(temp);
      if (const int count = ++seen[subject]; count > 1) subject += fmt::format("#{}", count);
      const std::string detail = chip.filename().string() + "/" + temp;
      result.measurements.push_back({subject, detail, "temperature", t, "°C", degrees(t)});
      if (auto max = limit(chip / (temp + "_max"))) {
        result.measurements.push_back({subject, detail, "max_margin", *max - t, "°C",
                                       fmt::format("{}, max {}", degrees(t), degrees(*max))});
      }
      if (auto crit = limit(chip / (temp + "_crit"))) {
        result.measurements.push_back({subject, detail, "crit_margin", *crit - t, "°C",
                                       fmt::format("{}, crit {}", degrees(t), degrees(*crit))});
      }
    }
  }
  if (result.measurements.empty()) {
    return ProbeResult::unavailable("no readable temperature sensors under " + base.string());
  }
  return result;
}

std::string HwmonProbe::describe() const {
  return "temperatures under " + under(options_.root, kChips).string();
}

}  // namespace wholesale_ha::health::detail
