#pragma once
// This node's health probes, feeding their #health-* attributes to the controller, and
// replaceable as a whole by a reload: an unchanged configuration keeps its monitor (and its
// sticky verdicts and history); a changed one starts afresh, and attributes no probe sets
// any more are removed rather than left at their last colour.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include <wholesale_ha/controller.hpp>
#include <wholesale_ha/events.hpp>
#include <wholesale_ha/health/config.hpp>
#include <wholesale_ha/health/monitor.hpp>
#include <wholesale_ha/log.hpp>

namespace wha_node {

class NodeHealth {
 public:
  NodeHealth(boost::asio::any_io_executor executor, wholesale_ha::Logger log, wholesale_ha::Controller& controller);

  /// Runs the probes; `local_node` is this node's name in the cluster (known once joined).
  void start(std::string local_node);
  void stop();
  /// Switches to `config` (nullopt: no probes). Call on the controller's strand.
  void use(std::optional<wholesale_ha::health::HealthConfig> config);

  /// The current reading of each probe (empty before start or without probes).
  [[nodiscard]] std::vector<wholesale_ha::health::AttributeReading> readings() const;

 private:
  void make_monitor();
  /// The controller refuses only an unknown node or a malformed name: logged, not thrown.
  void publish(const std::string& attribute, const std::optional<std::string>& value);

  boost::asio::any_io_executor executor_;
  wholesale_ha::Logger log_;
  wholesale_ha::Controller& controller_;
  std::optional<wholesale_ha::health::HealthConfig> config_;
  std::unique_ptr<wholesale_ha::health::HealthMonitor> monitor_;
  wholesale_ha::ScopedConnection changed_;
  std::string local_;
  bool started_ = false;
};

}  // namespace wha_node
