#include "engine/util/timer_heap.hpp"

#include <algorithm>
#include <utility>

namespace l2tp {

void TimerHeap::sift_up(std::size_t i) {
  const Entry e = heap_[i];
  while (i > 0) {
    const std::size_t parent = (i - 1) / kArity;
    if (!before(e.timer, heap_[parent].timer)) break;
    place(i, heap_[parent]);
    i = parent;
  }
  place(i, e);
}

void TimerHeap::sift_down(std::size_t i) {
  const Entry e = heap_[i];
  const std::size_t n = heap_.size();
  for (;;) {
    const std::size_t first = kArity * i + 1;
    if (first >= n) break;
    std::size_t best = first;
    const std::size_t end = std::min(first + kArity, n);
    for (std::size_t c = first + 1; c < end; ++c)
      if (before(heap_[c].timer, heap_[best].timer)) best = c;
    if (!before(heap_[best].timer, e.timer)) break;
    place(i, heap_[best]);
    i = best;
  }
  place(i, e);
}

void TimerHeap::schedule(Key key, Time deadline) {
  if (const auto found = slot_of_.find(key)) {
    const std::size_t i = pos_[*found];
    const Time old = heap_[i].timer.deadline;
    if (old == deadline) return;
    heap_[i].timer.deadline = deadline;
    if (deadline < old)
      sift_up(i);
    else
      sift_down(i);
    return;
  }
  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(pos_.size());
    pos_.push_back(0);
  }
  slot_of_.set(key, slot);
  heap_.push_back(Entry{Timer{deadline, key}, slot});
  sift_up(heap_.size() - 1);
}

void TimerHeap::set(Key key, std::optional<Time> deadline) {
  if (deadline)
    schedule(key, *deadline);
  else
    cancel(key);
}

void TimerHeap::remove_at(std::size_t i) {
  slot_of_.erase(heap_[i].timer.key);
  free_slots_.push_back(heap_[i].slot);
  const Entry last = heap_.back();
  heap_.pop_back();
  if (i == heap_.size()) return;  // it was the last one
  // The last timer fills the hole; it may belong above or below it.
  place(i, last);
  if (i > 0 && before(last.timer, heap_[(i - 1) / kArity].timer))
    sift_up(i);
  else
    sift_down(i);
}

bool TimerHeap::cancel(Key key) {
  const auto slot = slot_of_.find(key);
  if (!slot) return false;
  remove_at(pos_[*slot]);
  return true;
}

std::optional<Time> TimerHeap::deadline(Key key) const {
  const auto slot = slot_of_.find(key);
  if (!slot) return std::nullopt;
  return heap_[pos_[*slot]].timer.deadline;
}

std::optional<Time> TimerHeap::next() const {
  if (heap_.empty()) return std::nullopt;
  return heap_.front().timer.deadline;
}

std::optional<TimerHeap::Timer> TimerHeap::pop_due(Time now) {
  if (heap_.empty() || heap_.front().timer.deadline > now) return std::nullopt;
  const Timer t = heap_.front().timer;
  remove_at(0);
  return t;
}

void TimerHeap::clear() {
  heap_.clear();
  slot_of_.clear();
  pos_.clear();
  free_slots_.clear();
}

}  // namespace l2tp
