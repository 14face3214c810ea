// Live `send:` steps (in: tunnel / in: call): how the parser reads them, what it refuses (at the
// line), and what goes on the wire when the engine sends one through an established tunnel of a
// SimNet run: the peer's Tunnel and Session IDs in the header, the channel's Ns and Nr, our IDs
// for `value: live`, a fresh Random Vector, the H bit with a hidden value, acknowledged.
#include "scenarios/live_send.hpp"

#include <gtest/gtest.h>

#include "engine/sim/sim_net.hpp"
#include "engine/wire/message.hpp"
#include "scenarios/parser.hpp"
#include "tests/support/test_endpoints.hpp"

namespace l2tp::scenario {
namespace L2TPSIM_FILE_ID {

Time at(double seconds) {
  return Time{} + std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
}

Send parse_send(const std::string& body) {
  const auto s = parse_scenario("lac: {}\nsteps:\n  - send:\n" + body, "t.yaml");
  EXPECT_TRUE(s) << (s ? "" : s.error().to_string());
  if (!s) return {};
  return std::get<Send>(s->steps.at(0).step);
}

std::string parse_error(const std::string& body) {
  const auto s = parse_scenario("lac: {}\nsteps:\n  - send:\n" + body, "t.yaml");
  return s ? std::string("parsed") : s.error().to_string();
}

TEST(LiveSend, ParsesInTunnelAndInCallWithLiveValues) {
  const Send hello = parse_send(
      "      message: HELLO\n"
      "      in: tunnel\n"
      "      avps:\n"
      "        - {type: assigned-tunnel-id, value: live}\n"
      "        - {type: 99, value: \"00 01\", mandatory: false}\n");
  EXPECT_EQ(hello.in, SendIn::Tunnel);
  EXPECT_FALSE(hello.peer_session);
  EXPECT_TRUE(hello.bytes.empty());
  ASSERT_EQ(hello.message.avps.size(), 3u);  // Message Type first
  ASSERT_EQ(hello.live.size(), 1u);
  EXPECT_EQ(hello.live[0].first, 1u);
  EXPECT_EQ(hello.live[0].second, LiveValue::OurTunnelId);

  const Send sli = parse_send(
      "      message: SLI\n"
      "      in: call\n"
      "      avps:\n"
      "        - {type: random-vector, value: live}\n"
      "        - {type: accm, value: \"00 00 ff ff ff ff ff ff ff ff\", hidden: true}\n"
      "        - {type: assigned-session-id, value: live}\n");
  EXPECT_EQ(sli.in, SendIn::Call);
  EXPECT_TRUE(sli.peer_session);
  ASSERT_EQ(sli.live.size(), 2u);
  EXPECT_EQ(sli.live[0].second, LiveValue::RandomVector);
  EXPECT_EQ(sli.live[1].second, LiveValue::OurSessionId);
  EXPECT_TRUE(sli.message.avps.at(2).hidden);

  // A Session ID written is kept; the outside-the-channel form still encodes at once.
  EXPECT_FALSE(parse_send("      {message: SLI, in: call, session: 7}\n").peer_session);
  EXPECT_FALSE(parse_send("      {message: HELLO, tunnel: 3}\n").bytes.empty());
}

TEST(LiveSend, RefusesWhatTheEngineFillsInAndMisplacedLiveValues) {
  const std::string ns = parse_error("      {message: HELLO, in: tunnel, ns: 3}\n");
  EXPECT_EQ(ns.rfind("t.yaml:4:", 0), 0u) << ns;
  EXPECT_NE(ns.find("steps[0].send.ns: a live send (in: tunnel)"), std::string::npos) << ns;
  EXPECT_NE(parse_error("      {message: HELLO, in: tunnel, tunnel: 3}\n").find("leave tunnel out"),
            std::string::npos);
  EXPECT_NE(parse_error("      {message: HELLO, in: tunel}\n").find("expected tunnel"), std::string::npos);
  EXPECT_NE(parse_error("      {message: HELLO, avps: [{type: assigned-tunnel-id, value: live}]}\n")
                .find("needs a live send"),
            std::string::npos);
  EXPECT_NE(
      parse_error("      {message: ICRQ, in: tunnel, avps: [{type: assigned-session-id, value: live}]}\n")
          .find("it needs in: call"),
      std::string::npos);
  EXPECT_NE(parse_error("      {message: HELLO, in: tunnel, avps: [{type: host-name, value: live}]}\n")
                .find("steps[0].send.avps[0].value: only assigned-tunnel-id"),
            std::string::npos);
}

struct Pair {
  sim::SimNet net{7, sim::LinkConfig{}};
  Node* lac = nullptr;
  Node* lns = nullptr;
  TunnelId t;
  SessionId sid;

  Pair() {
    NodeConfig lc, nc;
    lc.tunnel.role = tunnel::Role::Lac;
    lc.accept_tunnels = false;
    nc.tunnel.role = tunnel::Role::Lns;
    lc.tunnel.secret = nc.tunnel.secret = "s3cret";
    lac = &net.add_node(loopback_ep(2), lc);
    lns = &net.add_node(loopback_ep(3), nc);
    t = lac->open_tunnel(loopback_ep(2), loopback_ep(3), net.now());
    sid = *lac->open_session(t, net.now());
    net.run(at(1));
  }
  // The LAC's datagrams to the LNS after `from` in the wire log, decoded with the secret.
  std::vector<wire::ControlMessage> sent_by_lac(std::size_t from) const {
    std::vector<wire::ControlMessage> out;
    const Buffer key{'s', '3', 'c', 'r', 'e', 't'};
    for (std::size_t i = from; i < net.wire_log().size(); ++i) {
      const auto& d = net.wire_log()[i];
      if (d.from != loopback_ep(2)) continue;
      if (auto m = wire::decode_control(d.bytes, Bytes(key)); m && !m->is_zlb()) out.push_back(std::move(*m));
    }
    return out;
  }
};

TEST(LiveSend, GoesThroughTheTunnelsControlChannelWithLiveIdsAndIsAcked) {
  Pair p;
  const tunnel::Tunnel* lac_t = p.lac->tunnel(p.t);
  ASSERT_NE(lac_t, nullptr);
  ASSERT_EQ(lac_t->state(), tunnel::TunnelState::Established);
  const session::Session* call = lac_t->find_session(p.sid);
  ASSERT_NE(call, nullptr);
  ASSERT_NE(call->remote.value, 0);
  const Seq ns = lac_t->channel().next_ns();
  const Seq nr = lac_t->channel().expected_ns();
  const auto acked = lac_t->channel().stats().acked;
  const std::size_t mark = p.net.wire_log().size();

  const Send sli = parse_send(
      "      message: SLI\n"
      "      in: call\n"
      "      avps:\n"
      "        - {type: random-vector, value: live}\n"
      "        - {type: accm, value: \"00 00 ff ff ff ff ff ff ff ff\", hidden: true}\n"
      "        - {type: assigned-session-id, value: live}\n"
      "        - {type: assigned-tunnel-id, value: live}\n");
  SeededRng rng(3);
  auto m = live_message(sli, *lac_t, p.sid, rng);
  ASSERT_TRUE(m) << m.error();
  const auto sent = p.lac->send_control(p.t, std::move(*m), p.net.now());
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->value, ns.value);
  p.net.pump(*p.lac);
  p.net.run(at(3));

  const auto out = p.sent_by_lac(mark);
  ASSERT_EQ(out.size(), 1u);
  const wire::ControlMessage& w = out[0];
  EXPECT_EQ(w.known_type(), MessageType::Sli);
  EXPECT_EQ(w.header.tunnel, lac_t->peer_id());  // the LNS's Tunnel ID
  EXPECT_EQ(w.header.session, call->remote);     // the LNS's Session ID of the call
  EXPECT_EQ(w.header.ns.value, ns.value);
  EXPECT_EQ(w.header.nr.value, nr.value);
  ASSERT_EQ(w.avps.size(), 5u);
  EXPECT_TRUE(w.avps[1].is(AvpType::RandomVector));
  const auto* rv = w.avps[1].get<avp::Octets>();
  ASSERT_NE(rv, nullptr);
  EXPECT_NE(rv->bytes, Buffer(16, 0));  // fresh, not the placeholder
  EXPECT_TRUE(w.avps[2].hidden);
  EXPECT_EQ(w.avps[2].hidden_state, wire::HiddenState::Revealed);  // hidden with the tunnel secret
  ASSERT_NE(w.avps[3].get<std::uint16_t>(), nullptr);
  EXPECT_EQ(*w.avps[3].get<std::uint16_t>(), p.sid.value);  // ours, live
  ASSERT_NE(w.avps[4].get<std::uint16_t>(), nullptr);
  EXPECT_EQ(*w.avps[4].get<std::uint16_t>(), p.t.value);

  // The LNS acknowledged it: nothing in flight, one more acked, no retransmission.
  const tunnel::Tunnel* after = p.lac->tunnel(p.t);
  EXPECT_TRUE(after->channel().idle());
  EXPECT_EQ(after->channel().stats().acked, acked + 1);
  EXPECT_EQ(after->channel().stats().retransmissions, 0u);
  EXPECT_EQ(after->channel().next_ns().value, static_cast<std::uint16_t>(ns.value + 1));
}

TEST(LiveSend, NotOnATunnelThatIsNotEstablishedAndNotInACallThatIsNot) {
  Pair p;
  const Send hello = parse_send("      {message: HELLO, in: tunnel}\n");
  EXPECT_FALSE(p.lac->send_control(TunnelId{999}, hello.message, p.net.now()));
  const Send sli = parse_send("      {message: SLI, in: call}\n");
  SeededRng rng(1);
  EXPECT_FALSE(live_message(sli, *p.lac->tunnel(p.t), SessionId{999}, rng));
  EXPECT_FALSE(live_message(sli, *p.lac->tunnel(p.t), std::nullopt, rng));
  p.lac->close_tunnel(p.t, ResultInfo{1, std::nullopt, ""}, p.net.now());
  EXPECT_FALSE(p.lac->send_control(p.t, hello.message, p.net.now()));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::scenario
