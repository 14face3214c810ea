// Conversation extraction on a capture l2tpsim itself writes: a LAC and an LNS driver (PPP with
// PAP and IPCP) in virtual time on SimNet, one call set up and torn down, the wire written to a
// pcap by PcapWriter and read back. The LNS's filter drops the first SCCCN that reaches it, so
// the LAC retransmits it: the capture holds a retransmission.
#include <gtest/gtest.h>

#include <deque>

#include "capture/conversation.hpp"
#include "capture/pcap_writer.hpp"
#include "capture_test_util.hpp"
#include "conversation_test_util.hpp"
#include "engine/driver/driver.hpp"
#include "engine/driver/pass_through_filter.hpp"
#include "engine/ppp/auth/verify.hpp"
#include "engine/sim/sim_net.hpp"

namespace l2tp::capture {
namespace L2TPSIM_FILE_ID {

using namespace test;  // NOLINT: test helpers

Endpoint sim_ep(std::uint8_t last) {
  return Endpoint{IpAddress::v4(127, 0, 0, last), 1701};
}

Time at_seconds(double s) {
  return Time{} + std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

// Any user, password "pw".
class Users final : public Authorizer {
 public:
  std::optional<Decision> authorize(LinkKey, const std::optional<ppp::auth::Credentials>& creds,
                                    std::function<void(Decision)>) override {
    Decision d;
    d.verdict = creds ? ppp::auth::verify_with_password(*creds, "pw") : ppp::auth::Verdict{true, {}, {}, {}};
    d.local = IpAddress::v4(10, 0, 0, 1);
    d.remote = IpAddress::v4(10, 0, 0, 2);
    return d;
  }
  std::string describe() const override { return "test users"; }
};

// Drops the first incoming control message of one type; passes everything else at once.
class DropFirst final : public l2tp::PassThroughFilter {
 public:
  explicit DropFirst(MessageType type) : type_(type) {}
  void take(WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst, Bytes bytes,
            Time) override {
    if (!dropped_ && dir == WireDirection::In) {
      auto m = wire::decode_control(bytes);
      if (m && m->known_type() == type_) {
        dropped_ = true;
        return;
      }
    }
    pass(dir, src, dst, bytes);
  }
  bool dropped() const { return dropped_; }

 private:
  MessageType type_;
  bool dropped_ = false;
};

struct RecordedRun {
  Conversations conversations;
  std::size_t datagrams = 0;
  std::size_t control_datagrams = 0;
};

// `hidden`: both sides share a tunnel secret and send their Assigned Session ID hidden (RFC 2661
// 4.3); the capture is read with `read_secret` (empty: none).
RecordedRun record_one_call(bool hidden = false, const std::string& read_secret = "") {
  sim::SimNet net(11, sim::LinkConfig{});
  NodeConfig lc;
  lc.tunnel.role = tunnel::Role::Lac;
  lc.tunnel.host_name = "sim-lac";
  lc.accept_tunnels = false;
  NodeConfig nc;
  nc.tunnel.role = tunnel::Role::Lns;
  nc.tunnel.host_name = "sim-lns";
  if (hidden) {
    lc.tunnel.secret = nc.tunnel.secret = "s3cret";
    lc.tunnel.hidden_avps = nc.tunnel.hidden_avps = {AvpType::AssignedSessionId};
  }
  Driver& lac = net.add_driver(sim_ep(2), lc);
  Driver& lns = net.add_driver(sim_ep(3), nc);
  Users users;
  PppSettings client;
  client.user = "alice";
  client.password = "pw";
  client.link.methods = {ppp::auth::Method::Pap};
  PppSettings server;
  server.link.methods = {ppp::auth::Method::Pap};
  lac.set_ppp(std::make_unique<PppLayer>(client, ppp::Role::Client, net.rng(), nullptr));
  lns.set_ppp(std::make_unique<PppLayer>(server, ppp::Role::Server, net.rng(), &users));
  DropFirst drop(MessageType::Scccn);
  net.set_filter(lns.node(), &drop);

  const TunnelId tunnel = lac.node().open_tunnel(sim_ep(2), sim_ep(3), net.now());
  const auto session = lac.node().open_session(tunnel, net.now());
  EXPECT_TRUE(session);
  net.pump(lac.node());
  net.run(at_seconds(20));
  EXPECT_TRUE(drop.dropped());
  EXPECT_EQ(lac.ppp()->counters().up, 1u);
  if (session) lac.node().close_session(tunnel, *session, ResultInfo{3}, net.now());
  net.pump(lac.node());
  net.run(at_seconds(25));
  lac.node().close_tunnel(tunnel, ResultInfo{1}, net.now());
  net.pump(lac.node());
  net.run(at_seconds(60));

  // The capture, as the pcap l2tpsim writes, read back as any capture is.
  TempFile file("l2tpsim-conversation-sim.pcap");
  RecordedRun out;
  {
    auto writer = PcapWriter::open(file.path());
    EXPECT_TRUE(writer.has_value());
    if (!writer) return out;
    for (const auto& d : net.wire_log()) {
      writer->write(d.at.time_since_epoch().count(), d.from, d.to, d.bytes);
      ++out.datagrams;
      out.control_datagrams += !d.bytes.empty() && (d.bytes[0] & 0x80);
    }
    writer->flush();
  }
  ConversationOptions options;
  options.secret = read_secret;
  auto read = read_conversations(file.path(), options);
  EXPECT_TRUE(read.has_value());
  if (read) out.conversations = std::move(read->conversations);
  return out;
}

TEST(ConversationSim, CaptureOfOneCallWithARetransmission) {
  const RecordedRun run = record_one_call();
  const Conversations& c = run.conversations;
  EXPECT_EQ(c.counts.l2tpv2, run.datagrams);
  EXPECT_TRUE(c.notes.empty()) << test::all_notes(c.notes);
  ASSERT_EQ(c.tunnels.size(), 1u);
  const Tunnel& t = c.tunnels[0];
  const TunnelSide& lac = t.sides[0];
  const TunnelSide& lns = t.sides[1];
  EXPECT_EQ(lac.endpoint, sim_ep(2));
  EXPECT_EQ(lns.endpoint, sim_ep(3));
  EXPECT_EQ(lac.role, PeerRole::Lac);
  EXPECT_EQ(lns.role, PeerRole::Lns);
  EXPECT_FALSE(t.role_guessed);
  EXPECT_EQ(lac.host_name, "sim-lac");
  EXPECT_EQ(lns.host_name, "sim-lns");
  EXPECT_TRUE(t.replayable);
  EXPECT_TRUE(lac.playable && lns.playable);

  // The SCCCN went out twice, with the same Ns: the second is flagged, the first not.
  std::vector<const ControlRecord*> scccn;
  for (const ControlRecord& r : lac.control)
    if (r.is(MessageType::Scccn)) scccn.push_back(&r);
  ASSERT_EQ(scccn.size(), 2u);
  EXPECT_FALSE(scccn[0]->retransmission);
  EXPECT_TRUE(scccn[1]->retransmission);
  EXPECT_EQ(scccn[0]->message.header.ns, scccn[1]->message.header.ns);
  EXPECT_EQ(lac.counts.retransmissions, 1u);
  EXPECT_EQ(lns.counts.retransmissions, 0u);
  std::size_t control = 0, data = 0;
  for (const TunnelSide& s : t.sides) {
    control += s.control.size();
    data += s.counts.data;
  }
  EXPECT_EQ(control, run.control_datagrams);
  EXPECT_EQ(data, run.datagrams - run.control_datagrams);

  // The call: ICRQ/ICRP/ICCN, PAP user alice, PPP both ways, CDN 3 from the LAC.
  ASSERT_EQ(t.sessions.size(), 1u);
  const Session& s = t.sessions[0];
  EXPECT_EQ(s.opened_by, std::optional<MessageType>(MessageType::Icrq));
  EXPECT_TRUE(s.connected);
  EXPECT_TRUE(s.id_known[0] && s.id_known[1]);
  EXPECT_EQ(s.user, "alice");
  EXPECT_EQ(s.user_from, "PAP");
  EXPECT_GT(s.ppp_count[0], 3u);  // LCP, PAP, IPCP at least
  EXPECT_GT(s.ppp_count[1], 3u);
  EXPECT_EQ(s.ppp.size(), data);
  ASSERT_TRUE(s.cdn && s.cdn->result);
  EXPECT_EQ(s.cdn->side, 0);
  EXPECT_EQ(s.cdn->result->result, 3);
  ASSERT_TRUE(t.stop && t.stop->result);
  EXPECT_EQ(t.stop->side, 0);
  EXPECT_EQ(t.stop->result->result, 1);
  EXPECT_TRUE(s.notes.empty()) << test::all_notes(s.notes);
  EXPECT_TRUE(t.notes.empty()) << test::all_notes(t.notes);
}

// Hidden Assigned Session IDs: without the secret the call's two directions cannot be paired
// (the ICRQ's and ICRP's IDs are concealed) and the sessions say so; with it (--capture-secret)
// the call is whole again, as in the clear.
TEST(ConversationSim, HiddenAssignedSessionIdPairsTheCallOnlyWithTheSecret) {
  const RecordedRun clear = record_one_call(true, "s3cret");
  ASSERT_EQ(clear.conversations.tunnels.size(), 1u);
  const Tunnel& t = clear.conversations.tunnels[0];
  ASSERT_EQ(t.sessions.size(), 1u);
  const Session& s = t.sessions[0];
  EXPECT_TRUE(s.id_known[0] && s.id_known[1]);
  EXPECT_TRUE(s.connected);
  EXPECT_EQ(s.user, "alice");
  EXPECT_EQ(s.ppp.size(), s.ppp_count[0] + s.ppp_count[1]);
  EXPECT_GT(s.ppp_count[0], 3u);
  ASSERT_TRUE(s.cdn && s.cdn->result);
  EXPECT_EQ(s.cdn->result->result, 3);
  EXPECT_TRUE(s.notes.empty()) << test::all_notes(s.notes);
  bool revealed = false;
  for (const ControlRecord& r : t.sides[0].control)
    if (r.is(MessageType::Icrq))
      for (const wire::Avp& a : r.message.avps)
        revealed |=
            a.is(AvpType::AssignedSessionId) && a.hidden && a.hidden_state == wire::HiddenState::Revealed;
  EXPECT_TRUE(revealed);

  const RecordedRun concealed = record_one_call(true);
  ASSERT_EQ(concealed.conversations.tunnels.size(), 1u);
  const Tunnel& c = concealed.conversations.tunnels[0];
  const bool whole = c.sessions.size() == 1 && c.sessions[0].id_known[0] && c.sessions[0].id_known[1] &&
                     c.sessions[0].ppp.size() == s.ppp.size();
  EXPECT_FALSE(whole) << "without the secret the hidden IDs cannot pair the call";
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::capture
