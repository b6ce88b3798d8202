#pragma once
// The fence-agents protocol: any `fence_*` program (Debian's fence-agents: fence_ipmilan,
// fence_virsh, fence_redfish, ...; fence-virt's fence_xvm; your own) run the way Pacemaker's
// fencer runs it — options as key=value lines on stdin, the exit code as the answer. The
// device is checked against the agent's metadata before use, and `off` is confirmed with
// `status` when the agent has one (docs/fencing.md).

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include <wholesale_ha/fencing/fencer.hpp>
#include <wholesale_ha/log.hpp>
#include <wholesale_ha/result.hpp>

namespace wholesale_ha::fencing {

/// One <parameter> of an agent's metadata.
struct FenceAgentParameter {
  std::string name;
  bool required = false;
  bool deprecated = false;
  std::string obsoletes;  ///< the older name this one replaces ("plug" obsoletes "port")
  std::string type;       ///< <content type>: "string", "boolean", "integer", "second", ...
  std::optional<std::string> default_value;
  std::string description;  ///< <shortdesc>
};

/// What `<agent>` prints for action=metadata.
struct FenceAgentMetadata {
  std::string name;
  std::string description;
  std::vector<FenceAgentParameter> parameters;
  std::set<std::string, std::less<>> actions;

  [[nodiscard]] const FenceAgentParameter* parameter(std::string_view name) const;
  [[nodiscard]] bool supports(std::string_view action) const { return actions.contains(action); }
};

/// Parses fence-agents metadata XML (any bytes: the text it returns is valid UTF-8).
Result<FenceAgentMetadata> parse_fence_agent_metadata(const std::string& xml);

/// Runs `program` with action=metadata on stdin (blocking, at most `timeout`) and parses
/// what it prints.
Result<FenceAgentMetadata> read_fence_agent_metadata(const std::filesystem::path& program,
                                                     std::chrono::milliseconds timeout);

/// Pacemaker's pcmk_host_map syntax, "n1:plug1;n2:plug2" (entries also separated by ',' or
/// spaces, '=' also accepted for ':'), as node → plug.
Result<std::map<std::string, std::string>> parse_host_map(std::string_view text);

enum class FenceAction { off, reboot };

std::string_view to_string(FenceAction action) noexcept;

/// One fence device: an agent, its parameters, and the nodes it powers.
struct FenceAgentDevice {
  std::string id;     ///< names the device in logs and failure reasons ("ipmi-n1")
  std::string agent;  ///< "fence_ipmilan" (looked up in agent_dir) or a path
  /// Sent on every call: ip, username, password, lanplus, ... (checked against the metadata).
  /// action, nodename and the plug are not allowed here: the fencer sets them per call.
  std::map<std::string, std::string> params;
  /// The nodes this device fences, each with the plug (outlet, VM name, ...) that powers it.
  /// An empty plug passes none: a device that powers one machine, like a BMC.
  std::map<std::string, std::string> nodes;
  /// The parameter that carries the plug; empty picks "plug", else "port", from the
  /// metadata (Pacemaker's pcmk_host_argument).
  std::string plug_parameter;
  FenceAction action = FenceAction::off;
  /// After `off`, run `status` and succeed only when it answers OFF (skipped, with a
  /// warning, for agents without a status action).
  bool verify = true;
  std::filesystem::path agent_dir = "/usr/sbin";
  /// For reading the metadata in create().
  std::chrono::milliseconds metadata_timeout{10'000};
};

/// Fences the nodes of one FenceAgentDevice. Handlers run on the executor given to create();
/// a call in flight keeps what it needs alive, so the fencer may be destroyed meanwhile.
class FenceAgentFencer final : public Fencer {
  struct Token {};

 public:
  struct Shared;

  /// Reads the agent's metadata (runs the agent once, blocking) and checks the device against
  /// it. Without errors, `value` holds the fencer; warnings (deprecated parameters, off that
  /// cannot be verified) are reported either way.
  static Result<std::shared_ptr<FenceAgentFencer>> create(boost::asio::any_io_executor executor,
                                                          FenceAgentDevice device,
                                                          Logger logger = {});
  /// The same with metadata already read (e.g. shared by several devices of one agent).
  static Result<std::shared_ptr<FenceAgentFencer>> create(boost::asio::any_io_executor executor,
                                                          FenceAgentDevice device,
                                                          FenceAgentMetadata metadata,
                                                          Logger logger = {});

  FenceAgentFencer(Token, std::shared_ptr<const Shared> shared);

  /// Runs the device's action for `node`'s plug, then confirms with `status` (verify). The
  /// action gets three quarters of `timeout` when verifying, the confirmation the rest.
  void fence(const std::string& node, std::chrono::milliseconds timeout, agents::Handler done) override;

  /// Whether the device answers: action=monitor (or status when the agent has no monitor).
  void monitor(std::chrono::milliseconds timeout, agents::Handler done);

  /// `node`'s power: success = ON, not_running = OFF, anything else = could not tell.
  void power_status(const std::string& node, std::chrono::milliseconds timeout, agents::Handler done);

  [[nodiscard]] const FenceAgentDevice& device() const noexcept;
  [[nodiscard]] const FenceAgentMetadata& metadata() const noexcept;
  /// The resolved plug parameter ("" when the agent takes none).
  [[nodiscard]] const std::string& plug_parameter() const noexcept;
  /// Whether `off` is confirmed with `status`.
  [[nodiscard]] bool verifies() const noexcept;

 private:
  std::shared_ptr<const Shared> shared_;
};

}  // namespace wholesale_ha::fencing
