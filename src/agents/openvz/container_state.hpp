#pragma once
// What `vzctl status` and `prlctl status` say about a container, parsed.

#include <optional>
#include <string>
#include <string_view>

namespace wholesale_ha::agents::openvz {

struct ContainerState {
  enum class Kind {
    running,
    stopped,  ///< exists on this node and is down (possibly mounted or suspended)
    absent,   ///< not on this node ("deleted")
    other,    ///< exists but neither up nor down: paused, or in a transition
  };
  Kind kind = Kind::absent;
  std::string text;  ///< the status words, for reasons: "exist mounted running"
};

/// vzctl(8) "status": "CTID <id> exist|deleted mounted|unmounted running|down [suspended]".
/// vzctl 3.0 prints "VEID" for "CTID", and Virtuozzo 7's vzctl "paused" for a frozen
/// running container; both are accepted. nullopt when the output is not such a line, or
/// names another numeric ID than `numeric_ctid` (empty: the container was given by name).
std::optional<ContainerState> parse_vzctl_status(std::string_view output, std::string_view numeric_ctid);

/// prlctl "status": "CT|VM <id> exist <state>" or "VM <id> deleted", with the states of
/// prlctl's vmstate2str() ("running", "stopped", "suspended", "mounted", "paused", ...).
std::optional<ContainerState> parse_prlctl_status(std::string_view output, std::string_view ctid);

}  // namespace wholesale_ha::agents::openvz
