// A map from 32-bit keys (a tunnel's and a session's IDs, LinkKey::value()) to 32-bit values,
// in one open-addressed array: no allocation per entry (a std::set or std::unordered_map node
// costs 32-64 octets and a malloc for each of 100,000 sessions), 8 octets a slot, at most 70%
// full. Linear probing with backward-shift deletion, so erasing leaves no tombstones and a run
// whose sessions keep coming and going never grows the table past its busiest moment.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace l2tp {

class FlatKeyMap {
 public:
  using Key = std::uint32_t;
  using Value = std::uint32_t;  // any but kEmpty
  static constexpr Value kEmpty = std::numeric_limits<Value>::max();

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::size_t capacity() const { return slots_.size(); }

  // Sets `key` to `value` (inserting it when absent).
  void set(Key key, Value value) {
    if ((size_ + 1) * 10 > slots_.size() * 7) grow();
    std::size_t i = home(key);
    while (slots_[i].value != kEmpty) {
      if (slots_[i].key == key) {
        slots_[i].value = value;
        return;
      }
      i = (i + 1) & mask();
    }
    slots_[i] = Slot{key, value};
    ++size_;
  }
  std::optional<Value> find(Key key) const {
    if (slots_.empty()) return std::nullopt;
    for (std::size_t i = home(key); slots_[i].value != kEmpty; i = (i + 1) & mask())
      if (slots_[i].key == key) return slots_[i].value;
    return std::nullopt;
  }
  bool contains(Key key) const { return find(key).has_value(); }
  // Removes `key`; its old value, or nullopt when it was absent.
  std::optional<Value> erase(Key key) {
    if (slots_.empty()) return std::nullopt;
    std::size_t i = home(key);
    while (slots_[i].key != key || slots_[i].value == kEmpty) {
      if (slots_[i].value == kEmpty) return std::nullopt;
      i = (i + 1) & mask();
    }
    const Value old = slots_[i].value;
    // Backward shift: pull every later entry of the probe run that may move into the hole.
    for (std::size_t j = (i + 1) & mask(); slots_[j].value != kEmpty; j = (j + 1) & mask()) {
      const std::size_t h = home(slots_[j].key);
      // Entry j may fill hole i unless its home lies cyclically in (i, j].
      const bool stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
      if (stays) continue;
      slots_[i] = slots_[j];
      i = j;
    }
    slots_[i].value = kEmpty;
    --size_;
    return old;
  }
  void clear() {
    slots_.clear();
    size_ = 0;
  }
  // f(key, value) for every entry, in no particular order. The map must not change meanwhile.
  template <typename F>
  void for_each(F&& f) const {
    for (const Slot& s : slots_)
      if (s.value != kEmpty) f(s.key, s.value);
  }

 private:
  struct Slot {
    Key key = 0;
    Value value = kEmpty;
  };
  std::size_t mask() const { return slots_.size() - 1; }
  std::size_t home(Key key) const {
    // Fibonacci hashing: the multiply spreads (tunnel, session) pairs that differ in few bits.
    const std::uint64_t h = std::uint64_t{key} * 0x9E3779B97F4A7C15ULL;
    return static_cast<std::size_t>(h >> 32) & mask();
  }
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
    size_ = 0;
    for (const Slot& s : old)
      if (s.value != kEmpty) set(s.key, s.value);
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

}  // namespace l2tp
