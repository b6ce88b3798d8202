#include "node_health.hpp"

#include <set>

namespace wha_node {

namespace health = wholesale_ha::health;

NodeHealth::NodeHealth(boost::asio::any_io_executor executor, wholesale_ha::Logger log,
                       wholesale_ha::Controller& controller)
    : executor_(std::move(executor)), log_(std::move(log)), controller_(controller) {}

void NodeHealth::make_monitor() {
  changed_.disconnect();
  monitor_.reset();
  if (!config_) return;
  monitor_ = std::make_unique<health::HealthMonitor>(executor_, log_);
  // A loaded health file has passed these checks already.
  if (auto added = monitor_->add(*config_); !added) log_.error("health probes not started: {}", added.to_string());
  changed_ = monitor_->on_change().subscribe([this](const health::AttributeReading& r) {
    std::optional<std::string> value;
    if (r.value) value = r.value->to_string();
    log_.info("health {} = {} ({})", r.attribute, value.value_or("unknown"), r.evidence);
    publish(r.attribute, value);
  });
}

void NodeHealth::publish(const std::string& attribute, const std::optional<std::string>& value) {
  if (auto set = controller_.set_attribute(local_, attribute, value); !set) {
    log_.error("health {} not recorded: {}", attribute, set.to_string());
  }
}

void NodeHealth::start(std::string local_node) {
  local_ = std::move(local_node);
  started_ = true;
  if (!monitor_) make_monitor();
  if (monitor_) monitor_->start();
}

void NodeHealth::stop() {
  started_ = false;
  if (monitor_) monitor_->stop();
}

void NodeHealth::use(std::optional<health::HealthConfig> config) {
  if (config == config_) return;
  std::set<std::string> kept;
  if (config) {
    for (const auto& probe : config->probes) kept.insert(probe.settings.attribute);
  }
  std::vector<std::string> gone;
  if (monitor_) {
    for (const auto& [attribute, value] : monitor_->attributes()) {
      if (!kept.contains(attribute)) gone.push_back(attribute);
    }
  }
  config_ = std::move(config);
  make_monitor();
  if (!started_) return;
  for (const auto& attribute : gone) {
    log_.info("health {} removed: no probe sets it any more", attribute);
    publish(attribute, std::nullopt);
  }
  if (monitor_) monitor_->start();
}

std::vector<health::AttributeReading> NodeHealth::readings() const {
  return monitor_ ? monitor_->readings() : std::vector<health::AttributeReading>{};
}

}  // namespace wha_node
