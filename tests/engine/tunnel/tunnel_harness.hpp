// Test harness for the Tunnel object (tests/engine/tunnel/*_test.cpp), on a fake clock:
// - Peer: one Tunnel (the DUT) driven by hand, the test playing its peer through the real codec
//   (encode_control -> decode_control -> handle_control; poll_transmit -> decode).
// - Pair: an LAC Tunnel and an LNS Tunnel wired back to back.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "engine/tunnel/tunnel.hpp"
#include "engine/wire/hidden.hpp"
#include "engine/wire/message.hpp"

namespace l2tp::tunnel::harness {

using wire::make_avp;

constexpr TunnelId kDutId{0x0D07};
constexpr std::uint16_t kPeerTunnel = 0x0E0E;
constexpr char kSecret[] = "tunnel-secret";
constexpr std::uint16_t kUnknownVendor = 9999;  // R023/R024 test vector: Vendor ID 9999, type 1

// ---- What a tunnel sent, decoded -----------------------------------------------------------

struct Sent {
  Buffer bytes;
  wire::Header header;
  std::optional<wire::ControlMessage> control;  // control messages
  Buffer ppp;                                   // data messages

  bool is_zlb() const { return control && control->is_zlb(); }
  bool is(MessageType t) const { return control && control->known_type() == t; }
  const wire::Avp* find(AvpType t) const { return control ? control->find(t) : nullptr; }
  template <typename V>
  std::optional<V> value(AvpType t) const {
    if (const auto* a = find(t))
      if (const auto* v = a->get<V>()) return *v;
    return std::nullopt;
  }
};

inline Sent parse(const Buffer& bytes) {
  Sent s;
  s.bytes = bytes;
  auto h = wire::decode_header(bytes);
  EXPECT_TRUE(h.has_value()) << "the tunnel sent an undecodable datagram";
  if (!h) return s;
  s.header = *h;
  if (h->control) {
    auto m = wire::decode_control(bytes);
    EXPECT_TRUE(m.has_value());
    if (m) s.control = std::move(*m);
  } else {
    auto d = wire::decode_data(bytes);
    EXPECT_TRUE(d.has_value());
    if (d) s.ppp.assign(d->ppp.begin(), d->ppp.end());
  }
  return s;
}

// Hands one datagram to a tunnel as the node would, after decoding it.
inline void deliver(Tunnel& t, const Buffer& bytes, Time now) {
  auto h = wire::decode_header(bytes);
  ASSERT_TRUE(h.has_value());
  if (h->control) {
    auto m = wire::decode_control(bytes);
    ASSERT_TRUE(m.has_value());
    t.handle_control(std::move(*m), now);
  } else {
    auto d = wire::decode_data(bytes);
    ASSERT_TRUE(d.has_value());
    t.handle_data(*d, now);
  }
}

inline std::vector<Sent> messages(const std::vector<Sent>& v, MessageType t) {
  std::vector<Sent> out;
  for (const auto& s : v)
    if (s.is(t)) out.push_back(s);
  return out;
}

inline std::vector<Sent> zlbs(const std::vector<Sent>& v) {
  std::vector<Sent> out;
  for (const auto& s : v)
    if (s.is_zlb()) out.push_back(s);
  return out;
}

inline std::vector<Sent> data_messages(const std::vector<Sent>& v) {
  std::vector<Sent> out;
  for (const auto& s : v)
    if (!s.header.control) out.push_back(s);
  return out;
}

// The one message of type `t` among `v` (a test failure if there is not exactly one).
inline Sent one(const std::vector<Sent>& v, MessageType t) {
  const auto m = messages(v, t);
  EXPECT_EQ(m.size(), 1u) << "expected one " << to_string(t);
  return m.empty() ? Sent{} : m.front();
}

template <typename T>
std::vector<T> of(const std::vector<Event>& evs) {
  std::vector<T> out;
  for (const auto& e : evs)
    if (const auto* v = std::get_if<T>(&e.body)) out.push_back(*v);
  return out;
}

// ---- Messages the test sends as the peer ---------------------------------------------------

inline wire::ControlMessage tunnel_request(MessageType type, std::uint16_t assigned,
                                           avp::ProtocolVersion version = {1, 0}) {
  auto m = wire::make_control(type, TunnelId{}, SessionId{});
  m.avps.push_back(make_avp(AvpType::ProtocolVersion, version));
  m.avps.push_back(make_avp(AvpType::HostName, std::string("peer")));
  m.avps.push_back(make_avp(AvpType::FramingCapabilities, std::uint32_t{3}));
  m.avps.push_back(make_avp(AvpType::AssignedTunnelId, std::uint16_t{assigned}));
  return m;
}

inline wire::ControlMessage sccrq(std::uint16_t assigned = kPeerTunnel,
                                  avp::ProtocolVersion version = {1, 0}) {
  return tunnel_request(MessageType::Sccrq, assigned, version);
}

inline wire::ControlMessage sccrp(std::uint16_t assigned = kPeerTunnel) {
  return tunnel_request(MessageType::Sccrp, assigned);
}

inline wire::ControlMessage icrq(std::uint16_t peer_session, std::uint32_t serial = 1) {
  auto m = wire::make_control(MessageType::Icrq, TunnelId{}, SessionId{});  // R092: Session ID 0
  m.avps.push_back(make_avp(AvpType::AssignedSessionId, std::uint16_t{peer_session}));
  m.avps.push_back(make_avp(AvpType::CallSerialNumber, serial));
  return m;
}

inline wire::ControlMessage icrp(SessionId dut_session, std::uint16_t peer_session) {
  auto m = wire::make_control(MessageType::Icrp, TunnelId{}, dut_session);
  m.avps.push_back(make_avp(AvpType::AssignedSessionId, std::uint16_t{peer_session}));
  return m;
}

inline wire::ControlMessage iccn(SessionId dut_session) {
  auto m = wire::make_control(MessageType::Iccn, TunnelId{}, dut_session);
  m.avps.push_back(make_avp(AvpType::TxConnectSpeed, std::uint32_t{64000}));
  m.avps.push_back(make_avp(AvpType::FramingType, std::uint32_t{1}));
  return m;
}

inline wire::Avp unknown_avp(bool mandatory) {
  return wire::make_raw_avp(kUnknownVendor, 1, mandatory, Buffer{0xDE, 0xAD});
}

inline Buffer octets(const std::optional<avp::Octets>& o) {
  return o ? o->bytes : Buffer{};
}

inline Buffer digest(std::uint8_t type, const Buffer& challenge) {
  const auto d = wire::challenge_response(type, as_bytes(kSecret), challenge);
  return Buffer(d.begin(), d.end());
}

// ---- One tunnel, the test as its peer ------------------------------------------------------

class Peer {
 public:
  explicit Peer(const TunnelConfig& cfg, std::uint64_t seed = 1)
      : rng_(seed), dut(kDutId, cfg, rng_, Time{}) {}

  // Sends `m` to the DUT with our next Ns and current Nr, through the codec. Returns the bytes
  // (to send again as a retransmission).
  Buffer send(wire::ControlMessage m) {
    m.header.tunnel = to_dut;
    m.header.ns = ns;
    m.header.nr = nr;
    if (!m.is_zlb()) ns = ns.next();
    Buffer b;
    EXPECT_TRUE(wire::encode_control(m, {}, b));
    resend(b);
    return b;
  }
  void resend(const Buffer& b) {
    deliver(dut, b, now);
    pump();
  }
  void ack() { send(wire::make_zlb(to_dut, ns, nr)); }

  // Collects everything the DUT has to send and report at `now`.
  void pump() {
    Buffer b;
    while (dut.poll_transmit(now, b)) {
      Sent s = parse(b);
      if (s.control && !s.control->is_zlb() && s.header.ns == nr) nr = nr.next();
      inbox.push_back(std::move(s));
    }
    while (auto e = dut.poll_event()) events.push_back(std::move(*e));
  }
  // Moves the clock to `t`, firing every DUT timer on the way at its own time.
  void run_until(Time t) {
    pump();
    for (int i = 0; i < 100000; ++i) {
      const auto due = dut.poll_timeout();
      if (!due || *due > t) break;
      now = std::max(now, *due);
      dut.handle_timeout(now);
      pump();
    }
    now = std::max(now, t);
    pump();
  }
  void wait(Duration d) { run_until(now + d); }
  std::vector<Sent> take() {
    std::vector<Sent> v = std::move(inbox);
    inbox.clear();
    return v;
  }

 private:
  SeededRng rng_;

 public:
  Tunnel dut;
  Time now{};
  TunnelId to_dut{};  // header Tunnel ID for the DUT: 0 until its Assigned Tunnel ID arrives
  Seq ns{}, nr{};
  std::vector<Sent> inbox;
  std::vector<Event> events;
};

inline TunnelConfig lns_config() {
  TunnelConfig c;
  c.role = Role::Lns;
  c.host_name = "dut-lns";
  return c;
}

inline TunnelConfig lac_config() {
  TunnelConfig c;
  c.role = Role::Lac;
  c.host_name = "dut-lac";
  return c;
}

// The DUT answers our SCCRQ; we complete with SCCCN (answering its Challenge if it sent one).
inline void establish_as_recipient(Peer& p, wire::ControlMessage request = sccrq()) {
  p.send(std::move(request));
  const Sent rp = one(p.take(), MessageType::Sccrp);
  p.to_dut = TunnelId{rp.value<std::uint16_t>(AvpType::AssignedTunnelId).value_or(0)};
  auto cn = wire::make_control(MessageType::Scccn, p.to_dut, SessionId{});
  if (const auto ch = rp.value<avp::Octets>(AvpType::Challenge))
    cn.avps.push_back(make_avp(AvpType::ChallengeResponse, avp::Octets{digest(3, ch->bytes)}));
  p.send(std::move(cn));
  p.wait(200ms);
  p.take();
  ASSERT_EQ(p.dut.state(), TunnelState::Established);
}

// The DUT opens the tunnel; we answer with SCCRP and get its SCCCN.
inline void establish_as_originator(Peer& p) {
  p.dut.open(p.now);
  p.pump();
  const Sent rq = one(p.take(), MessageType::Sccrq);
  p.to_dut = TunnelId{rq.value<std::uint16_t>(AvpType::AssignedTunnelId).value_or(0)};
  p.send(sccrp());
  ASSERT_EQ(p.dut.state(), TunnelState::Established);
}

// An incoming call on an LNS DUT: ICRQ, ICRP, ICCN. Returns the DUT's Session ID.
inline SessionId incoming_call(Peer& p, std::uint16_t peer_session) {
  p.send(icrq(peer_session));
  const Sent rp = one(p.take(), MessageType::Icrp);
  const SessionId dut_sid{rp.value<std::uint16_t>(AvpType::AssignedSessionId).value_or(0)};
  EXPECT_NE(dut_sid.value, 0);  // R145
  p.send(iccn(dut_sid));
  p.wait(200ms);
  p.take();
  return dut_sid;
}

// ---- Two tunnels back to back: data, WEN, SLI -------------------------------------------------

class Pair {
 public:
  Pair(const TunnelConfig& lac_cfg, const TunnelConfig& lns_cfg)
      : rng_(11),
        lac(TunnelId{0x0A0A}, lac_cfg, rng_, Time{}),
        lns(TunnelId{0x0B0B}, lns_cfg, rng_, Time{}) {}

  void pump() {
    for (int round = 0; round < 1000; ++round) {
      bool any = false;
      Buffer b;
      while (lac.poll_transmit(now, b)) {
        any = true;
        lac_sent.push_back(parse(b));
        deliver(lns, b, now);
      }
      while (lns.poll_transmit(now, b)) {
        any = true;
        lns_sent.push_back(parse(b));
        deliver(lac, b, now);
      }
      while (auto e = lac.poll_event()) lac_events.push_back(std::move(*e));
      while (auto e = lns.poll_event()) lns_events.push_back(std::move(*e));
      if (!any) return;
    }
  }
  void run_until(Time t) {
    pump();
    for (int i = 0; i < 100000; ++i) {
      std::optional<Time> due = lac.poll_timeout();
      if (const auto d = lns.poll_timeout(); d && (!due || *d < *due)) due = d;
      if (!due || *due > t) break;
      now = std::max(now, *due);
      lac.handle_timeout(now);  // an early call is a no-op
      lns.handle_timeout(now);
      pump();
    }
    now = std::max(now, t);
    pump();
  }

  // The LAC places a call; both tunnels and the session come up.
  void bring_up() {
    lac.open(now);
    const auto sid = lac.open_session(now);
    ASSERT_TRUE(sid);
    lac_sid = *sid;
    run_until(now + 1s);
    ASSERT_EQ(lac.state(), TunnelState::Established);
    ASSERT_EQ(lns.state(), TunnelState::Established);
    const auto up = of<SessionUp>(lns_events);
    ASSERT_EQ(up.size(), 1u);
    lns_sid = up[0].local;
    ASSERT_EQ(of<SessionUp>(lac_events).size(), 1u);
    lac_sent.clear();
    lns_sent.clear();
  }

 private:
  SeededRng rng_;

 public:
  Tunnel lac, lns;
  Time now{};
  SessionId lac_sid, lns_sid;
  std::vector<Sent> lac_sent, lns_sent;
  std::vector<Event> lac_events, lns_events;
};

inline const Buffer kIpFrame{0xFF, 0x03, 0x00, 0x21, 0x45, 0x00, 0x00, 0x14};

}  // namespace l2tp::tunnel::harness
