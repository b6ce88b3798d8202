#pragma once
// The live agent objects, one per (resource, node). An agent keeps the resource definition it
// was created with until the resource stops there: a reloaded definition applies at the next
// start, and no running instance is ever lost track of.

#include <map>
#include <memory>
#include <string>
#include <utility>

#include <boost/asio/any_io_executor.hpp>

#include <wholesale_ha/agents/registry.hpp>
#include <wholesale_ha/model/cluster.hpp>

namespace wholesale_ha::executor {

class AgentPool {
 public:
  AgentPool(boost::asio::any_io_executor executor, agents::Registry& registry);

  /// The definitions new agents are created from.
  void set_config(const model::Config& config);

  /// The agent for `resource` on `node`, created on first use; nullptr when the resource is
  /// unknown or its backend cannot create it.
  agents::Agent* get(const std::string& resource, const std::string& node);

  /// Forgets the agent (after a successful stop): the next start uses the current definition.
  void release(const std::string& resource, const std::string& node);

 private:
  boost::asio::any_io_executor executor_;
  agents::Registry& registry_;
  std::map<std::string, std::shared_ptr<const model::Resource>, std::less<>> definitions_;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<agents::Agent>> agents_;
};

}  // namespace wholesale_ha::executor
