#include <wholesale_ha/agents/registry.hpp>

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace wholesale_ha::agents {

std::vector<std::string> Backend::repair_actions(const model::Resource&) const { return {}; }

void Registry::add(std::string name, std::shared_ptr<Backend> backend) {
  backends_[std::move(name)] = std::move(backend);
}

Backend* Registry::find(const std::string& name) const {
  auto it = backends_.find(name);
  return it == backends_.end() ? nullptr : it->second.get();
}

std::vector<std::string> Registry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, backend] : backends_) out.push_back(name);
  return out;
}

Result<void> Registry::validate(const std::vector<model::Resource>& resources) const {
  std::vector<Diagnostic> out;
  for (std::size_t i = 0; i < resources.size(); ++i) {
    const auto& r = resources[i];
    const std::string pointer = fmt::format("/resources/{}", i);
    const Backend* backend = find(r.backend);
    if (backend == nullptr) {
      out.push_back(Diagnostic::error(Errc::unknown_reference, pointer + "/backend",
                                      fmt::format("no backend \"{}\" is registered (registered: {})", r.backend,
                                                  fmt::join(names(), ", "))));
      continue;
    }
    auto found = backend->validate(r, pointer).diagnostics();
    out.insert(out.end(), found.begin(), found.end());
    if (r.recovery.empty()) continue;
    const auto actions = backend->repair_actions(r);
    for (std::size_t j = 0; j < r.recovery.size(); ++j) {
      const auto& action = r.recovery[j].action;
      if (std::find(actions.begin(), actions.end(), action) != actions.end()) continue;
      out.push_back(Diagnostic::error(
          Errc::unsupported, fmt::format("{}/recovery/{}/action", pointer, j),
          actions.empty() ? fmt::format("backend \"{}\" cannot repair \"{}\" in place (it has no repairs)", r.backend, action)
                          : fmt::format("backend \"{}\" cannot repair \"{}\" in place with these params (it can: {})",
                                        r.backend, action, fmt::join(actions, ", "))));
    }
  }
  return Result<void>{std::move(out)};
}

}  // namespace wholesale_ha::agents
