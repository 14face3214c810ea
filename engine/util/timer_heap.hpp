// Deadlines by key: a 4-ary min-heap of (deadline, key) with each key's place in the heap
// remembered, so a key's deadline can be set, moved or cancelled in O(log n) and the earliest
// read in O(1). At most one deadline per key; deadlines are kept exactly. Equal deadlines come
// out in key order, so the order never depends on the history of the heap.
//
// A key is looked up once per call (key -> slot); the heap then moves entries by slot, with
// each slot's heap position in a plain vector: a sift touches no hash table. Four children per
// node halve the levels a sift walks (the shallow heap is what a run of 100,000 PPP links,
// each moving its deadline with every frame, spends its timer time on).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "engine/time.hpp"
#include "engine/util/flat_key_map.hpp"

namespace l2tp {

class TimerHeap {
 public:
  using Key = std::uint32_t;  // a Tunnel ID, a LinkKey::value()
  struct Timer {
    Time deadline;
    Key key;
  };

  // Arms `key` at `deadline`, moving its deadline if it is armed already.
  void schedule(Key key, Time deadline);
  // Arms `key` at `deadline`, or disarms it when there is none.
  void set(Key key, std::optional<Time> deadline);
  // Disarms `key`. False when it was not armed.
  bool cancel(Key key);

  std::optional<Time> deadline(Key key) const;
  bool contains(Key key) const { return slot_of_.contains(key); }
  // The earliest timer (the smallest key among equal deadlines); nullptr when empty.
  const Timer* top() const { return heap_.empty() ? nullptr : &heap_.front().timer; }
  std::optional<Time> next() const;
  // Removes and returns the earliest timer if it is due at `now` (deadline <= now).
  std::optional<Timer> pop_due(Time now);

  std::size_t size() const { return heap_.size(); }
  bool empty() const { return heap_.empty(); }
  void clear();

 private:
  static constexpr std::size_t kArity = 4;
  struct Entry {
    Timer timer;
    std::uint32_t slot;
  };
  static bool before(const Timer& a, const Timer& b) {
    return a.deadline != b.deadline ? a.deadline < b.deadline : a.key < b.key;
  }
  void place(std::size_t i, const Entry& e) {  // writes e at i and records its position
    heap_[i] = e;
    pos_[e.slot] = static_cast<std::uint32_t>(i);
  }
  void sift_up(std::size_t i);
  void sift_down(std::size_t i);
  void remove_at(std::size_t i);

  std::vector<Entry> heap_;
  // key -> slot, open-addressed: a hash node per armed timer was 40 octets and a malloc.
  FlatKeyMap slot_of_;
  std::vector<std::uint32_t> pos_;  // slot -> index in heap_
  std::vector<std::uint32_t> free_slots_;
};

}  // namespace l2tp
