// Replay in virtual time: a LAC-LNS run of l2tpsim (tunnel secret, a hidden Call Serial Number,
// PAP, IPCP) is recorded to a pcap and read back; its LAC side is replayed against l2tpsim's
// LNS on a fresh SimNet. Against the same LNS nothing differs; against an LNS that demands
// CHAP, or refuses the user, the differences name exactly that.
#include <gtest/gtest.h>

#include "capture/pcap_writer.hpp"
#include "engine/ppp/auth/verify.hpp"
#include "replay/sim_replay.hpp"
#include "tests/capture/capture_test_util.hpp"

namespace l2tp::replay {
namespace {

net::Endpoint sim_ep(std::uint8_t last) {
  return net::Endpoint{net::IpAddress::v4(127, 0, 0, last), 1701};
}

Time at_seconds(double s) {
  return Time{} + std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

// Users with one password; addresses 10.0.0.1 (ours) and 10.0.0.2.
class Users final : public Authorizer {
 public:
  explicit Users(std::string password) : password_(std::move(password)) {}
  std::optional<Decision> authorize(LinkKey, const std::optional<ppp::auth::Credentials>& creds,
                                    std::function<void(Decision)>) override {
    Decision d;
    d.verdict =
        creds ? ppp::auth::verify_with_password(*creds, password_) : ppp::auth::Verdict{true, {}, {}, {}};
    d.local = net::IpAddress::v4(10, 0, 0, 1);
    d.remote = net::IpAddress::v4(10, 0, 0, 2);
    return d;
  }
  std::string describe() const override { return "test users"; }

 private:
  std::string password_;
};

NodeConfig lns_config() {
  NodeConfig nc;
  nc.tunnel.role = tunnel::Role::Lns;
  nc.tunnel.host_name = "sim-lns";
  nc.tunnel.secret = "s3cret";
  return nc;
}

struct Lns {
  explicit Lns(std::string password, ppp::auth::Method method) : users(std::move(password)) {
    server.link.methods = {method};
  }
  Users users;
  PppSettings server;
};

Driver& add_lns(sim::SimNet& net, Lns& lns) {
  Driver& d = net.add_driver(sim_ep(3), lns_config());
  d.set_ppp(std::make_unique<PppLayer>(lns.server, ppp::Role::Server, net.rng(), &lns.users));
  return d;
}

// The capture: one PAP call set up, hung up (CDN 3; with `lcp_terminate` after an LCP
// Terminate exchange, as Windows does), the tunnel stopped (StopCCN 1).
capture::Conversations record(bool lcp_terminate = false) {
  sim::SimNet net(11, sim::LinkConfig{});
  NodeConfig lc;
  lc.tunnel.role = tunnel::Role::Lac;
  lc.tunnel.host_name = "sim-lac";
  lc.tunnel.secret = "s3cret";
  lc.tunnel.hidden_avps = {AvpType::CallSerialNumber};
  lc.accept_tunnels = false;
  Driver& lac = net.add_driver(sim_ep(2), lc);
  Lns lns("pw", ppp::auth::Method::Pap);
  add_lns(net, lns);
  PppSettings client;
  client.user = "alice";
  client.password = "pw";
  client.link.methods = {ppp::auth::Method::Pap};
  lac.set_ppp(std::make_unique<PppLayer>(client, ppp::Role::Client, net.rng(), nullptr));

  const TunnelId tunnel = lac.node().open_tunnel(sim_ep(2), sim_ep(3), net.now());
  const auto session = lac.node().open_session(tunnel, net.now());
  net.pump(lac.node());
  net.run(at_seconds(5));
  EXPECT_EQ(lac.ppp()->counters().up, 1u);
  if (session && lcp_terminate)
    EXPECT_TRUE(lac.ppp()->close_link(lac.node(), LinkKey{tunnel.value, session->value}, net.now(), "bye"));
  else if (session)
    lac.node().close_session(tunnel, *session, ResultInfo{3}, net.now());
  net.pump(lac.node());
  net.run(at_seconds(7));
  lac.node().close_tunnel(tunnel, ResultInfo{1}, net.now());
  net.pump(lac.node());
  net.run(at_seconds(40));

  capture::test::TempFile file("l2tpsim-replay-sim.pcap");
  {
    auto writer = capture::PcapWriter::open(file.path());
    EXPECT_TRUE(writer.has_value());
    for (const auto& d : net.wire_log())
      writer->write(d.at.time_since_epoch().count(), d.from, d.to, d.bytes);
    writer->flush();
  }
  auto read = capture::read_conversations(file.path());
  EXPECT_TRUE(read.has_value());
  return read ? std::move(read->conversations) : capture::Conversations{};
}

const capture::Conversations& recorded() {
  static const capture::Conversations kConv = record();
  return kConv;
}

const capture::Conversations& recorded_with_lcp_terminate() {
  static const capture::Conversations kConv = record(true);
  return kConv;
}

SimReplay replay_against(Lns& lns, const std::string& timing = "original",
                         const capture::Conversations& conv = recorded()) {
  auto script = make_script(conv, 0, capture::PeerRole::Lac, ScriptOptions{"s3cret"});
  EXPECT_TRUE(script.has_value()) << (script ? "" : script.error());
  if (!script) return {};
  EXPECT_TRUE(script->concealed.empty());
  sim::SimNet net(5, sim::LinkConfig{});
  add_lns(net, lns);
  ReplayConfig cfg;
  cfg.secret = "s3cret";
  cfg.timing = *parse_timing(timing);
  cfg.local = sim_ep(12);
  cfg.target = sim_ep(3);
  return replay_in_sim(net, conv, *script, cfg, DiffOptions{}, std::chrono::minutes(5));
}

std::string all(const ReplayOutcome& o) {
  return outcome_text(o);
}

TEST(ReplaySim, SameLnsMatchesWithNoDifferences) {
  ASSERT_EQ(recorded().tunnels.size(), 1u);
  Lns lns("pw", ppp::auth::Method::Pap);
  const SimReplay r = replay_against(lns);
  EXPECT_TRUE(r.outcome.tunnel_up);
  EXPECT_EQ(r.outcome.sessions_up, 1u);
  EXPECT_EQ(r.outcome.ppp_up, 1u);
  EXPECT_TRUE(r.outcome.differences.empty()) << all(r.outcome);
  EXPECT_TRUE(r.outcome.matched()) << all(r.outcome);

  // The live LAC sent what the captured one did: same control messages in the same order.
  const capture::Conversations live = live_conversations(r.transcript);
  ASSERT_EQ(live.tunnels.size(), 1u);
  std::vector<std::string> captured_types, live_types;
  for (const auto& rec : recorded().tunnels[0].sides[0].control)
    if (!rec.zlb && !rec.retransmission) captured_types.push_back(rec.type_name());
  for (const auto& rec : live.tunnels[0].sides[0].control)
    if (!rec.zlb && !rec.retransmission) live_types.push_back(rec.type_name());
  EXPECT_EQ(live_types, captured_types);
  // The hidden Call Serial Number went out hidden again, under a fresh Random Vector.
  for (const auto& rec : live.tunnels[0].sides[0].control)
    if (rec.is(MessageType::Icrq)) {
      const wire::Avp* serial = nullptr;
      for (const auto& a : rec.message.avps)
        if (a.is(AvpType::CallSerialNumber)) serial = &a;
      ASSERT_NE(serial, nullptr);
      EXPECT_TRUE(serial->hidden);
    }
}

TEST(ReplaySim, FastTimingMatchesToo) {
  Lns lns("pw", ppp::auth::Method::Pap);
  const SimReplay r = replay_against(lns, "fast");
  EXPECT_TRUE(r.outcome.matched()) << all(r.outcome);
  EXPECT_EQ(r.outcome.ppp_up, 1u);
}

// LCP codes of the LAC's PPP frames and the LAC's control messages, in wire order.
std::vector<std::string> lac_teardown(const std::vector<LiveDatagram>& transcript, const net::Endpoint& lac) {
  std::vector<std::string> out;
  for (const LiveDatagram& d : transcript) {
    if (d.src != lac) continue;
    if (d.bytes[0] & 0x80) {
      auto m = wire::decode_control(d.bytes);
      if (m && (m->known_type() == MessageType::Cdn || m->known_type() == MessageType::StopCcn))
        out.push_back(std::string(to_string(*m->known_type())));
    } else if (auto m = wire::decode_data(d.bytes);
               m && m->ppp.size() >= 5 && m->ppp[2] == 0xc0 && m->ppp[3] == 0x21 && m->ppp[4] == 5) {
      out.push_back("LCP Terminate-Request");
    }
  }
  return out;
}

// A side that ended LCP before its CDN in the capture does so live too (so the live pcap holds
// the whole teardown), and still matches.
TEST(ReplaySim, CapturedLcpTerminateIsPlayedBeforeTheCdn) {
  Lns lns("pw", ppp::auth::Method::Pap);
  const SimReplay r = replay_against(lns, "original", recorded_with_lcp_terminate());
  EXPECT_TRUE(r.outcome.matched()) << all(r.outcome);
  EXPECT_EQ(lac_teardown(r.transcript, sim_ep(12)),
            (std::vector<std::string>{"LCP Terminate-Request", "CDN", "StopCCN"}));
  // Without it in the capture, the CDN goes at once.
  Lns again("pw", ppp::auth::Method::Pap);
  const SimReplay plain = replay_against(again);
  EXPECT_EQ(lac_teardown(plain.transcript, sim_ep(12)), (std::vector<std::string>{"CDN", "StopCCN"}));
}

// (exchange, kind) of every difference, in order.
std::vector<std::pair<std::string, std::string>> kinds(const ReplayOutcome& o) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Difference& d : o.differences) out.emplace_back(d.exchange, d.kind);
  return out;
}

const Difference* find_kind(const ReplayOutcome& o, const std::string& kind) {
  for (const Difference& d : o.differences)
    if (d.kind == kind) return &d;
  return nullptr;
}

// The LNS demands CHAP; the replayed LAC agrees to PAP only, as captured: LCP cannot agree, the
// LNS clears the call. The tunnel exchanges match; the call's differences are the method, and
// what follows from it (no verdict, no addresses, the LNS's CDN instead of ours).
TEST(ReplaySim, LnsDemandingChapDiffersInTheAuthenticationMethod) {
  Lns lns("pw", ppp::auth::Method::ChapMd5);
  const SimReplay r = replay_against(lns);
  EXPECT_TRUE(r.outcome.tunnel_up);
  EXPECT_EQ(r.outcome.sessions_up, 1u);
  EXPECT_EQ(r.outcome.ppp_up, 0u);
  EXPECT_FALSE(r.outcome.matched());
  const std::vector<std::pair<std::string, std::string>> expected{
      {"call 1: CDN", "extra"},
      {"call 1: PPP authentication", "ppp-auth-method"},
      {"call 1: PPP authentication", "ppp-auth-result"},
      {"call 1: PPP IPCP", "ppp-address"},
      {"call 1: PPP IPCP", "ppp-address-given"}};
  EXPECT_EQ(kinds(r.outcome), expected) << all(r.outcome);
  const Difference* method = find_kind(r.outcome, "ppp-auth-method");
  ASSERT_NE(method, nullptr);
  EXPECT_EQ(method->captured, "pap");
  EXPECT_EQ(method->live, "chap");
  EXPECT_GT(method->frame_captured, 0u);
  EXPECT_GT(method->frame_live, 0u);
}

// The LNS refuses the user: the verdict differs (PAP Authenticate-Nak), and the LNS clears the
// call with result 3 before our captured hang-up.
TEST(ReplaySim, LnsRefusingTheUserDiffersInTheAuthenticationResult) {
  Lns lns("another password", ppp::auth::Method::Pap);
  const SimReplay r = replay_against(lns);
  EXPECT_TRUE(r.outcome.tunnel_up);
  EXPECT_EQ(r.outcome.ppp_up, 0u);
  const std::vector<std::pair<std::string, std::string>> expected{
      {"call 1: CDN", "extra"},
      {"call 1: PPP authentication", "ppp-auth-result"},
      {"call 1: PPP IPCP", "ppp-address"},
      {"call 1: PPP IPCP", "ppp-address-given"}};
  EXPECT_EQ(kinds(r.outcome), expected) << all(r.outcome);
  const Difference* verdict = find_kind(r.outcome, "ppp-auth-result");
  ASSERT_NE(verdict, nullptr);
  EXPECT_EQ(verdict->captured, "success");
  EXPECT_EQ(verdict->live, "failure");
  EXPECT_NE(r.outcome.differences[0].live.find("result 3"), std::string::npos) << all(r.outcome);
}

}  // namespace
}  // namespace l2tp::replay
