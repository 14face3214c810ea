// Test helpers for control protocols: a recorder for one automaton's output, and two
// automata joined back to back in virtual time (the shape of quinn's test Pair): step()
// carries every queued packet across, drive() repeats and, when nothing is in flight, jumps
// the clock to the earliest Restart timer. drive() is bounded, so a livelock fails the test
// instead of hanging it.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <vector>

#include "engine/ppp/automaton.hpp"
#include "engine/ppp/frame.hpp"

namespace l2tp::ppp::testing {

struct Sent {
  Code code{};
  std::uint8_t id = 0;
  Buffer data;
};

inline std::vector<Sent> drain(Automaton& a) {
  std::vector<Sent> out;
  Buffer b;
  while (a.poll_transmit(b)) {
    auto p = parse_packet(b);
    EXPECT_TRUE(p.has_value());
    if (p) out.push_back({p->code, p->id, Buffer(p->data.begin(), p->data.end())});
  }
  return out;
}

inline Buffer packet(Code code, std::uint8_t id, Bytes data) {
  Buffer b;
  write_packet(b, code, id, data);
  return b;
}

class CpPair {
 public:
  CpPair(Automaton& a, Automaton& b) : a_(a), b_(b) {}

  Time now{};
  std::size_t packets = 0;  // carried so far
  // Sees every packet in flight ('a' means from a to b); return false to drop it.
  std::function<bool(char from, Buffer& packet)> filter;
  std::vector<std::pair<char, Sent>> log;

  void start() {
    a_.open(now);
    b_.open(now);
    a_.up(now);
    b_.up(now);
  }

  bool step() {
    bool moved = false;
    Buffer p;
    std::vector<Buffer> from_a, from_b;
    while (a_.poll_transmit(p)) from_a.push_back(p);
    while (b_.poll_transmit(p)) from_b.push_back(p);
    for (auto& x : from_a) moved |= carry('a', x, b_);
    for (auto& x : from_b) moved |= carry('b', x, a_);
    while (a_.poll_event()) {
    }
    while (b_.poll_event()) {
    }
    return moved || !from_a.empty() || !from_b.empty();
  }

  // Runs until both sides are quiet with no timer left, or max_steps. Returns the steps used.
  int drive(int max_steps = 500) {
    for (int i = 0; i < max_steps; ++i) {
      if (step()) continue;
      std::optional<Time> t = a_.poll_timeout();
      if (auto tb = b_.poll_timeout(); tb && (!t || *tb < *t)) t = tb;
      if (!t) return i;
      now = *t;
      a_.handle_timeout(now);
      b_.handle_timeout(now);
    }
    ADD_FAILURE() << "negotiation did not settle in " << max_steps << " steps";
    return max_steps;
  }

  // Runs until both are Opened (or the bound is hit).
  bool drive_until_opened(int max_steps = 500) {
    for (int i = 0; i < max_steps && !(a_.opened() && b_.opened()); ++i) {
      if (step()) continue;
      std::optional<Time> t = a_.poll_timeout();
      if (auto tb = b_.poll_timeout(); tb && (!t || *tb < *t)) t = tb;
      if (!t) break;
      now = *t;
      a_.handle_timeout(now);
      b_.handle_timeout(now);
    }
    return a_.opened() && b_.opened();
  }

 private:
  bool carry(char from, Buffer& p, Automaton& to) {
    if (filter && !filter(from, p)) return false;
    if (auto parsed = parse_packet(p))
      log.emplace_back(from,
                       Sent{parsed->code, parsed->id, Buffer(parsed->data.begin(), parsed->data.end())});
    ++packets;
    to.handle_packet(p, now);
    return true;
  }

  Automaton& a_;
  Automaton& b_;
};

}  // namespace l2tp::ppp::testing
