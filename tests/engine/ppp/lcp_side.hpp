// Test helpers for one Lcp (lcp_test.cpp, lcp_echo_test.cpp): option bytes, a 32-bit field,
// and Side, an Lcp driven by hand with the test playing the peer.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <utility>
#include <vector>

#include "engine/ppp/lcp.hpp"
#include "tests/engine/ppp/cp_pair.hpp"

namespace l2tp::ppp::lcp_testing {

using testing::drain;
using testing::packet;
using testing::Sent;

inline Buffer opts(std::initializer_list<std::uint8_t> b) {
  return Buffer(b);
}

inline std::uint32_t u32_of(Bytes b) {
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
}

// One Lcp driven by hand: the test plays the peer.
struct Side {
  explicit Side(LcpConfig cfg = {}, AutomatonConfig acfg = {}, std::uint64_t seed = 1)
      : rng(seed), lcp(cfg, rng, acfg) {}
  SeededRng rng;
  Lcp lcp;
  Time now{};
  std::vector<Sent> sent;
  std::optional<Sent> request;

  void take() {
    for (auto& s : drain(lcp.automaton())) {
      if (s.code == Code::ConfReq) request = s;
      sent.push_back(std::move(s));
    }
  }
  void start() {
    lcp.automaton().open(now);
    lcp.automaton().up(now);
    take();
  }
  void feed(Code code, std::uint8_t id, Bytes data) {
    lcp.automaton().handle_packet(packet(code, id, data), now);
    take();
  }
  // Brings LCP to Opened with the peer asking for `peer_options`.
  void open_with(const Buffer& peer_options = opts({5, 6, 0x11, 0x22, 0x33, 0x44})) {
    start();
    feed(Code::ConfAck, request->id, request->data);
    feed(Code::ConfReq, 0x40, peer_options);
    ASSERT_TRUE(lcp.automaton().opened());
    sent.clear();
  }
  std::vector<LcpNotice> notices() {
    std::vector<LcpNotice> n;
    while (auto x = lcp.poll_notice()) n.push_back(std::move(*x));
    return n;
  }
};

}  // namespace l2tp::ppp::lcp_testing
