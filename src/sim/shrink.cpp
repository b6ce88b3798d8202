#include "shrink.hpp"

namespace wholesale_ha::sim {

Shrunk shrink(const Scenario& failing, const std::string& invariant, const Options& options, int max_runs) {
  Shrunk best{failing, {}, 0};
  auto breaks = [&](const Scenario& s) -> std::optional<Violation> {
    ++best.runs;
    auto outcome = run(s, options);
    for (auto& v : outcome.violations) {
      if (v.invariant == invariant) return v;
    }
    return std::nullopt;
  };
  if (auto v = breaks(failing)) best.violation = *v;
  bool progress = true;
  while (progress && best.runs < max_runs) {
    progress = false;
    for (std::size_t i = best.scenario.faults.size(); i-- > 0 && best.runs < max_runs;) {
      Scenario candidate = best.scenario;
      candidate.faults.erase(candidate.faults.begin() + static_cast<std::ptrdiff_t>(i));
      if (auto v = breaks(candidate)) {
        best.scenario = std::move(candidate);
        best.violation = *v;
        progress = true;
      }
    }
  }
  return best;
}

}  // namespace wholesale_ha::sim
