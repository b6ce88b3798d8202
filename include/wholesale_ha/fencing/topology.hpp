#pragma once
// Several ways to fence a node, tried in order — Pacemaker's fencing topology. A node has
// levels; a level fences the node when every device in it succeeds (e.g. the two power
// switches of a machine with two supplies); the first level that does wins. When all fail,
// the reason lists every level's failure.

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include <wholesale_ha/fencing/fencer.hpp>
#include <wholesale_ha/log.hpp>

namespace wholesale_ha::fencing {

struct FencingDevice {
  std::string name;  ///< names the device in logs and failure reasons
  std::shared_ptr<Fencer> fencer;
  /// At most this long for this device; unset: whatever is left of the fence's timeout.
  std::optional<std::chrono::milliseconds> timeout;
};

struct FencingLevel {
  std::vector<FencingDevice> devices;  ///< run one after the other; all must succeed
};

/// node → its levels, first tried first.
using FencingTopology = std::map<std::string, std::vector<FencingLevel>>;

/// Handlers run on `executor`, whatever thread a device answers on. A device that does not
/// answer within its time (plus `answer_grace`) counts as failed and the next level is tried.
class TopologyFencer final : public Fencer {
  struct Token {};

 public:
  struct Shared;

  /// Fails for a node without levels, an empty level, or a device without a name or fencer.
  static Result<std::shared_ptr<TopologyFencer>> create(
      boost::asio::any_io_executor executor, FencingTopology topology, Logger logger = {},
      std::chrono::milliseconds answer_grace = std::chrono::milliseconds{2000});
  TopologyFencer(Token, std::shared_ptr<const Shared> shared);

  void fence(const std::string& node, std::chrono::milliseconds timeout, agents::Handler done) override;

 private:
  std::shared_ptr<const Shared> shared_;
};

}  // namespace wholesale_ha::fencing
