#pragma once
// Fencing for clusters without a power switch: every node that loses quorum stops its own
// resources within a deadline (the controller does this under no_quorum_policy "stop"), so the
// survivors "fence" a lost node by waiting out that deadline. Only safe when the deadline is
// honoured: a node that is frozen rather than cut off may run past it. Prefer real fencing.

#include <chrono>

#include <boost/asio/any_io_executor.hpp>

#include <wholesale_ha/fencing/fencer.hpp>

namespace wholesale_ha::fencing {

class SelfFenceWait final : public Fencer {
 public:
  SelfFenceWait(boost::asio::any_io_executor executor, std::chrono::milliseconds deadline);
  void fence(const std::string& node, std::chrono::milliseconds timeout, agents::Handler done) override;

 private:
  boost::asio::any_io_executor executor_;
  std::chrono::milliseconds deadline_;
};

}  // namespace wholesale_ha::fencing
