#pragma once
// Ids → dense indices in one flat table with open addressing. A plan builds one for the
// nodes and one for the resources when it first looks an id up; a node-based hash map cost
// an allocation per entry to build and another to free, a fifth of planning a small cluster.

#include <cstdint>
#include <functional>
#include <limits>
#include <string_view>
#include <vector>

namespace wholesale_ha::policy::detail {

using Index = std::uint32_t;
inline constexpr Index kNone = std::numeric_limits<Index>::max();

class IdIndex {
 public:
  /// Room for `count` ids without growing.
  void reserve(std::size_t count) {
    std::size_t capacity = 16;
    while (capacity < 2 * count) capacity *= 2;
    if (capacity <= slots_.size()) return;
    auto old = std::move(slots_);
    slots_.assign(capacity, Slot{});
    size_ = 0;
    for (const auto& slot : old) {
      if (slot.index != kNone) emplace(slot.id, slot.index);
    }
  }

  /// Maps `id` to `index` unless it is mapped already (the first one stays). `id` must
  /// outlive the index.
  void emplace(std::string_view id, Index index) {
    if (2 * (size_ + 1) > slots_.size()) reserve(size_ + 1);
    for (std::size_t i = start(id);; i = next(i)) {
      if (slots_[i].index == kNone) {
        slots_[i] = {id, index};
        ++size_;
        return;
      }
      if (slots_[i].id == id) return;
    }
  }

  /// Maps id_of(i) to i for every i < count (the first of equal ids wins).
  template <class IdOf>
  void assign(std::size_t count, IdOf id_of) {
    slots_.clear();
    size_ = 0;
    reserve(count);
    for (std::size_t i = 0; i < count; ++i) emplace(id_of(static_cast<Index>(i)), static_cast<Index>(i));
  }

  /// Something was assigned or emplaced (an index of no ids is not built).
  [[nodiscard]] bool built() const { return !slots_.empty(); }

  /// The index of `id`, or kNone.
  [[nodiscard]] Index find(std::string_view id) const {
    if (slots_.empty()) return kNone;
    for (std::size_t i = start(id);; i = next(i)) {
      if (slots_[i].index == kNone) return kNone;
      if (slots_[i].id == id) return slots_[i].index;
    }
  }

 private:
  struct Slot {
    std::string_view id;
    Index index = kNone;
  };

  [[nodiscard]] std::size_t start(std::string_view id) const {
    return std::hash<std::string_view>{}(id) & (slots_.size() - 1);
  }
  [[nodiscard]] std::size_t next(std::size_t i) const { return (i + 1) & (slots_.size() - 1); }

  std::vector<Slot> slots_;  ///< a power of two long, at most half full
  std::size_t size_ = 0;
};

}  // namespace wholesale_ha::policy::detail
