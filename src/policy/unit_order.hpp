#pragma once
// The order units are placed in (docs/policy.md §3, §8), and the links it follows: who is
// placed relative to whom.

#include <span>
#include <utility>
#include <vector>

#include "compiled.hpp"

namespace wholesale_ha::policy::detail {

/// Who places relative to whom: reverse colocation lookups and mandatory predecessors.
/// Left empty when no resource has a colocation or an order (a plain VM fleet): then there
/// is nothing to look up, and two tables of empty lists per plan are not built.
class Links {
 public:
  explicit Links(const Compiled& c) {
    if (!c.any_colocation && c.orders.empty()) return;
    colocated_by_.resize(c.resources.size());
    mandatory_firsts_.resize(c.resources.size());
    for (Index r = 0; r < c.resources.size(); ++r) {
      const auto& terms = c.resources[r].colocations;
      for (Index t = 0; t < terms.size(); ++t) colocated_by_[terms[t].other].push_back({r, t});
    }
    for (const auto& o : c.orders) {
      if (o.mandatory) mandatory_firsts_[o.then].push_back(o.first);
    }
  }

  [[nodiscard]] bool empty() const { return colocated_by_.empty(); }
  /// (dependent, index of its colocation term) for every colocation placed relative to `r`.
  [[nodiscard]] std::span<const std::pair<Index, Index>> colocated_by(Index r) const {
    return empty() ? std::span<const std::pair<Index, Index>>{} : colocated_by_[r];
  }
  /// What `r` is ordered after by a mandatory order.
  [[nodiscard]] std::span<const Index> mandatory_firsts(Index r) const {
    return empty() ? std::span<const Index>{} : mandatory_firsts_[r];
  }

 private:
  std::vector<std::vector<std::pair<Index, Index>>> colocated_by_;
  std::vector<std::vector<Index>> mandatory_firsts_;
};

/// Units ordered so that what others are placed relative to comes first; otherwise by
/// priority (high first), then configuration order. The order must not depend on what runs
/// where: planning the result of a plan then sees the same order, which is what makes
/// every unit stay put (docs/policy.md §8).
std::vector<Index> unit_order(const Compiled& c, const Links& links);

}  // namespace wholesale_ha::policy::detail
