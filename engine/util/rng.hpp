// The engine's only source of randomness: injected, seedable, so runs repeat (same seed, same
// Random Vectors, challenges, tie breakers and padding).
#pragma once

#include <cstdint>

#include "engine/util/bytes.hpp"

namespace l2tp {

class Rng {
 public:
  virtual ~Rng() = default;
  virtual std::uint64_t next_u64() = 0;
  void fill(MutableBytes out) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (i % 8 == 0) v = next_u64();
      out[i] = static_cast<std::uint8_t>(v >> (8 * (i % 8)));
    }
  }
};

// splitmix64: small, fast, good enough for protocol nonces in a test tool (not for keys).
class SeededRng final : public Rng {
 public:
  explicit SeededRng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next_u64() override {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_;
};

}  // namespace l2tp
