#pragma once
// A control-socket request line decoded into a typed, checked value. Pure (no I/O, no
// daemon state) so that unit tests and a libFuzzer harness can call it directly.
//
//   {"cmd": "status"}
//   {"cmd": "attribute", "node": N, "name": "#health-disk", "value": "red" | null}
//   {"cmd": "move", "resource": R, "node": N | ""}          ("" clears the move)
//   {"cmd": "standby", "node": N, "on": true | false}       ("on" defaults to true)
//   {"cmd": "clear", "resource": R, "node": N?}
//   {"cmd": "role", "resource": R, "role": "started" | "stopped"}
//   {"cmd": "reload"}          (re-reads the cluster and health files, as SIGHUP does)

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <wholesale_ha/model/resource.hpp>

namespace wha_node {

/// One request line, its newline included. Longer ones are refused and the connection closed.
inline constexpr std::size_t max_request_bytes = 64 * 1024;
/// Any text field of a request (ids, attribute names and values).
inline constexpr std::size_t max_field_bytes = 4 * 1024;

struct StatusRequest {};
struct AttributeRequest {
  std::string node;
  std::string name;
  std::optional<std::string> value;  ///< nullopt removes the attribute
};
struct MoveRequest {
  std::string resource;
  std::string node;  ///< empty: clear the move
  bool offline = false;  ///< by stop and start, never live migration
};
struct StandbyRequest {
  std::string node;
  bool on = true;
};
/// Maintenance mode: evacuate the node (on) or let it take back what it ran (off).
struct MaintenanceRequest {
  std::string node;
  bool on = true;
};
struct ClearRequest {
  std::string resource;
  std::optional<std::string> node;  ///< nullopt: every node
};
struct RoleRequest {
  std::string resource;
  wholesale_ha::model::TargetRole role = wholesale_ha::model::TargetRole::started;
};

/// Re-read the cluster and health files; a rejected file changes nothing.
struct ReloadRequest {};

using Request = std::variant<StatusRequest, AttributeRequest, MoveRequest, StandbyRequest, MaintenanceRequest,
                             ClearRequest, RoleRequest, ReloadRequest>;

/// Why a line was rejected: valid UTF-8, names the key or limit at fault.
struct RequestError {
  std::string message;
};

/// Decodes one line (without its newline). Never throws for any input (only std::bad_alloc).
[[nodiscard]] std::variant<Request, RequestError> parse_request(std::string_view line);

/// True for requests that change the cluster (everything but status).
[[nodiscard]] bool is_command(const Request& request);

}  // namespace wha_node
