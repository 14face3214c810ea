// Test helpers for the RFC 1661 automaton (automaton_test.cpp, automaton_behaviour_test.cpp):
// a policy whose verdicts the test sets, a harness that records what one automaton sends and
// reports, and reach(), which drives it into any state through real events.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/ppp/automaton.hpp"
#include "engine/ppp/frame.hpp"

namespace l2tp::ppp::automaton_testing {

using S = State;

// A policy whose verdicts the test sets. Echo-Request (9) is an RXR code and answered with
// Echo-Reply (ser); 8 is an RXJ code; anything else outside 1-7 is unknown.
struct FakePolicy final : OptionPolicy {
  Automaton* automaton = nullptr;
  Code verdict = Code::ConfAck;
  Buffer options = {1, 4, 0x05, 0xdc};  // what build_request writes
  int resets = 0, builds = 0, acks = 0, naks = 0, rejects = 0;
  bool last_reject_instead_of_nak = false;
  std::optional<StopInfo> fail_on_judge, fail_on_nak;
  std::vector<Time> ups, downs, starts, finishes;

  void reset() override { ++resets; }
  void build_request(Buffer& out) override {
    ++builds;
    out.insert(out.end(), options.begin(), options.end());
  }
  Code judge_request(Bytes opts, Buffer& reply, bool reject_instead_of_nak) override {
    last_reject_instead_of_nak = reject_instead_of_nak;
    if (fail_on_judge) fail(fail_on_judge->why, fail_on_judge->detail);
    if (verdict == Code::ConfAck) return verdict;
    reply.assign(opts.begin(), opts.end());
    return verdict == Code::ConfNak && reject_instead_of_nak ? Code::ConfRej : verdict;
  }
  bool handle_ack(Bytes) override { return ++acks, true; }
  bool handle_nak(Bytes) override {
    ++naks;
    if (fail_on_nak) fail(fail_on_nak->why, fail_on_nak->detail);
    return true;
  }
  bool handle_reject(Bytes) override { return ++rejects, true; }
  std::string option_name(std::uint8_t type) const override {
    return type == 1 ? "MRU" : OptionPolicy::option_name(type);
  }
  ExtraCode classify_code(std::uint8_t code) const override {
    if (code == 9) return ExtraCode::Rxr;
    if (code == 8) return ExtraCode::Rxj;
    return ExtraCode::Unknown;
  }
  bool handle_extra_code(const Packet& p, Time) override {
    if (p.code == Code::EchoReq) automaton->send_with_id(Code::EchoRep, {}, p.id);
    return true;
  }
  void this_layer_up(Time t) override { ups.push_back(t); }
  void this_layer_down(Time t) override { downs.push_back(t); }
  void this_layer_started(Time t) override { starts.push_back(t); }
  void this_layer_finished(Time t) override { finishes.push_back(t); }
};

struct Sent {
  Code code;
  std::uint8_t id;
  Buffer data;
};

class Harness {
 public:
  explicit Harness(AutomatonConfig cfg = {}) : a(proto::kIpcp, policy, cfg) { policy.automaton = &a; }

  FakePolicy policy;
  Automaton a;
  Time now{};
  std::vector<Sent> sent;
  std::vector<LayerEvent> events;
  std::optional<Sent> last_request;  // our last Configure-Request
  bool answered = true;              // the test has acked or nak'd it

  void drain() {
    Buffer b;
    while (a.poll_transmit(b)) {
      auto p = parse_packet(b);
      ASSERT_TRUE(p.has_value()) << p.error();
      Sent s{p->code, p->id, Buffer(p->data.begin(), p->data.end())};
      if (s.code == Code::ConfReq) {
        last_request = s;
        answered = false;
      }
      sent.push_back(s);
    }
    while (auto e = a.poll_event()) events.push_back(*e);
  }
  void feed_raw(Bytes packet) {
    a.handle_packet(packet, now);
    drain();
  }
  void feed(Code code, std::uint8_t id, Bytes data = {}) {
    Buffer b;
    write_packet(b, code, id, data);
    feed_raw(b);
  }
  // The peer's Configure-Request, with the verdict our policy gives it.
  void peer_request(Code verdict, std::uint8_t id = 0x77) {
    policy.verdict = verdict;
    const std::uint8_t opts[] = {3, 6, 10, 0, 0, 1};
    feed(Code::ConfReq, id, opts);
  }
  void ack_last_request() {
    answered = true;
    feed(Code::ConfAck, last_request->id, last_request->data);
  }
  void nak_last_request() {
    answered = true;
    feed(Code::ConfNak, last_request->id, last_request->data);
  }
  void fire() {
    ASSERT_TRUE(a.poll_timeout().has_value());
    now = *a.poll_timeout();
    a.handle_timeout(now);
    drain();
  }
  void up() { a.up(now), drain(); }
  void open() { a.open(now), drain(); }
  void down() { a.down(now), drain(); }
  void close(std::string why = "test") { a.close(now, std::move(why)), drain(); }
  void clear() {
    sent.clear();
    events.clear();
  }
  std::vector<Code> codes() const {
    std::vector<Code> c;
    for (const auto& s : sent) c.push_back(s.code);
    return c;
  }
};

// Drives a harness into `target` through real events. With `outstanding`, our last
// Configure-Request is left unanswered (so a late Ack/Nak for it is still valid, which is how
// RCA/RCN reach Closed, Stopped, Closing, Stopping, Req-Sent and Ack-Sent).
inline void reach(Harness& h, S target, bool outstanding) {
  switch (target) {
    case S::Initial:
      break;
    case S::Starting:
      h.open();
      break;
    case S::Closed:
      if (outstanding) {
        reach(h, S::Closing, true);
        h.feed(Code::TermAck, 1);
      } else {
        h.up();
      }
      break;
    case S::ReqSent:
      h.open();
      h.up();
      break;
    case S::AckRcvd:
      reach(h, S::ReqSent, false);
      h.ack_last_request();
      break;
    case S::AckSent:
      reach(h, S::ReqSent, false);
      h.peer_request(Code::ConfAck);
      break;
    case S::Opened:
      reach(h, S::AckRcvd, false);
      h.peer_request(Code::ConfAck);
      break;
    case S::Closing:
      if (outstanding) {
        reach(h, S::ReqSent, false);
      } else {
        reach(h, S::Opened, false);
      }
      h.close();
      break;
    case S::Stopping:
      if (outstanding) {
        reach(h, S::Closing, true);
        h.open();  // Open in Closing: 5r
      } else {
        reach(h, S::Opened, false);
        h.feed(Code::TermReq, 0x31);
      }
      break;
    case S::Stopped:
      if (outstanding) {
        reach(h, S::ReqSent, false);
        const std::uint8_t rejected[] = {1, 0x42, 0, 4};  // our Configure-Request: RXJ-
        h.feed(Code::CodeRej, 0x32, rejected);
      } else {
        reach(h, S::Stopping, false);
        h.fire();  // the zrc timer: TO-
      }
      break;
  }
  ASSERT_EQ(h.a.state(), target) << "could not reach " << to_string(target);
  h.clear();
}

}  // namespace l2tp::ppp::automaton_testing
