#pragma once
// Membership on Corosync (target wholesale_ha::corosync): the group of wha-node processes via
// libcpg (virtual synchrony: every member sees the same views and messages in the same
// order), quorum via libquorum, node names from corosync's nodelist (libcmap). All callbacks
// are dispatched on the given Asio executor from the libraries' file descriptors: no polling,
// no extra threads. A corosync that goes away is reconnected with backoff.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include <wholesale_ha/log.hpp>
#include <wholesale_ha/membership/membership.hpp>

namespace wholesale_ha::membership {

struct CorosyncOptions {
  /// The CPG group the controllers join.
  std::string group = "wholesale_ha";
  /// Node names by corosync node id; empty means "read corosync's nodelist".
  std::map<std::uint32_t, std::string> node_names;
  std::chrono::milliseconds reconnect_min{200};
  std::chrono::milliseconds reconnect_max{10'000};
  /// Larger broadcasts are refused (corosync's own limit is about 1 MiB).
  std::size_t max_message_bytes = 512 * 1024;
};

/// The envelope version this library speaks; messages with another version are rejected
/// (logged once per sender) rather than misread. 2: messages travel in batches,
/// {"v": 2, "from": NODE, "batch": [{"type", "body"}, ...]}. 3: typed controller messages
/// (node reports name their coordinator, sync_busy, leaving/left, placements "from").
inline constexpr int kMessageFormatVersion = 3;

class CorosyncMembership final : public Membership {
 public:
  CorosyncMembership(boost::asio::any_io_executor executor, CorosyncOptions options, Logger logger = {});
  ~CorosyncMembership() override;
  CorosyncMembership(const CorosyncMembership&) = delete;
  CorosyncMembership& operator=(const CorosyncMembership&) = delete;

  /// Connects (retrying with backoff until corosync answers). Returns at once.
  void start();

  [[nodiscard]] View view() const override;
  [[nodiscard]] std::string local_node() const override;
  Result<void> broadcast(const std::string& type, const nlohmann::json& body) override;

  [[nodiscard]] bool connected() const;
  /// Corosync's node id of this node (0 before the first connection).
  [[nodiscard]] std::uint32_t local_nodeid() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace wholesale_ha::membership
