#include "fence_agent_check.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "../model/json_reader.hpp"

namespace wholesale_ha::fencing::detail {
namespace {

using Severity = Diagnostic::Severity;

/// The name a parameter goes by now: "port" → "plug" when plug obsoletes port.
std::string current_name(const FenceAgentMetadata& md, const std::string& name) {
  for (const auto& p : md.parameters) {
    if (p.obsoletes == name) return p.name;
  }
  return name;
}

bool has_line_break(const std::string& value) { return value.find_first_of("\r\n") != std::string::npos; }

class Checker {
 public:
  Checker(const FenceAgentDevice& d, const FenceAgentMetadata& m) : device_(d), md_(m), label_(device_label(d)) {}

  CheckedDevice run() {
    if (device_.id.empty()) error(Errc::invalid_value, "/id", "a fence device needs an id: it names the device in logs and failure reasons");
    resolve_plug_parameter();
    check_params();
    check_required();
    check_nodes();
    check_action();
    return std::move(out_);
  }

 private:
  void error(Errc code, std::string where, std::string message) {
    out_.diagnostics.push_back(Diagnostic::error(code, std::move(where), std::move(message)));
  }
  void warning(Errc code, std::string where, std::string message) {
    out_.diagnostics.push_back(Diagnostic::warning(code, std::move(where), std::move(message)));
  }

  void resolve_plug_parameter() {
    if (!device_.plug_parameter.empty()) {
      if (md_.parameter(device_.plug_parameter) == nullptr) {
        error(Errc::invalid_value, "/plug_parameter", fmt::format("{}: the agent has no parameter \"{}\" to carry the plug", label_,
                                             device_.plug_parameter));
      }
      out_.plug_parameter = device_.plug_parameter;
    } else if (md_.parameter("plug") != nullptr) {
      out_.plug_parameter = "plug";
    } else if (md_.parameter("port") != nullptr) {
      out_.plug_parameter = "port";
    }
  }

  /// Keys the fencer sets per call, with why they may not be configured.
  [[nodiscard]] std::string reserved(const std::string& key) const {
    if (key == "action") return "the fencer sets it from the device's action (off or reboot)";
    if (key == "nodename") return "the fencer sets it to the node being fenced";
    const bool plug_like = key == "plug" || key == "port" ||
                           (!out_.plug_parameter.empty() &&
                            current_name(md_, key) == current_name(md_, out_.plug_parameter));
    if (plug_like) return "plugs come from the device's nodes (node → plug)";
    return {};
  }

  void check_params() {
    std::vector<std::string> names;
    for (const auto& p : md_.parameters) names.push_back(p.name);
    for (const auto& [key, value] : device_.params) {
      const std::string where = "/params/" + key;
      if (auto why = reserved(key); !why.empty()) {
        error(Errc::invalid_value, where, fmt::format("{}: parameter \"{}\" may not be configured: {}", label_, key, why));
        continue;
      }
      const FenceAgentParameter* p = md_.parameter(key);
      if (p == nullptr) {
        std::string hint = key.starts_with("pcmk_")
                               ? "Pacemaker's pcmk_* options are not agent parameters: use the device's nodes, "
                                 "plug_parameter and action"
                               : model::detail::suggestion(key, names);
        error(Errc::unknown_field, where, fmt::format("{}: unknown parameter \"{}\"{}{}", label_, key, hint.empty() ? "" : "; ", hint));
        continue;
      }
      if (has_line_break(value)) {
        error(Errc::invalid_value, where, fmt::format("{}: the value of \"{}\" contains a line break, which the agent's stdin protocol "
                                 "cannot carry", label_, key));
      }
      if (p->deprecated) {
        const auto now = current_name(md_, key);
        warning(Errc::invalid_value, where, now == key ? fmt::format("{}: parameter \"{}\" is deprecated", label_, key)
                                  : fmt::format("{}: parameter \"{}\" is deprecated, use \"{}\"", label_, key, now));
      }
    }
  }

  /// A required parameter is satisfied by itself, any older or newer name of it, or a default.
  void check_required() {
    const std::string plug = out_.plug_parameter.empty() ? "" : current_name(md_, out_.plug_parameter);
    std::set<std::string> required;
    for (const auto& p : md_.parameters) {
      if (p.required) required.insert(current_name(md_, p.name));
    }
    for (const auto& name : required) {
      if (name == "action" || name == plug) continue;  // set per call
      const bool given = std::any_of(md_.parameters.begin(), md_.parameters.end(), [&](const FenceAgentParameter& p) {
        return current_name(md_, p.name) == name && (device_.params.contains(p.name) || p.default_value);
      });
      if (!given) {
        const FenceAgentParameter* p = md_.parameter(name);
        const std::string what = p != nullptr && !p->description.empty() ? " (" + p->description + ")" : "";
        error(Errc::missing_field, "/params", fmt::format("{}: missing required parameter \"{}\"{}", label_, name, what));
      }
    }
  }

  void check_nodes() {
    if (device_.nodes.empty()) {
      error(Errc::missing_field, "/nodes", fmt::format("{}: the device fences no node (nodes maps each node to its plug)", label_));
    }
    const FenceAgentParameter* plug = out_.plug_parameter.empty() ? nullptr : md_.parameter(out_.plug_parameter);
    bool plug_required = false;
    for (const auto& p : md_.parameters) {
      if (p.required && plug != nullptr && current_name(md_, p.name) == current_name(md_, plug->name)) {
        plug_required = true;
      }
    }
    for (const auto& [node, value] : device_.nodes) {
      const std::string where = "/nodes/" + node;
      if (node.empty()) error(Errc::invalid_value, "/nodes", fmt::format("{}: a node name is empty", label_));
      if (value.empty() && plug_required) {
        error(Errc::invalid_value, where, fmt::format("{}: the agent requires parameter \"{}\", but node {} has no plug", label_,
                                 out_.plug_parameter, node));
      }
      if (!value.empty() && out_.plug_parameter.empty()) {
        error(Errc::invalid_value, where, fmt::format("{}: the agent takes no plug or port parameter, so node {} cannot be mapped to "
                                 "plug \"{}\"", label_, node, value));
      }
      if (has_line_break(value) || has_line_break(node)) {
        error(Errc::invalid_value, where, fmt::format("{}: node {} or its plug contains a line break, which the agent's stdin protocol "
                                 "cannot carry", label_, node));
      }
    }
  }

  void check_action() {
    const auto action = to_string(device_.action);
    if (!md_.supports(action)) {
      error(Errc::invalid_value, "/action", fmt::format("{}: the agent has no \"{}\" action (it has: {})", label_, action,
                                   fmt::join(md_.actions, ", ")));
    }
    if (device_.action == FenceAction::off && device_.verify) {
      out_.verify = md_.supports("status");
      if (!out_.verify) {
        warning(Errc::invalid_value, "/verify", fmt::format("{}: the agent has no status action, so off cannot be confirmed: the agent's "
                                       "exit code is trusted", label_));
      }
    }
  }

  const FenceAgentDevice& device_;
  const FenceAgentMetadata& md_;
  std::string label_;
  CheckedDevice out_;
};

}  // namespace

bool CheckedDevice::ok() const {
  return std::none_of(diagnostics.begin(), diagnostics.end(),
                      [](const Diagnostic& d) { return d.severity == Severity::error; });
}

CheckedDevice check_device(const FenceAgentDevice& device, const FenceAgentMetadata& metadata) {
  return Checker{device, metadata}.run();
}

std::filesystem::path agent_program(const FenceAgentDevice& device) {
  if (device.agent.find('/') != std::string::npos) return device.agent;
  return device.agent_dir / device.agent;
}

std::string device_label(const FenceAgentDevice& device) {
  const auto agent = std::filesystem::path{device.agent}.filename().string();
  return fmt::format("fence device \"{}\" ({})", device.id, agent);
}

}  // namespace wholesale_ha::fencing::detail
