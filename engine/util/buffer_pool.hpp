// Spare byte buffers of one node, so the data path reuses storage instead of paying a malloc and
// a free for every PPP frame that crosses a tunnel (each one was a Buffer made when it was
// encoded or received and freed once sent or handled). Bounded: at most kMaxSpare buffers of at
// most kMaxCapacity octets each are kept, so an idle node holds a few KB at most.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "engine/util/bytes.hpp"

namespace l2tp {

class BufferPool {
 public:
  static constexpr std::size_t kMaxSpare = 256;  // a busy 1 ms batch carries a hundred frames or more
  static constexpr std::size_t kMaxCapacity = 4096;
  // Every buffer handed out holds at least this much: a PPP negotiation frame with its L2TP
  // header fits. Buffers sized exactly to the last frame they held grew again for nearly
  // every frame, as frame sizes alternate (an allocation per PPP frame in and out).
  static constexpr std::size_t kMinCapacity = 256;

  // An empty buffer, with storage from an earlier one when there is some.
  Buffer take() {
    Buffer b;
    if (!spare_.empty()) {
      b = std::move(spare_.back());
      spare_.pop_back();
      b.clear();
    }
    if (b.capacity() < kMinCapacity) b.reserve(kMinCapacity);
    return b;
  }
  // Keeps `b`'s storage for a later take() (`b` is left empty), unless the pool is full or the
  // buffer is too large to be worth holding.
  void give(Buffer& b) {
    if (b.capacity() == 0 || b.capacity() > kMaxCapacity || spare_.size() >= kMaxSpare) return;
    spare_.push_back(std::move(b));
    b = Buffer{};
  }
  std::size_t spare() const { return spare_.size(); }

 private:
  std::vector<Buffer> spare_;
};

}  // namespace l2tp
