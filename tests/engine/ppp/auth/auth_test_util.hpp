// Helpers shared by the PPP authentication tests: hex literals, a scripted Rng, fake time.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "engine/time.hpp"
#include "engine/util/bytes.hpp"
#include "engine/util/rng.hpp"

namespace l2tp::ppp::auth::test {

// "5B 5D 7C" or "5b5d7c": spaces are skipped, so values can be pasted from the RFCs.
inline Buffer from_hex(std::string_view hex) {
  Buffer out;
  std::string digits;
  for (char c : hex)
    if (c != ' ' && c != '\n') digits += c;
  for (std::size_t i = 0; i + 1 < digits.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoi(digits.substr(i, 2), nullptr, 16)));
  return out;
}

// Hands out chosen octets through Rng::fill (which takes each next_u64 little-endian, 8
// octets at a time), then falls back to a seeded generator. Lets a test make the Client pick
// the RFC 2759 9.2 Peer-Challenge.
class ScriptedRng final : public Rng {
 public:
  void queue_octets(Bytes octets) {
    for (std::size_t i = 0; i < octets.size(); i += 8) {
      std::uint64_t v = 0;
      for (std::size_t k = 0; k < 8 && i + k < octets.size(); ++k)
        v |= std::uint64_t{octets[i + k]} << (8 * k);
      script_.push_back(v);
    }
  }
  void queue_u64(std::uint64_t v) { script_.push_back(v); }
  std::uint64_t next_u64() override {
    if (script_.empty()) return fallback_.next_u64();
    const std::uint64_t v = script_.front();
    script_.pop_front();
    return v;
  }

 private:
  std::deque<std::uint64_t> script_;
  SeededRng fallback_{42};
};

inline Time at_seconds(double s) {
  return time_from_ns(static_cast<std::int64_t>(s * 1e9));
}

}  // namespace l2tp::ppp::auth::test
