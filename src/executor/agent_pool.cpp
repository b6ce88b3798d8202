#include <wholesale_ha/executor/agent_pool.hpp>

namespace wholesale_ha::executor {

AgentPool::AgentPool(boost::asio::any_io_executor executor, agents::Registry& registry)
    : executor_(std::move(executor)), registry_(registry) {}

void AgentPool::set_config(const model::Config& config) {
  std::map<std::string, std::shared_ptr<const model::Resource>, std::less<>> next;
  for (const auto& r : config.resources) {
    auto it = definitions_.find(r.id);
    // Unchanged definitions keep their object, so agents created from them stay current.
    next[r.id] = it != definitions_.end() && *it->second == r
                     ? it->second
                     : std::make_shared<const model::Resource>(r);
  }
  definitions_ = std::move(next);
}

agents::Agent* AgentPool::get(const std::string& resource, const std::string& node) {
  auto key = std::pair{resource, node};
  if (auto it = agents_.find(key); it != agents_.end()) return it->second.get();
  auto def = definitions_.find(resource);
  if (def == definitions_.end()) return nullptr;
  agents::Backend* backend = registry_.find(def->second->backend);
  if (backend == nullptr) return nullptr;
  auto agent = backend->create({executor_, def->second, node});
  if (!agent) return nullptr;
  return agents_.emplace(key, std::move(agent)).first->second.get();
}

void AgentPool::release(const std::string& resource, const std::string& node) {
  agents_.erase({resource, node});
}

}  // namespace wholesale_ha::executor
