// libFuzzer target for conversation extraction (capture/conversation): the input is cut into
// captured packets, each with its endpoints, transport and truncation chosen by the input, fed
// to a ConversationBuilder; then the result is listed as text and JSON. Invariants: every
// datagram is accounted for exactly once (in a tunnel or as unattributed), every reference
// (message refs, session indices, AVP octets) points inside what it refers to, and the counts
// agree with the lists. Any broken invariant traps, so libFuzzer records the input.
//
// Input: records of [flags][length][length octets of UDP payload]. flags bits 0-1: source
// endpoint (of four), bits 2-3: destination endpoint, bit 4: L2TPv3 over IP, bit 5: cut short
// by the capture (wire length larger than the payload), bit 6: time goes back a little.
//
// Run: tests/fuzz/run_fuzz.sh BUILD_DIR SECONDS conversation_fuzz
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "capture/conversation.hpp"
#include "capture/conversation_report.hpp"

namespace l2tp::capture {
namespace {

#define L2TP_FUZZ_CHECK(cond)                                                                        \
  do {                                                                                               \
    if (!(cond)) {                                                                                   \
      std::fprintf(stderr, "conversation_fuzz: invariant broken at line %d: %s\n", __LINE__, #cond); \
      __builtin_trap();                                                                              \
    }                                                                                                \
  } while (0)

Endpoint endpoint(unsigned which) {
  // Two hosts with two ports each: the second port of the second host is an 8.1 port change.
  static const Endpoint kEndpoints[4] = {
      {net::IpAddress::v4(192, 0, 2, 1), 1701},
      {net::IpAddress::v4(198, 51, 100, 2), 1701},
      {net::IpAddress::v4(198, 51, 100, 2), 40000},
      {net::IpAddress::v4(192, 0, 2, 1), 40001},
  };
  return kEndpoints[which & 3];
}

void check(const Conversations& c) {
  std::uint64_t datagrams = 0;
  for (const Tunnel& t : c.tunnels) {
    L2TP_FUZZ_CHECK(t.first_frame <= t.last_frame);
    std::size_t control = 0;
    for (std::uint8_t s = 0; s < 2; ++s) {
      const TunnelSide& side = t.sides[s];
      const SideCounts& n = side.counts;
      L2TP_FUZZ_CHECK(n.control + n.retransmissions + n.zlbs == side.control.size());
      control += side.control.size();
      datagrams += side.control.size() + n.data;
      for (const ControlRecord& r : side.control) {
        L2TP_FUZZ_CHECK(!(r.zlb && r.retransmission));
        for (std::size_t i = 0; i < r.message.avps.size(); ++i) {
          const Bytes b = r.avp_bytes(i);
          L2TP_FUZZ_CHECK(b.empty() || (b.data() >= r.bytes.data() &&
                                        b.data() + b.size() <= r.bytes.data() + r.bytes.size()));
        }
        if (r.session) L2TP_FUZZ_CHECK(*r.session < t.sessions.size());
      }
      L2TP_FUZZ_CHECK(side.playable == side.not_playable.empty());
    }
    L2TP_FUZZ_CHECK(t.control_order.size() == control);
    for (const MessageRef& ref : t.control_order)
      L2TP_FUZZ_CHECK(ref.side < 2 && ref.index < t.sides[ref.side].control.size());
    std::size_t ppp = 0;
    for (const Session& s : t.sessions) {
      L2TP_FUZZ_CHECK(s.ppp.size() == s.ppp_count[0] + s.ppp_count[1]);
      L2TP_FUZZ_CHECK(!s.calls.empty() || !s.ppp.empty());
      ppp += s.ppp.size();
      for (const MessageRef& ref : s.calls)
        L2TP_FUZZ_CHECK(ref.side < 2 && ref.index < t.sides[ref.side].control.size());
    }
    L2TP_FUZZ_CHECK(ppp <= t.sides[0].counts.data + t.sides[1].counts.data);
    L2TP_FUZZ_CHECK(t.replayable == (t.sides[0].playable || t.sides[1].playable));
    L2TP_FUZZ_CHECK(t.replayable == t.not_replayable.empty());
  }
  L2TP_FUZZ_CHECK(datagrams + c.counts.unattributed == c.counts.l2tpv2);
}

}  // namespace
}  // namespace l2tp::capture

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace l2tp::capture;
  ConversationBuilder builder;
  std::size_t at = 0;
  std::uint64_t frame = 0;
  std::int64_t time = 1'000'000'000;
  while (at + 2 <= size) {
    const std::uint8_t flags = data[at];
    const std::size_t length = std::min<std::size_t>(data[at + 1], size - at - 2);
    at += 2;
    CapturedPacket p;
    p.frame = ++frame;
    time += (flags & 0x40) ? -1000 : 1'000'000;
    p.time_ns = time;
    p.src = endpoint(flags & 3);
    p.dst = endpoint((flags >> 2) & 3);
    if (flags & 0x10) {
      p.transport = Transport::L2tpv3Ip;
      p.src.port = p.dst.port = 0;
    }
    p.payload.assign(data + at, data + at + length);
    at += length;
    p.wire_length = static_cast<std::uint32_t>(length + ((flags & 0x20) ? 100 : 0));
    p.truncated = (flags & 0x20) != 0;
    builder.add(p);
  }
  const Conversations c = builder.finish();
  check(c);
  const std::string text = conversations_text(c, "fuzz");
  L2TP_FUZZ_CHECK(!text.empty());
  const auto json = conversations_json(c, "fuzz");
  L2TP_FUZZ_CHECK(json["tunnels"].size() == c.tunnels.size());
  // Host names and messages are the peer's bytes: not always UTF-8, so the dump replaces.
  (void)json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return 0;
}
