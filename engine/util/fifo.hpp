// First-in first-out queues for the engine's per-tunnel, per-session and per-link queues (frames
// to send, events, messages awaiting acknowledgement). These hold a few items between an input
// and the drain that follows it, and there are a dozen per established session: a std::deque
// (a 512-octet block as soon as it exists) cost 4 KB per tunnel, a vector and a head index 32
// octets each even when empty. So a Fifo is one pointer: a ring in one heap block (its counts
// in front of the items), made on the first push and freed once drained. An idle link or
// tunnel holds 8 octets per queue and nothing on the heap. A queue there is one of per node
// (KeepStorage) keeps its ring instead: it fills and drains many times a millisecond, and
// releasing it each time costs an allocation per item.
#pragma once

#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace l2tp {

template <class T, bool KeepStorage = false>
class Fifo {
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
  static_assert(std::is_nothrow_move_constructible_v<T>, "a ring moves its items when it grows");

 public:
  Fifo() = default;
  Fifo(const Fifo& o) {
    for (std::size_t i = 0; i < o.size(); ++i) push_back(o.at(i));
  }
  Fifo(Fifo&& o) noexcept : ring_(std::exchange(o.ring_, nullptr)) {}
  Fifo& operator=(const Fifo& o) {
    if (this != &o) {
      Fifo copy(o);
      swap(copy);
    }
    return *this;
  }
  Fifo& operator=(Fifo&& o) noexcept {
    if (this != &o) {
      clear();
      release();
      ring_ = std::exchange(o.ring_, nullptr);
    }
    return *this;
  }
  ~Fifo() {
    clear();
    release();
  }
  void swap(Fifo& o) noexcept { std::swap(ring_, o.ring_); }

  bool empty() const { return ring_ == nullptr || ring_->size == 0; }
  std::size_t size() const { return ring_ ? ring_->size : 0; }
  T& front() { return at(0); }
  const T& front() const { return at(0); }
  T& back() { return at(ring_->size - 1); }
  const T& back() const { return at(ring_->size - 1); }

  void push_back(T v) { emplace_back(std::move(v)); }
  template <class... Args>
  void emplace_back(Args&&... args) {
    if (!ring_ || ring_->size == ring_->cap) grow();
    ::new (slot(ring_->size)) T(std::forward<Args>(args)...);
    ++ring_->size;
  }
  void pop_front() {
    assert(!empty());
    slot(0)->~T();
    if (--ring_->size == 0 && !KeepStorage) return release();
    ring_->head = (ring_->head + 1) & (ring_->cap - 1);
  }
  // Removes and returns the oldest item.
  T take_front() {
    T v = std::move(front());
    pop_front();
    return v;
  }
  void clear() {
    if (!ring_) return;
    for (std::size_t i = 0; i < ring_->size; ++i) slot(i)->~T();
    if (!KeepStorage) return release();
    ring_->head = ring_->size = 0;
  }

 private:
  struct Ring {
    std::uint32_t head, size, cap;  // cap: a power of two
  };
  static constexpr std::size_t kItems = (sizeof(Ring) + alignof(T) - 1) / alignof(T) * alignof(T);
  static constexpr std::uint32_t kFirstCap = sizeof(T) <= 64 ? 2 : 1;

  T* slot(std::size_t i) const {
    auto* items = reinterpret_cast<T*>(reinterpret_cast<char*>(ring_) + kItems);
    return std::launder(items + ((ring_->head + i) & (ring_->cap - 1)));
  }
  T& at(std::size_t i) const {
    assert(i < size());
    return *slot(i);
  }
  void grow() {
    const std::uint32_t cap = ring_ ? 2 * ring_->cap : kFirstCap;
    auto* fresh = static_cast<Ring*>(::operator new(kItems + cap * sizeof(T)));
    *fresh = Ring{0, 0, cap};
    if (ring_) {
      auto* to = reinterpret_cast<T*>(reinterpret_cast<char*>(fresh) + kItems);
      for (std::uint32_t i = 0; i < ring_->size; ++i) {
        ::new (to + i) T(std::move(*slot(i)));
        slot(i)->~T();
      }
      fresh->size = ring_->size;
      ::operator delete(ring_);
    }
    ring_ = fresh;
  }
  void release() {
    ::operator delete(ring_);  // null: nothing
    ring_ = nullptr;
  }

  Ring* ring_ = nullptr;
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
