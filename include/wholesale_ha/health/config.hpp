#pragma once
// The health configuration (JSON, docs/health.md): which probes run, how often, and the
// rules that judge them. Loaded with the same diagnostics as cluster files: every error
// with its JSON pointer, unknown keys flagged with a did-you-mean.

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include <wholesale_ha/health/settings.hpp>
#include <wholesale_ha/result.hpp>

namespace wholesale_ha::health {

enum class ProbeType { smart, nvme, edac, hwmon, ipmi, cpu, command };

/// "smart", "nvme", "edac", "hwmon", "ipmi", "cpu", "command".
std::string_view to_string(ProbeType type) noexcept;

/// One disk for smartctl: a device path and, when smartctl cannot guess it, its type
/// (smartctl -d: "sat", "megaraid,0", ...).
struct SmartDevice {
  std::string path;
  std::string type;

  friend bool operator==(const SmartDevice&, const SmartDevice&) = default;
};

/// smartctl --json -a for SATA, SAS and NVMe disks.
struct SmartOptions {
  std::string tool = "smartctl";
  /// Empty: every device `smartctl --scan` lists, scanned on each run.
  std::vector<SmartDevice> devices;

  friend bool operator==(const SmartOptions&, const SmartOptions&) = default;
};

/// nvme smart-log -o json (nvme-cli).
struct NvmeOptions {
  std::string tool = "nvme";
  std::vector<std::string> devices;

  friend bool operator==(const NvmeOptions&, const NvmeOptions&) = default;
};

/// Probes reading sysfs / procfs: `root` replaces "/" (tests point it at fixture trees).
struct EdacOptions {
  std::filesystem::path root = "/";
  friend bool operator==(const EdacOptions&, const EdacOptions&) = default;
};
struct HwmonOptions {
  std::filesystem::path root = "/";
  friend bool operator==(const HwmonOptions&, const HwmonOptions&) = default;
};
struct CpuOptions {
  std::filesystem::path root = "/";
  friend bool operator==(const CpuOptions&, const CpuOptions&) = default;
};

/// ipmitool [args...] sdr elist; `args` select a remote BMC (-I lanplus -H ... -f ...).
struct IpmiOptions {
  std::string tool = "ipmitool";
  std::vector<std::string> args;

  friend bool operator==(const IpmiOptions&, const IpmiOptions&) = default;
};

/// Any executable printing a colour, a score or a JSON object (docs/health.md).
struct CommandOptions {
  std::vector<std::string> command;  ///< program and arguments
  friend bool operator==(const CommandOptions&, const CommandOptions&) = default;
};

using ProbeOptions = std::variant<SmartOptions, NvmeOptions, EdacOptions, HwmonOptions,
                                  IpmiOptions, CpuOptions, CommandOptions>;

/// One configured probe.
struct ProbeSpec {
  ProbeSettings settings;
  ProbeOptions options;

  [[nodiscard]] ProbeType type() const noexcept;

  friend bool operator==(const ProbeSpec&, const ProbeSpec&) = default;
};

struct HealthConfig {
  std::vector<ProbeSpec> probes;

  friend bool operator==(const HealthConfig&, const HealthConfig&) = default;
};

/// A probe of `type` with the documented defaults: id = the type's name, its attribute
/// (#health-disk for smart and nvme, #health-memory, #health-thermal, #health-ipmi,
/// #health-cpu; command has none), interval, timeout, stability and rules.
ProbeSpec default_probe(ProbeType type);

/// The metrics probes of `type` report (rules may name only these); empty for command,
/// whose metrics are whatever the command prints.
std::span<const std::string_view> probe_metrics(ProbeType type) noexcept;

/// Parses and validates a health configuration. Never throws; yields no configuration when
/// there is any error.
Result<HealthConfig> parse_health_config(std::string_view json_text) noexcept;
Result<HealthConfig> parse_health_config_document(
    const nlohmann::json& document) noexcept;
Result<HealthConfig> load_health_config_file(const std::filesystem::path& path) noexcept;

}  // namespace wholesale_ha::health
