// First-in first-out queues for the engine's per-tunnel, per-session and per-link queues (frames
// to send, events, messages awaiting acknowledgement). A std::deque allocates a 512-octet block
// and its map as soon as it exists, empty or not: a PPP link had eight of them, a tunnel seven
// (4 KB per tunnel before it sent anything). These queues hold a few items between an input and
// the drain that follows it, so a vector read from a moving head does, and its storage is
// released once drained: an idle link or tunnel holds nothing. A queue there is one of per node
// (KeepStorage) keeps its storage instead: it fills and drains many times a millisecond, and
// releasing it each time costs an allocation per item.
#pragma once

#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace l2tp {

template <class T, bool KeepStorage = false>
class Fifo {
 public:
  bool empty() const { return head_ == items_.size(); }
  std::size_t size() const { return items_.size() - head_; }
  T& front() { return items_[head_]; }
  const T& front() const { return items_[head_]; }
  T& back() { return items_.back(); }
  const T& back() const { return items_.back(); }

  void push_back(T v) { items_.push_back(std::move(v)); }
  template <class... Args>
  void emplace_back(Args&&... args) {
    items_.emplace_back(std::forward<Args>(args)...);
  }
  void pop_front() {
    if (++head_ == items_.size()) {
      clear();
    } else if (head_ >= kCompactAt && 2 * head_ >= items_.size()) {
      // Never drained (a producer faster than its consumer): drop the consumed front.
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }
  // Removes and returns the oldest item.
  T take_front() {
    T v = std::move(items_[head_]);
    pop_front();
    return v;
  }
  void clear() {
    if constexpr (KeepStorage)
      items_.clear();
    else
      std::vector<T>().swap(items_);
    head_ = 0;
  }

 private:
  static constexpr std::size_t kCompactAt = 32;
  std::vector<T> items_;
  std::size_t head_ = 0;
};

// A queue of at most N small values, inside its owner (no allocation): for queues that are
// drained after every call that fills them.
template <class T, std::size_t N>
class InlineFifo {
  static_assert(N <= 255);

 public:
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  void push_back(T v) {
    assert(size_ < N && "InlineFifo: drained too seldom");
    if (size_ == N) pop_front();  // never expected: the oldest goes rather than memory beyond
    items_[(head_ + size_) % N] = v;
    ++size_;
  }
  const T& front() const { return items_[head_]; }
  void pop_front() {
    head_ = static_cast<std::uint8_t>((head_ + 1) % N);
    --size_;
  }

 private:
  std::array<T, N> items_{};
  std::uint8_t head_ = 0, size_ = 0;
};

}  // namespace l2tp
