#include "engine/util/timer_heap.hpp"

#include <utility>

namespace l2tp {

void TimerHeap::place(std::size_t i, Timer t) {
  pos_[t.key] = i;
  heap_[i] = t;
}

void TimerHeap::sift_up(std::size_t i) {
  const Timer t = heap_[i];
  while (i > 0) {
    const std::size_t parent = (i - 1) / 2;
    if (!before(t, heap_[parent])) break;
    place(i, heap_[parent]);
    i = parent;
  }
  place(i, t);
}

void TimerHeap::sift_down(std::size_t i) {
  const Timer t = heap_[i];
  const std::size_t n = heap_.size();
  for (;;) {
    std::size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && before(heap_[child + 1], heap_[child])) ++child;
    if (!before(heap_[child], t)) break;
    place(i, heap_[child]);
    i = child;
  }
  place(i, t);
}

void TimerHeap::schedule(Key key, Time deadline) {
  if (auto it = pos_.find(key); it != pos_.end()) {
    const std::size_t i = it->second;
    const Time old = heap_[i].deadline;
    if (old == deadline) return;
    heap_[i].deadline = deadline;
    if (deadline < old)
      sift_up(i);
    else
      sift_down(i);
    return;
  }
  heap_.push_back(Timer{deadline, key});
  sift_up(heap_.size() - 1);
}

void TimerHeap::set(Key key, std::optional<Time> deadline) {
  if (deadline)
    schedule(key, *deadline);
  else
    cancel(key);
}

void TimerHeap::remove_at(std::size_t i) {
  pos_.erase(heap_[i].key);
  const Timer last = heap_.back();
  heap_.pop_back();
  if (i == heap_.size()) return;  // it was the last one
  // The last timer fills the hole; it may belong above or below it.
  place(i, last);
  if (i > 0 && before(last, heap_[(i - 1) / 2]))
    sift_up(i);
  else
    sift_down(i);
}

bool TimerHeap::cancel(Key key) {
  const auto it = pos_.find(key);
  if (it == pos_.end()) return false;
  remove_at(it->second);
  return true;
}

std::optional<Time> TimerHeap::deadline(Key key) const {
  const auto it = pos_.find(key);
  if (it == pos_.end()) return std::nullopt;
  return heap_[it->second].deadline;
}

std::optional<Time> TimerHeap::next() const {
  if (heap_.empty()) return std::nullopt;
  return heap_.front().deadline;
}

std::optional<TimerHeap::Timer> TimerHeap::pop_due(Time now) {
  if (heap_.empty() || heap_.front().deadline > now) return std::nullopt;
  const Timer t = heap_.front();
  remove_at(0);
  return t;
}

void TimerHeap::clear() {
  heap_.clear();
  pos_.clear();
}

}  // namespace l2tp
