// Objects by a 16-bit ID: a node's tunnels by Tunnel ID, a tunnel's sessions by Session ID.
// Looked up for every datagram: a std::map of 100 sessions is seven dependent cache misses a
// lookup (4.7% of a paced LAC's CPU in perf, its tunnels' map 1.6% more), the open-addressed
// index here one or two. Each object has a heap block of its own, so a reference stays valid
// while others come and go (a session's step may open or close another).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/util/flat_key_map.hpp"

namespace l2tp {

template <class T>
class IdTable {
 public:
  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  bool contains(std::uint16_t id) const { return index_.contains(id); }
  T* find(std::uint16_t id) {
    const auto at = index_.find(id);
    return at ? items_[*at].get() : nullptr;
  }
  const T* find(std::uint16_t id) const {
    const auto at = index_.find(id);
    return at ? items_[*at].get() : nullptr;
  }
  // `id` must not be taken.
  T& insert(std::uint16_t id, std::unique_ptr<T> item) {
    index_.set(id, static_cast<FlatKeyMap::Value>(items_.size()));
    items_.push_back(std::move(item));
    ids_.push_back(id);
    return *items_.back();
  }
  void erase(std::uint16_t id) {
    const auto at = index_.erase(id);
    if (!at) return;
    if (*at + 1 != items_.size()) {  // the last one moves into the hole
      items_[*at] = std::move(items_.back());
      ids_[*at] = ids_.back();
      index_.set(ids_[*at], *at);
    }
    items_.pop_back();
    ids_.pop_back();
  }
  void clear() {
    items_.clear();
    ids_.clear();
    index_.clear();
  }
  // f(id, item) for every item in ascending ID order: what is reported or sent in a loop stays
  // in the order a std::map gave. An item erased meanwhile is skipped; one added is not visited.
  template <typename F>
  void for_each_by_id(F&& f) const {
    for (const auto id : sorted_ids())
      if (const auto at = index_.find(id)) f(id, *items_[*at]);
  }
  // Every ID, ascending: for a walk during which items may come or go (look each one up).
  std::vector<std::uint16_t> sorted_ids() const {
    std::vector<std::uint16_t> ids = ids_;
    std::sort(ids.begin(), ids.end());
    return ids;
  }

 private:
  FlatKeyMap index_;                       // ID -> position below
  std::vector<std::unique_ptr<T>> items_;  // dense
  std::vector<std::uint16_t> ids_;         // the ID at each position
};

}  // namespace l2tp
