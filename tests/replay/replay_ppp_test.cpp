// The PPP side of --play in virtual time: the played side answers the live peer's options as
// its captured self did (a Nak of MRU with the captured value, a Reject of MRRU, of an
// IP-Address), asks IPCP for what it asked (0.0.0.0, then nothing once refused), sends its
// captured LCP Echo-Requests and IPv4 packets with the live addresses and right checksums, and
// under --tunnel all each tunnel negotiates with its own captured user and method.
#include <gtest/gtest.h>

#include "engine/ip/ipv4.hpp"
#include "engine/ppp/frame.hpp"
#include "engine/ppp/lcp.hpp"
#include "replay/ppp_policy.hpp"
#include "tests/replay/ppp_recording.hpp"

namespace l2tp::replay {
namespace L2TPSIM_FILE_ID {

using namespace test;  // NOLINT: test helpers

struct Sent {
  std::uint16_t protocol = 0;
  Buffer payload;  // after the protocol field
};

// What `us` sent over PPP in the live run (every call of every tunnel).
std::vector<Sent> sent_by(const std::vector<LiveDatagram>& transcript, const net::Endpoint& us) {
  std::vector<Sent> out;
  const capture::Conversations live = live_conversations(transcript, "s3cret");
  for (const capture::Tunnel& t : live.tunnels) {
    const std::uint8_t side = t.sides[0].endpoint.addr == us.addr ? 0 : 1;
    for (const capture::Session& s : t.sessions)
      for (const capture::PppRecord& r : s.ppp)
        if (r.side == side)
          if (auto f = ppp::parse_frame(r.ppp))
            out.push_back({f->protocol, Buffer(f->payload.begin(), f->payload.end())});
  }
  return out;
}

// The options of the first packet of `code` for `protocol` in `sent`; nullopt when none.
std::optional<Buffer> first_of(const std::vector<Sent>& sent, std::uint16_t protocol, ppp::Code code) {
  for (const Sent& s : sent)
    if (s.protocol == protocol)
      if (auto p = ppp::parse_packet(s.payload); p && p->code == code)
        return Buffer(p->data.begin(), p->data.end());
  return std::nullopt;
}

bool has_kind(const std::vector<Difference>& ds, const std::string& kind) {
  return std::any_of(ds.begin(), ds.end(), [&](const Difference& d) { return d.kind == kind; });
}

// The LNS side of `conv` played at 127.0.0.13 against l2tpsim's LAC with `lac_ppp`, the LAC
// doing what the recorded one did (dial, one call, hang up at 6 s, StopCCN at 8 s).
SimReplay replay_lns(const capture::Conversations& conv, const PppSettings& lac_ppp) {
  auto script = make_script(conv, 0, capture::PeerRole::Lns, ScriptOptions{"s3cret"});
  EXPECT_TRUE(script.has_value()) << (script ? "" : script.error());
  if (!script) return {};
  sim::SimNet net(7, sim::LinkConfig{});
  NodeConfig lc;
  lc.tunnel.role = tunnel::Role::Lac;
  lc.tunnel.host_name = "sim-lac";
  lc.tunnel.secret = "s3cret";
  lc.accept_tunnels = false;
  Driver& lac = net.add_driver(sim_ep(2), lc);
  lac.set_ppp(std::make_unique<PppLayer>(lac_ppp, ppp::Role::Client, net.rng(), nullptr));
  Alarm alarm;
  alarm.wake = at_seconds(6);
  lac.set_filter(&alarm);
  ReplayConfig cfg;
  cfg.secret = "s3cret";
  cfg.local = sim_ep(13);
  const TunnelId tunnel = lac.node().open_tunnel(sim_ep(2), cfg.local, net.now());
  const auto session = lac.node().open_session(tunnel, net.now());
  net.pump(lac.node());
  SimReplay out = replay_in_sim(net, conv, *script, cfg, DiffOptions{}, std::chrono::minutes(2),
                                lac_hangs_up(net, lac, alarm, tunnel, session, at_seconds(6), at_seconds(8)));
  lac.set_filter(nullptr);
  return out;
}

// The LAC asks for MRU 1400 and MRRU; the LNS (minimum MRU 1500, no multilink) Naks the MRU
// with 1500 and rejects MRRU.
PppSettings multilink_lac() {
  PppSettings c = pap_client();
  c.link.lcp.mru = 1400;
  c.link.lcp.mrru = 1600;
  return c;
}

TEST(ReplayPpp, CapturedAnswersReadFromTheCapture) {
  PppRecording spec{multilink_lac(), pap_server()};
  spec.lns.link.lcp.min_mru = 1500;
  const capture::Conversations conv = record_ppp(spec);
  ASSERT_EQ(conv.tunnels.size(), 1u);
  const capture::Session& call = conv.tunnels[0].sessions.at(0);
  // Side 1 is the LNS: it rejected MRRU, Nak'd MRU with 1500 and acked the rest.
  const ppp::AnswerPolicy lns = captured_answers(call, 1, ppp::proto::kLcp);
  const auto* mrru = lns.find(ppp::lcp_option::kMrru);
  const auto* mru = lns.find(ppp::lcp_option::kMru);
  ASSERT_TRUE(mrru && mru);
  EXPECT_EQ(mrru->answer, ppp::Answer::Reject);
  EXPECT_EQ(mru->answer, ppp::Answer::Nak);
  EXPECT_EQ(mru->value, (Buffer{0x05, 0xdc}));
  EXPECT_EQ(lns.find(ppp::lcp_option::kMagicNumber)->answer, ppp::Answer::Ack);
  // The LAC acked everything the LNS asked.
  for (const ppp::OptionAnswer& a : captured_answers(call, 0, ppp::proto::kLcp).options)
    EXPECT_EQ(a.answer, ppp::Answer::Ack) << int(a.type);
}

TEST(ReplayPpp, LnsNaksAndRejectsTheLiveLacAsCaptured) {
  PppRecording spec{multilink_lac(), pap_server()};
  spec.lns.link.lcp.min_mru = 1500;
  const capture::Conversations conv = record_ppp(spec);
  // The replayed LNS has the engine's minimum MRU (64): only the captured answers make it Nak.
  const SimReplay r = replay_lns(conv, multilink_lac());
  EXPECT_EQ(r.outcome.ppp_up, 1u);
  const std::vector<Sent> ours = sent_by(r.transcript, sim_ep(13));
  EXPECT_EQ(first_of(ours, ppp::proto::kLcp, ppp::Code::ConfNak), (Buffer{1, 4, 0x05, 0xdc}));
  EXPECT_EQ(first_of(ours, ppp::proto::kLcp, ppp::Code::ConfRej), (Buffer{17, 4, 0x06, 0x40}));
  EXPECT_TRUE(r.outcome.differences.empty()) << r.outcome.differences.front().kind;
}

// A Cisco-like LNS: no address of its own, so IPCP asks for 0.0.0.0; the LAC rejects it and the
// LNS goes on without one.
PppRecording cisco_like() {
  PppRecording spec{pap_client(), pap_server()};
  spec.lns_local.reset();
  spec.lns.link.ipcp.address_optional = true;
  return spec;
}

TEST(ReplayPpp, LnsAsksIpcpForWhatItAskedAndNoOwnAddress) {
  const capture::Conversations conv = record_ppp(cisco_like());
  const SimReplay r = replay_lns(conv, pap_client());
  EXPECT_EQ(r.outcome.ppp_up, 1u);
  const std::vector<Sent> ours = sent_by(r.transcript, sim_ep(13));
  // As captured: IP-Address 0.0.0.0 first, then (rejected) a request with none.
  EXPECT_EQ(first_of(ours, ppp::proto::kIpcp, ppp::Code::ConfReq), (Buffer{3, 6, 0, 0, 0, 0}));
  EXPECT_FALSE(has_kind(r.outcome.differences, "ppp-address-given"));
  EXPECT_TRUE(r.outcome.differences.empty()) << r.outcome.differences.front().kind;
}

TEST(ReplayPpp, LacRejectsTheLiveLnsAddressAsCapturedItRejectedOne) {
  const capture::Conversations conv = record_ppp(cisco_like());
  Lns lns("pw", ppp::auth::Method::Pap);  // names 10.0.0.1 for itself
  const SimReplay r = replay_lac_against(lns, "original", conv);
  EXPECT_EQ(r.outcome.ppp_up, 1u);
  const std::vector<Sent> ours = sent_by(r.transcript, sim_ep(12));
  EXPECT_EQ(first_of(ours, ppp::proto::kIpcp, ppp::Code::ConfRej), (Buffer{3, 6, 10, 0, 0, 1}));
  // The live LNS went on without an address, as the captured one: nothing differs there.
  EXPECT_FALSE(has_kind(r.outcome.differences, "ppp-address"));
}

// The LAC pings its LNS three times (ICMP echo, 0.5 s apart) and, silent after, keeps the link
// alive with LCP Echo-Requests; addresses 192.0.2.1 (LNS) and 192.0.2.2 (LAC).
PppRecording pinging() {
  PppRecording spec{pap_client(), pap_server()};
  spec.lns_local = net::IpAddress::v4(192, 0, 2, 1);
  spec.lns_remote = net::IpAddress::v4(192, 0, 2, 2);
  ip::ProbeConfig probe;
  probe.interval = std::chrono::milliseconds(500);
  probe.count = 3;
  spec.lac.traffic = probe;
  spec.lac.link.keepalive.idle = std::chrono::seconds(1);
  return spec;
}

TEST(ReplayPpp, EchoesAndIpPacketsReplayedWithLiveAddressesAndChecksums) {
  const capture::Conversations conv = record_ppp(pinging());
  Lns lns("pw", ppp::auth::Method::Pap);  // live: 10.0.0.1 for itself, 10.0.0.2 for the LAC
  const SimReplay r = replay_lac_against(lns, "original", conv);
  EXPECT_EQ(r.outcome.ppp_up, 1u);
  const std::vector<Sent> ours = sent_by(r.transcript, sim_ep(12));
  std::size_t pings = 0, echoes = 0;
  for (const Sent& s : ours) {
    if (s.protocol == ppp::proto::kIp) {
      const auto packet = ip::parse_ipv4(s.payload);  // header checksum verified
      ASSERT_TRUE(packet);
      EXPECT_EQ(packet->src, 0x0a000002u);
      EXPECT_EQ(packet->dst, 0x0a000001u);
      const auto echo = ip::parse_icmp_echo(packet->payload);  // ICMP checksum verified
      ASSERT_TRUE(echo);
      EXPECT_TRUE(echo->request);
      ++pings;
    } else if (s.protocol == ppp::proto::kLcp) {
      if (auto p = ppp::parse_packet(s.payload); p && p->code == ppp::Code::EchoReq) ++echoes;
    }
  }
  EXPECT_EQ(pings, 3u);
  EXPECT_GE(echoes, 1u);
  for (const std::string& n : r.outcome.notes) EXPECT_EQ(n.find("not sent live"), std::string::npos) << n;
}

TEST(ReplayPpp, TunnelAllNegotiatesEachTunnelWithItsOwnSeed) {
  PppRecording spec{pap_client("alice"), pap_server()};
  spec.lns.link.methods = {ppp::auth::Method::Pap, ppp::auth::Method::ChapMd5};
  PppSettings bob = pap_client("bob");
  bob.link.methods = {ppp::auth::Method::ChapMd5};
  spec.more_tunnels = {bob};
  const capture::Conversations conv = record_ppp(spec);
  ASSERT_EQ(conv.tunnels.size(), 2u);
  std::vector<ReplayScript> scripts;
  for (std::size_t i = 0; i < conv.tunnels.size(); ++i)
    if (auto s = make_script(conv, i, capture::PeerRole::Lac, ScriptOptions{"s3cret"}))
      scripts.push_back(std::move(*s));
  ASSERT_EQ(scripts.size(), 2u);
  sim::SimNet net(5, sim::LinkConfig{});
  Lns lns("pw", ppp::auth::Method::Pap);
  lns.server.link.methods = {ppp::auth::Method::Pap, ppp::auth::Method::ChapMd5};
  Driver& live = add_lns(net, lns);
  ReplayConfig cfg;
  cfg.secret = "s3cret";
  cfg.password = "pw";
  cfg.local = sim_ep(12);
  cfg.target = sim_ep(3);
  const SimReplayAll r =
      replay_all_in_sim(net, conv, {&scripts[0], &scripts[1]}, cfg, DiffOptions{}, std::chrono::minutes(5));
  ASSERT_EQ(r.outcomes.size(), 2u);
  for (const ReplayOutcome& o : r.outcomes) {
    EXPECT_EQ(o.ppp_up, 1u);
    EXPECT_TRUE(o.differences.empty()) << o.differences.front().exchange << " " << o.differences.front().kind;
  }
  // The live LNS saw each tunnel's own user with its own method.
  std::map<std::string, std::string> users;
  for (const PppRecord& rec : live.ppp()->records().list) users[rec.user] = rec.auth_name();
  EXPECT_EQ(users, (std::map<std::string, std::string>{{"alice", "pap"}, {"bob", "chap"}}));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::replay
