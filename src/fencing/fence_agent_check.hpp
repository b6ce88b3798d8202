#pragma once
// Checking a FenceAgentDevice against its agent's metadata, before anything is fenced with it.

#include <filesystem>
#include <string>
#include <vector>

#include <wholesale_ha/fencing/fence_agent.hpp>

namespace wholesale_ha::fencing::detail {

struct CheckedDevice {
  std::vector<Diagnostic> diagnostics;
  std::string plug_parameter;  ///< resolved; "" when the agent takes none
  bool verify = false;         ///< off is confirmed with status

  [[nodiscard]] bool ok() const;
};

/// Unknown and missing required parameters, reserved keys, plugs the agent cannot take,
/// values the stdin protocol cannot carry, an action the agent lacks. Every message names
/// the device and the parameter or node.
CheckedDevice check_device(const FenceAgentDevice& device, const FenceAgentMetadata& metadata);

/// `agent` when it is a path, else agent_dir/agent.
std::filesystem::path agent_program(const FenceAgentDevice& device);

/// "fence device \"ipmi-n1\" (fence_ipmilan)": how messages name a device.
std::string device_label(const FenceAgentDevice& device);

}  // namespace wholesale_ha::fencing::detail
