#include "unit_order.hpp"

#include <algorithm>
#include <numeric>
#include <queue>
#include <tuple>

namespace wholesale_ha::policy::detail {

std::vector<Index> unit_order(const Compiled& c, const Links& links) {
  const std::size_t count = c.units.size();
  // Calls edge(unit before, unit after) for every "places after" between two units.
  auto for_each_edge = [&](auto edge) {
    for (Index r = 0; r < c.resources.size(); ++r) {
      const Index u = c.resources[r].unit;
      for (const auto& term : c.resources[r].colocations) {
        if (c.resources[term.other].unit != u) edge(c.resources[term.other].unit, u);
      }
      for (Index first : links.mandatory_firsts(r)) {
        if (c.resources[first].unit != u) edge(c.resources[first].unit, u);
      }
    }
  };
  bool any_edge = false;
  if (!links.empty()) for_each_edge([&](Index, Index) { any_edge = true; });
  using Key = std::tuple<std::int64_t, std::size_t, Index>;
  auto key = [&](Index u) {
    const Unit& unit = c.units[u];
    return Key{-static_cast<std::int64_t>(unit.priority), unit.config_index, u};
  };
  if (!any_edge) {
    // Nothing waits for anything: the order is the keys' (often configuration order already).
    std::vector<Index> order(count);
    std::iota(order.begin(), order.end(), Index{0});
    auto by_key = [&](Index a, Index b) { return key(a) < key(b); };
    if (!std::is_sorted(order.begin(), order.end(), by_key)) {
      std::sort(order.begin(), order.end(), by_key);
    }
    return order;
  }
  std::vector<std::vector<Index>> after(count);
  std::vector<std::size_t> waiting(count, 0);
  for_each_edge([&](Index a, Index b) {
    after[a].push_back(b);
    ++waiting[b];
  });
  std::priority_queue<Key, std::vector<Key>, std::greater<>> ready;
  for (Index u = 0; u < count; ++u) {
    if (waiting[u] == 0) ready.push(key(u));
  }
  std::vector<Index> order;
  std::vector<bool> done(count, false);
  order.reserve(count);
  while (order.size() < count) {
    if (ready.empty()) {
      // A cycle: release the most important unit still waiting.
      Index best = kNone;
      for (Index u = 0; u < count; ++u) {
        if (!done[u] && (best == kNone || key(u) < key(best))) best = u;
      }
      waiting[best] = 0;
      ready.push(key(best));
    }
    Index u = std::get<2>(ready.top());
    ready.pop();
    if (done[u]) continue;
    done[u] = true;
    order.push_back(u);
    for (Index v : after[u]) {
      if (!done[v] && waiting[v] > 0 && --waiting[v] == 0) ready.push(key(v));
    }
  }
  return order;
}

}  // namespace wholesale_ha::policy::detail
