#pragma once
// Fencing for the in-process cluster: "powering off" a simulated node stops everything the
// library runs on it (those processes really run on this machine) and marks it offline.

#include <wholesale_ha/fencing/fencer.hpp>
#include <wholesale_ha/membership/in_process.hpp>

#include "controller_impl.hpp"

namespace wholesale_ha {

class SimulatedPowerOff final : public fencing::Fencer {
 public:
  SimulatedPowerOff(Controller::Impl& controller, membership::InProcessMembership& membership)
      : controller_(controller), membership_(membership) {}

  void fence(const std::string& node, std::chrono::milliseconds timeout,
             agents::Handler done) override;

 private:
  Controller::Impl& controller_;
  membership::InProcessMembership& membership_;
};

}  // namespace wholesale_ha
