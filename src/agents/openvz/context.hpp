#pragma once
// What one agent's operations work with; shared by the running tools' handlers, so an
// operation in flight outlives the agent object that started it.

#include <chrono>
#include <map>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include <wholesale_ha/openvz/backend.hpp>

#include "settings.hpp"

namespace wholesale_ha::agents::openvz {

using Deadline = std::chrono::steady_clock::time_point;

/// A tool as reasons name it ("vzctl") and the program that is run.
struct Tool {
  std::string name;
  std::string program;
};

struct Context {
  boost::asio::any_io_executor executor;
  OpenvzOptions options;
  Settings settings;
  std::string node;
  std::map<std::string, std::string> env;  ///< options.node_env[node]

  [[nodiscard]] bool openvz() const { return options.flavour == OpenvzFlavour::openvz; }
  /// vzctl or prlctl.
  [[nodiscard]] Tool ctl() const {
    return openvz() ? Tool{"vzctl", options.vzctl} : Tool{"prlctl", options.prlctl};
  }
  [[nodiscard]] Tool vzmigrate() const { return {"vzmigrate", options.vzmigrate}; }
  /// "CT 101"
  [[nodiscard]] std::string ct() const { return "CT " + settings.ctid; }
};

}  // namespace wholesale_ha::agents::openvz
