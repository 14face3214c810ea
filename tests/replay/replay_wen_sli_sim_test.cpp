// WEN and SLI in --play, in virtual time: an l2tpsim run whose LAC sent a WAN-Error-Notify (or
// whose LNS sent a Set-Link-Info with a hidden ACCM) in its call is recorded to a pcap; the side
// that sent it is replayed. The message goes live at its captured offset, through the control
// channel (Ns/Nr live, acknowledged), in the live call (the peer's Session ID), with the
// captured AVPs; the peer's reaction (a ZLB, nothing more) matches the capture, and a peer that
// clears the call on the WEN differs in exactly that CDN.
#include <gtest/gtest.h>

#include "tests/replay/recorded_run.hpp"

namespace l2tp::replay {
namespace L2TPSIM_FILE_ID {

using namespace test;  // NOLINT: test helpers

constexpr double kSentAt = 5.0;  // the WEN or SLI, seconds after the SCCRQ

wire::Avp call_errors() {
  Buffer v(26, 0);
  v[5] = 7;  // CRC errors
  v[9] = 2;  // framing errors
  return wire::make_raw_avp(0, static_cast<std::uint16_t>(AvpType::CallErrors), true, std::move(v));
}

Buffer octets(const wire::Avp& a) {
  Buffer out;
  wire::encode_value(a.value, out);
  return out;
}

// Steps `net` until `t` (an alarm on a driver hands control back then).
void advance(sim::SimNet& net, Alarm& alarm, Time t) {
  alarm.wake = t;
  while (net.now() < t && net.run(t, 1) > 0) {
  }
  alarm.wake.reset();
}

// Our Tunnel and Session ID of the (one) call `node` has up.
std::pair<TunnelId, SessionId> call_of(sim::SimNet& net, const Node& node) {
  for (const NodeEvent& ev : net.events(node))
    if (const auto* up = std::get_if<SessionUp>(&ev.event.body)) return {ev.tunnel, up->local};
  ADD_FAILURE() << "no call up";
  return {};
}

// `type` in `node`'s call now: a WEN with a Call Errors AVP, or an SLI with a hidden ACCM.
void send_in_call(sim::SimNet& net, Driver& d, MessageType type) {
  const auto [tunnel, session] = call_of(net, d.node());
  const session::Session* s = d.node().tunnel(tunnel)->find_session(session);
  ASSERT_NE(s, nullptr);
  wire::ControlMessage m = wire::make_control(type, TunnelId{}, s->remote);
  if (type == MessageType::Wen) {
    m.avps.push_back(call_errors());
  } else {
    Buffer rv(16, 0x5a);
    m.avps.push_back(wire::make_raw_avp(0, static_cast<std::uint16_t>(AvpType::RandomVector), true, rv));
    wire::Avp accm = wire::make_raw_avp(0, static_cast<std::uint16_t>(AvpType::Accm), true,
                                        Buffer{0, 0, 0, 0x0a, 0, 0, 0, 0, 0, 0});
    accm.hidden = true;
    m.avps.push_back(accm);
  }
  EXPECT_TRUE(d.node().send_control(tunnel, std::move(m), net.now()));
  net.pump(d.node());
}

// A LAC-LNS run (PAP call, recorded_run.hpp's configuration) in which the LAC sends a WEN (or
// the LNS an SLI) in the call at 5 s; CDN 3 at 6 s, StopCCN 1 at 7 s, from the LAC.
capture::Conversations record_with(MessageType type) {
  sim::SimNet net(11, sim::LinkConfig{});
  NodeConfig lc;
  lc.tunnel.role = tunnel::Role::Lac;
  lc.tunnel.host_name = "sim-lac";
  lc.tunnel.secret = "s3cret";
  lc.accept_tunnels = false;
  Driver& lac = net.add_driver(sim_ep(2), lc);
  Lns lns("pw", ppp::auth::Method::Pap);
  Driver& lns_driver = add_lns(net, lns);
  PppSettings client;
  client.user = "alice";
  client.password = "pw";
  client.link.methods = {ppp::auth::Method::Pap};
  lac.set_ppp(std::make_unique<PppLayer>(client, ppp::Role::Client, net.rng(), nullptr));
  Alarm alarm;
  lac.set_filter(&alarm);
  const TunnelId tunnel = lac.node().open_tunnel(sim_ep(2), sim_ep(3), net.now());
  const auto session = lac.node().open_session(tunnel, net.now());
  net.pump(lac.node());
  advance(net, alarm, at_seconds(kSentAt));
  EXPECT_EQ(lac.ppp()->counters().up, 1u);
  send_in_call(net, type == MessageType::Wen ? lac : lns_driver, type);
  advance(net, alarm, at_seconds(6));
  if (session) lac.node().close_session(tunnel, *session, ResultInfo{3}, net.now());
  net.pump(lac.node());
  advance(net, alarm, at_seconds(7));
  lac.node().close_tunnel(tunnel, ResultInfo{1}, net.now());
  net.pump(lac.node());
  net.run(at_seconds(40));
  lac.set_filter(nullptr);

  return conversations_of(net, "l2tpsim-replay-wen-sli.pcap", "s3cret");
}

// The control messages of `transcript` (decoded with the tunnel secret) sent from `from`.
struct Sent {
  wire::ControlMessage m;
  Time at;
};
std::vector<Sent> control_from(const std::vector<LiveDatagram>& transcript, const net::Endpoint& from) {
  std::vector<Sent> out;
  const std::string secret = "s3cret";
  for (const LiveDatagram& d : transcript)
    if (d.src == from && !d.bytes.empty() && (d.bytes[0] & 0x80))
      if (auto m = wire::decode_control(d.bytes, as_bytes(secret))) out.push_back({std::move(*m), d.at});
  return out;
}

const Sent* first_of(const std::vector<Sent>& v, MessageType t) {
  for (const Sent& s : v)
    if (s.m.known_type() == t) return &s;
  return nullptr;
}

// The peer's Session ID of the live call: the Assigned Session ID in its ICRQ or ICRP.
std::uint16_t assigned_session(const std::vector<Sent>& peer) {
  for (const Sent& s : peer)
    if (s.m.known_type() == MessageType::Icrq || s.m.known_type() == MessageType::Icrp)
      if (const auto* a = s.m.find(AvpType::AssignedSessionId))
        if (const auto* v = a->get<std::uint16_t>()) return *v;
  return 0;
}

TEST(ReplayWenSli, CapturedWenAndSliBecomeSendActionsAtTheirOffsets) {
  const capture::Conversations wen = record_with(MessageType::Wen);
  auto lac = make_script(wen, 0, capture::PeerRole::Lac, ScriptOptions{"s3cret"});
  ASSERT_TRUE(lac.has_value()) << (lac ? "" : lac.error());
  const ScriptAction* send = nullptr;
  for (const ScriptAction& a : lac->actions)
    if (a.kind == ActionKind::SendMessage) send = &a;
  ASSERT_NE(send, nullptr);
  EXPECT_EQ(send->session, std::optional<std::size_t>(0));
  EXPECT_NEAR(static_cast<double>(send->offset_ns) / 1e9, kSentAt, 0.05);
  ASSERT_NE(lac->sent(send->frame, send->session), nullptr);
  EXPECT_EQ(lac->sent(send->frame, send->session)->type, MessageType::Wen);
  for (const std::string& n : lac->notes) EXPECT_EQ(n.find("not played"), std::string::npos) << n;

  const capture::Conversations sli = record_with(MessageType::Sli);
  auto lns = make_script(sli, 0, capture::PeerRole::Lns, ScriptOptions{"s3cret"});
  ASSERT_TRUE(lns.has_value()) << (lns ? "" : lns.error());
  std::size_t sends = 0;
  for (const ScriptAction& a : lns->actions) sends += a.kind == ActionKind::SendMessage ? 1 : 0;
  EXPECT_EQ(sends, 1u);
}

TEST(ReplayWenSli, LacSideSendsItsWenInTheLiveCallAndTheLnsOnlyAcknowledges) {
  const capture::Conversations conv = record_with(MessageType::Wen);
  Lns lns("pw", ppp::auth::Method::Pap);
  const SimReplay r = replay_lac_against(lns, "original", conv);
  EXPECT_TRUE(r.outcome.matched()) << outcome_text(r.outcome);
  EXPECT_EQ(r.outcome.ppp_up, 1u);

  const auto ours = control_from(r.transcript, sim_ep(12));
  const auto peer = control_from(r.transcript, sim_ep(3));
  const Sent* sccrq = first_of(ours, MessageType::Sccrq);
  const Sent* wen = first_of(ours, MessageType::Wen);
  ASSERT_NE(sccrq, nullptr);
  ASSERT_NE(wen, nullptr);
  EXPECT_NEAR(to_seconds(wen->at - sccrq->at), kSentAt, 0.05);  // the captured offset
  EXPECT_EQ(wen->m.header.session.value, assigned_session(peer));
  ASSERT_NE(wen->m.find(AvpType::CallErrors), nullptr);
  EXPECT_EQ(octets(*wen->m.find(AvpType::CallErrors)), octets(call_errors()));  // as captured
  // The LNS's reaction: a ZLB that acknowledges the WEN, and no message in the next second.
  bool acked = false;
  for (const Sent& s : peer) {
    if (s.at < wen->at || s.at > wen->at + std::chrono::seconds(1)) continue;
    EXPECT_TRUE(s.m.is_zlb()) << to_string(*s.m.known_type());
    acked = acked || Seq{static_cast<std::uint16_t>(s.m.header.nr.value - 1)} == wen->m.header.ns;
  }
  EXPECT_TRUE(acked);
}

TEST(ReplayWenSli, LnsSideSendsItsSliHiddenAgainInTheLiveCall) {
  const capture::Conversations conv = record_with(MessageType::Sli);
  auto script = make_script(conv, 0, capture::PeerRole::Lns, ScriptOptions{"s3cret"});
  ASSERT_TRUE(script.has_value()) << (script ? "" : script.error());
  sim::SimNet net(7, sim::LinkConfig{});
  NodeConfig lc;
  lc.tunnel.role = tunnel::Role::Lac;
  lc.tunnel.host_name = "sim-lac";
  lc.tunnel.secret = "s3cret";
  lc.accept_tunnels = false;
  Driver& lac = net.add_driver(sim_ep(2), lc);
  PppSettings client;
  client.user = "alice";
  client.password = "pw";
  client.link.methods = {ppp::auth::Method::Pap};
  lac.set_ppp(std::make_unique<PppLayer>(client, ppp::Role::Client, net.rng(), nullptr));
  Alarm alarm;
  alarm.wake = at_seconds(6);
  lac.set_filter(&alarm);
  ReplayConfig cfg;
  cfg.secret = "s3cret";
  cfg.local = sim_ep(13);
  const TunnelId tunnel = lac.node().open_tunnel(sim_ep(2), cfg.local, net.now());
  const auto session = lac.node().open_session(tunnel, net.now());
  ASSERT_TRUE(session);
  net.pump(lac.node());
  const SimReplay r =
      replay_in_sim(net, conv, *script, cfg, DiffOptions{}, std::chrono::minutes(2),
                    lac_hangs_up(net, lac, alarm, tunnel, session, at_seconds(6), at_seconds(7)));
  lac.set_filter(nullptr);
  EXPECT_TRUE(r.outcome.matched()) << outcome_text(r.outcome);

  const auto ours = control_from(r.transcript, cfg.local);
  const Sent* sli = first_of(ours, MessageType::Sli);
  ASSERT_NE(sli, nullptr);
  EXPECT_EQ(sli->m.header.session, *session);  // the LAC's Session ID of the live call
  const wire::Avp* accm = sli->m.find(AvpType::Accm);
  ASSERT_NE(accm, nullptr);
  EXPECT_TRUE(accm->hidden);
  EXPECT_EQ(accm->hidden_state, wire::HiddenState::Revealed);
  const auto* v = accm->get<avp::Accm>();
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->send, 0x000a0000u);  // as captured
  // The LAC took it: its node reported the new ACCM for the call.
  bool info = false;
  for (const NodeEvent& ev : net.events(lac.node()))
    if (const auto* i = std::get_if<SessionInfo>(&ev.event.body)) info = info || i->accm.has_value();
  EXPECT_TRUE(info);
}

// Clears the call (CDN 2) as soon as a WEN arrives: a peer whose reaction differs.
class ClearsOnWen final : public l2tp::PassThroughFilter {
 public:
  void take(WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst, Bytes bytes,
            Time now) override {
    if (dir == WireDirection::In)
      if (auto m = wire::decode_control(bytes); m && m->known_type() == MessageType::Wen)
        clear = std::make_pair(m->header.tunnel, m->header.session);
    pass(dir, src, dst, bytes);
    (void)now;
  }
  std::optional<std::pair<TunnelId, SessionId>> clear;
};

TEST(ReplayWenSli, LnsThatClearsTheCallOnTheWenDiffersInThatCdn) {
  const capture::Conversations conv = record_with(MessageType::Wen);
  auto script = make_script(conv, 0, capture::PeerRole::Lac, ScriptOptions{"s3cret"});
  ASSERT_TRUE(script.has_value());
  sim::SimNet net(5, sim::LinkConfig{});
  Lns lns("pw", ppp::auth::Method::Pap);
  Driver& lns_driver = add_lns(net, lns);
  ClearsOnWen watch;
  lns_driver.set_filter(&watch);
  ReplayConfig cfg;
  cfg.secret = "s3cret";
  cfg.local = sim_ep(12);
  cfg.target = sim_ep(3);
  const SimReplay r =
      replay_in_sim(net, conv, *script, cfg, DiffOptions{}, std::chrono::minutes(2), [&](Time now) {
        if (!watch.clear) return;
        lns_driver.node().close_session(watch.clear->first, watch.clear->second, ResultInfo{2}, now);
        watch.clear.reset();
        net.pump(lns_driver.node());
      });
  lns_driver.set_filter(nullptr);
  EXPECT_FALSE(r.outcome.matched());
  ASSERT_EQ(r.outcome.differences.size(), 1u) << outcome_text(r.outcome);
  const Difference& d = r.outcome.differences[0];
  EXPECT_EQ(d.exchange, "call 1: CDN");
  EXPECT_EQ(d.kind, "extra");
  EXPECT_GT(d.frame_live, 0u);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::replay
