#include <wholesale_ha/health/detect.hpp>

#include <cstdlib>
#include <system_error>

#include <fmt/format.h>

#include "probes/sysfs.hpp"

namespace wholesale_ha::health {
namespace {

namespace fs = std::filesystem;
using detail::under;

bool is_executable(const fs::path& path) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  return !ec && fs::is_regular_file(status) &&
         (status.permissions() & (fs::perms::owner_exec | fs::perms::group_exec |
                                  fs::perms::others_exec)) != fs::perms::none;
}

/// `name` itself when it holds a '/', else the first match in PATH (plus the sbin
/// directories, where smartctl and nvme live but a user's PATH often does not look).
std::optional<std::string> find_program(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    return is_executable(name) ? std::optional{name} : std::nullopt;
  }
  std::string path = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
  path += ":/usr/sbin:/sbin:/usr/local/sbin";
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto end = std::min(path.find(':', start), path.size());
    const fs::path candidate = fs::path{path.substr(start, end - start)} / name;
    if (end > start && is_executable(candidate)) return candidate.string();
    start = end + 1;
  }
  return std::nullopt;
}

bool present(const fs::path& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

/// NVMe controllers (/dev/nvme0, not the namespaces /dev/nvme0n1).
std::vector<std::string> nvme_controllers(const fs::path& root) {
  std::vector<std::string> out;
  for (const auto& device : detail::numbered_entries(under(root, "/dev"), "nvme")) {
    out.push_back(device.string());
  }
  return out;
}

ProbeSpec with_root(ProbeType type, const fs::path& root) {
  ProbeSpec spec = default_probe(type);
  std::visit(
      [&](auto& options) {
        if constexpr (requires { options.root; }) options.root = root;
      },
      spec.options);
  return spec;
}

}  // namespace

Detection detect_probes(const DetectOptions& options) {
  Detection out;
  auto& probes = out.config.probes;
  const fs::path& root = options.root;

  if (auto smartctl = find_program(options.smartctl)) {
    ProbeSpec spec = default_probe(ProbeType::smart);
    std::get<SmartOptions>(spec.options).tool = *smartctl;
    probes.push_back(std::move(spec));
  } else if (auto nvme = find_program(options.nvme); nvme && !nvme_controllers(root).empty()) {
    ProbeSpec spec = default_probe(ProbeType::nvme);
    auto& nvme_options = std::get<NvmeOptions>(spec.options);
    nvme_options.tool = *nvme;
    nvme_options.devices = nvme_controllers(root);
    probes.push_back(std::move(spec));
  } else {
    out.skipped.push_back(fmt::format("smart: {} is not installed", options.smartctl));
  }

  const fs::path edac = under(root, "/sys/devices/system/edac/mc");
  if (!detail::numbered_entries(edac, "mc").empty()) {
    probes.push_back(with_root(ProbeType::edac, root));
  } else {
    out.skipped.push_back("edac: no memory controllers under " + edac.string());
  }

  const fs::path hwmon = under(root, "/sys/class/hwmon");
  if (!detail::numbered_entries(hwmon, "hwmon").empty()) {
    probes.push_back(with_root(ProbeType::hwmon, root));
  } else {
    out.skipped.push_back("hwmon: no sensors under " + hwmon.string());
  }

  const bool bmc = present(under(root, "/dev/ipmi0")) || present(under(root, "/dev/ipmi/0")) ||
                   present(under(root, "/dev/ipmidev/0"));
  auto ipmitool = find_program(options.ipmitool);
  if (bmc && ipmitool) {
    ProbeSpec spec = default_probe(ProbeType::ipmi);
    std::get<IpmiOptions>(spec.options).tool = *ipmitool;
    probes.push_back(std::move(spec));
  } else {
    out.skipped.push_back(bmc ? "ipmi: " + options.ipmitool + " is not installed"
                              : "ipmi: no local BMC device (" + under(root, "/dev/ipmi0").string() + ")");
  }

  probes.push_back(with_root(ProbeType::cpu, root));
  return out;
}

}  // namespace wholesale_ha::health
