#include <wholesale_ha/health/probes.hpp>

#include "command_probe.hpp"
#include "cpu_probe.hpp"
#include "edac_probe.hpp"
#include "hwmon_probe.hpp"
#include "ipmi_probe.hpp"
#include "nvme_probe.hpp"
#include "smart_probe.hpp"

namespace wholesale_ha::health {
namespace {

using namespace detail;

std::shared_ptr<HealthProbe> build(const SmartOptions& o) { return std::make_shared<SmartProbe>(o); }
std::shared_ptr<HealthProbe> build(const NvmeOptions& o) { return std::make_shared<NvmeProbe>(o); }
std::shared_ptr<HealthProbe> build(const EdacOptions& o) { return std::make_shared<EdacProbe>(o); }
std::shared_ptr<HealthProbe> build(const HwmonOptions& o) { return std::make_shared<HwmonProbe>(o); }
std::shared_ptr<HealthProbe> build(const IpmiOptions& o) { return std::make_shared<IpmiProbe>(o); }
std::shared_ptr<HealthProbe> build(const CpuOptions& o) { return std::make_shared<CpuProbe>(o); }
std::shared_ptr<HealthProbe> build(const CommandOptions& o) {
  return std::make_shared<CommandProbe>(o);
}

}  // namespace

std::shared_ptr<HealthProbe> make_probe(const ProbeSpec& spec) {
  return std::visit([](const auto& options) { return build(options); }, spec.options);
}

}  // namespace wholesale_ha::health
