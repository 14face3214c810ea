// Groups of identifiers that turn out to name the same thing: each key (a tunnel end, a session
// end) is bound to a group, and two groups merge when a message shows they are one (a StopCCN
// naming both tunnel ends, a CDN naming both session ends). A union-find over group numbers;
// a key can be re-bound to a new group when its identifier is reused (a new SCCRQ from the same
// end after the old tunnel closed).
#pragma once

#include <cstddef>
#include <optional>
#include <unordered_map>
#include <vector>

namespace l2tp::capture {

template <typename Key, typename Hash>
class IdGroups {
 public:
  std::size_t create() {
    parent_.push_back(parent_.size());
    return parent_.size() - 1;
  }
  std::size_t size() const { return parent_.size(); }

  // The group a group number now belongs to (the oldest of those merged).
  std::size_t find(std::size_t g) {
    while (parent_[g] != g) {
      parent_[g] = parent_[parent_[g]];
      g = parent_[g];
    }
    return g;
  }
  // Merges two groups; the older (smaller) number stands for both. Returns it.
  std::size_t merge(std::size_t a, std::size_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return a;
    if (b < a) std::swap(a, b);
    parent_[b] = a;
    return a;
  }

  std::optional<std::size_t> lookup(const Key& k) {
    auto it = bound_.find(k);
    if (it == bound_.end()) return std::nullopt;
    return find(it->second);
  }
  void bind(const Key& k, std::size_t g) { bound_[k] = g; }

 private:
  std::vector<std::size_t> parent_;
  std::unordered_map<Key, std::size_t, Hash> bound_;
};

}  // namespace l2tp::capture
