// ppp::Link renegotiating in place, the call kept (restart_lcp, restart_ipcp: l2tpsim lac
// --flap-kind lcp-restart, ipcp-restart), and a Link in Opened answering the peer's
// renegotiation: what goes on the wire and in which order, what each side reports, and how a
// renegotiation that does not come back up ends (a failure of the phase it stopped in).
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/ppp/frame.hpp"
#include "engine/ppp/link.hpp"
#include "engine/ppp/protocol.hpp"
#include "tests/engine/ppp/link_pair.hpp"

namespace l2tp::ppp {
namespace L2TPSIM_FILE_ID {

using namespace std::chrono_literals;
using testing::client_config;
using testing::Pair;
using testing::server_config;

// One frame as it crossed: its direction, PPP protocol, and (control protocols) code and
// identifier.
struct Seen {
  bool to_server = false;
  std::uint16_t protocol = 0;
  std::uint8_t code = 0, id = 0;
};

// A client and a server brought up with `method`, every frame recorded; mark() forgets what
// was seen and reported so far.
struct UpPair : Pair {
  explicit UpPair(auth::Method method) : Pair(client_config({method}), server_config({method})) {
    drop = [this](bool to_server, Bytes frame) {
      if (const auto f = parse_frame(frame))
        wire.push_back(Seen{to_server, f->protocol, f->payload.size() >= 2 ? f->payload[0] : std::uint8_t{0},
                            f->payload.size() >= 2 ? f->payload[1] : std::uint8_t{0}});
      return false;
    };
    client->start(now);
    server->start(now);
    run(5s);
  }
  void mark() {
    wire.clear();
    client_events.clear();
    server_events.clear();
  }
  // The identifier of the last Configure-Request of `protocol` the client (or server) sent.
  std::optional<std::uint8_t> last_request(std::uint16_t protocol, bool from_client) const {
    std::optional<std::uint8_t> id;
    for (const auto& s : wire)
      if (s.to_server == from_client && s.protocol == protocol && s.code == 1) id = s.id;
    return id;
  }
  // Where the first frame that `match` says yes to is in `wire` (wire.size() when none is).
  template <typename F>
  std::size_t first(F match) const {
    return static_cast<std::size_t>(std::find_if(wire.begin(), wire.end(), match) - wire.begin());
  }
  std::size_t count(std::uint16_t protocol) const {
    return static_cast<std::size_t>(
        std::count_if(wire.begin(), wire.end(), [&](const Seen& s) { return s.protocol == protocol; }));
  }
  std::vector<Seen> wire;
};

template <typename T>
std::size_t count_of(const std::vector<LinkEvent>& events) {
  return static_cast<std::size_t>(std::count_if(
      events.begin(), events.end(), [](const LinkEvent& e) { return std::holds_alternative<T>(e); }));
}

// Where the first event of type T is (events.size() when there is none).
template <typename T>
std::size_t index_of(const std::vector<LinkEvent>& events) {
  return static_cast<std::size_t>(
      std::find_if(events.begin(), events.end(),
                   [](const LinkEvent& e) { return std::holds_alternative<T>(e); }) -
      events.begin());
}

// A 20-octet IPv4 header: something send_ip would carry when IPCP is open.
Buffer ip_header() {
  Buffer b(20, 0);
  b[0] = 0x45;
  b[3] = 20;
  return b;
}

// The packet of the next frame `link` sends: its protocol, and (control protocols) the packet.
struct Out {
  std::uint16_t protocol = 0;
  std::optional<Packet> packet;
  Buffer frame;
};
std::optional<Out> next_out(Link& link) {
  Out o;
  if (!link.poll_transmit(o.frame)) return std::nullopt;
  const auto f = parse_frame(o.frame);
  if (!f) return std::nullopt;
  o.protocol = f->protocol;
  if (auto p = parse_packet(f->payload)) o.packet = *p;
  return o;
}

class LinkRestartTest : public ::testing::TestWithParam<auth::Method> {};

// restart_lcp on an up link: LinkRenegotiating at once and IPv4 stops; one LCP
// Configure-Request with a new Identifier goes out and nothing else (the NCPs go down without a
// Terminate-Request, RFC 1661 4.4). The server, Opened, answers it as the table says (tld, scr,
// sca: its own request, then the Ack) and reports the peer's renegotiation; authentication runs
// again (the server asks for a verdict again), then IPCP; both report LinkReopened, neither a
// second LinkUp nor a LinkDown, and IPv4 flows again over the same addresses.
TEST_P(LinkRestartTest, LcpRestartRenegotiatesLcpThenAuthenticationThenIpcp) {
  UpPair p(GetParam());
  ASSERT_TRUE(p.client->is_up());
  ASSERT_TRUE(p.server->is_up());
  const auto old_id = p.last_request(proto::kLcp, true);
  ASSERT_TRUE(old_id);
  const std::size_t verdicts_before = count_of<NeedVerdict>(p.server_events);
  p.mark();

  ASSERT_TRUE(p.client->restart_lcp(p.now));
  EXPECT_TRUE(p.client->renegotiating());
  EXPECT_TRUE(p.client->is_up()) << "the call is kept: nothing ended";
  EXPECT_FALSE(p.client->send_ip(ip_header())) << "no IPv4 while IPCP is down";
  const auto ev = p.client->poll_event();
  ASSERT_TRUE(ev);
  const auto* down = std::get_if<LinkRenegotiating>(&*ev);
  ASSERT_NE(down, nullptr);
  EXPECT_EQ(down->what, Renegotiation::Lcp);
  EXPECT_FALSE(down->by_peer);
  EXPECT_FALSE(p.client->poll_event());
  const auto req = next_out(*p.client);
  ASSERT_TRUE(req && req->packet);
  EXPECT_EQ(req->protocol, proto::kLcp);
  EXPECT_EQ(req->packet->code, Code::ConfReq);
  EXPECT_NE(req->packet->id, *old_id) << "a new request gets a new Identifier (P028)";
  EXPECT_FALSE(next_out(*p.client)) << "only the Configure-Request: no NCP Terminate-Request";
  EXPECT_FALSE(p.client->restart_lcp(p.now)) << "renegotiating already";
  EXPECT_FALSE(p.client->restart_ipcp(p.now));

  // The server in Opened gets it: tld, scr, sca (RFC 1661 4.1, Opened x RCR+).
  p.server->handle_frame(req->frame, p.now);
  const auto sreq = next_out(*p.server);
  const auto sack = next_out(*p.server);
  ASSERT_TRUE(sreq && sreq->packet && sack && sack->packet);
  EXPECT_EQ(sreq->protocol, proto::kLcp);
  EXPECT_EQ(sreq->packet->code, Code::ConfReq);
  EXPECT_EQ(sack->packet->code, Code::ConfAck);
  EXPECT_EQ(sack->packet->id, req->packet->id);
  EXPECT_FALSE(next_out(*p.server));
  EXPECT_TRUE(p.server->renegotiating());
  p.client->handle_frame(sreq->frame, p.now);
  p.client->handle_frame(sack->frame, p.now);
  p.run(10s);

  EXPECT_FALSE(p.client->renegotiating());
  EXPECT_FALSE(p.server->renegotiating());
  const auto* back = Pair::find<LinkReopened>(p.client_events);
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->what, Renegotiation::Lcp);
  EXPECT_TRUE(back->up.ipv4);
  EXPECT_EQ(back->up.local_ip, testing::v4(10, 0, 0, 50));
  EXPECT_EQ(back->up.peer_ip, testing::v4(10, 0, 0, 1));
  EXPECT_EQ(back->up.method, GetParam());
  EXPECT_EQ(count_of<LinkUp>(p.client_events), 0u);
  EXPECT_EQ(count_of<LinkDown>(p.client_events), 0u);
  const auto* peer = Pair::find<LinkRenegotiating>(p.server_events);
  ASSERT_NE(peer, nullptr);
  EXPECT_EQ(peer->what, Renegotiation::Lcp);
  EXPECT_TRUE(peer->by_peer);
  const auto* need = Pair::find<NeedVerdict>(p.server_events);
  ASSERT_NE(need, nullptr) << "authentication runs again, and the LNS decides again";
  ASSERT_TRUE(need->credentials);
  EXPECT_EQ(need->credentials->user, "alice");
  EXPECT_EQ(verdicts_before, 1u);
  EXPECT_LT(index_of<LinkRenegotiating>(p.server_events), index_of<NeedVerdict>(p.server_events));
  EXPECT_LT(index_of<NeedVerdict>(p.server_events), index_of<LinkReopened>(p.server_events));
  EXPECT_EQ(count_of<LinkUp>(p.server_events), 0u);
  EXPECT_EQ(count_of<LinkDown>(p.server_events), 0u);

  // On the wire: LCP, then authentication, then IPCP (RFC 1661 3.3 to 3.5).
  const std::uint16_t auth = GetParam() == auth::Method::Pap ? proto::kPap : proto::kChap;
  const std::size_t last_lcp_ack = [&] {
    std::size_t at = p.wire.size();
    for (std::size_t i = 0; i < p.wire.size(); ++i)
      if (p.wire[i].protocol == proto::kLcp && p.wire[i].code == 2) at = i;
    return at;
  }();
  const std::size_t first_auth = p.first([&](const Seen& s) { return s.protocol == auth; });
  const std::size_t first_ipcp = p.first([](const Seen& s) { return s.protocol == proto::kIpcp; });
  ASSERT_LT(last_lcp_ack, p.wire.size());
  ASSERT_LT(first_auth, p.wire.size()) << "no authentication after the LCP restart";
  ASSERT_LT(first_ipcp, p.wire.size()) << "no IPCP after the LCP restart";
  EXPECT_LT(last_lcp_ack, first_auth);
  EXPECT_LT(first_auth, first_ipcp);
  if (auth == proto::kChap) {
    EXPECT_LT(
        p.first([](const Seen& s) { return s.protocol == proto::kChap && !s.to_server && s.code == 1; }),
        p.wire.size())
        << "a new CHAP Challenge";
  }
  EXPECT_LT(p.first([](const Seen& s) { return s.protocol == proto::kIpcp && s.to_server && s.code == 1; }),
            p.wire.size());

  EXPECT_TRUE(p.client->send_ip(ip_header()));
  EXPECT_TRUE(p.server->send_ip(ip_header()));
}

// restart_ipcp: only IPCP renegotiates. One IPCP Configure-Request with a new Identifier goes
// out; LCP and authentication stay (no LCP Configure-Request, no PAP/CHAP, no new verdict), the
// server reports the peer's IPCP renegotiation, both come back with LinkReopened.
TEST_P(LinkRestartTest, IpcpRestartRenegotiatesIpcpAlone) {
  UpPair p(GetParam());
  ASSERT_TRUE(p.client->is_up());
  const auto old_id = p.last_request(proto::kIpcp, true);
  ASSERT_TRUE(old_id);
  const auto lcp_requests = p.server->lcp().automaton().counters().conf_req_received;
  p.mark();

  ASSERT_TRUE(p.client->restart_ipcp(p.now));
  EXPECT_TRUE(p.client->renegotiating());
  EXPECT_FALSE(p.client->send_ip(ip_header()));
  const auto ev = p.client->poll_event();
  ASSERT_TRUE(ev);
  const auto* down = std::get_if<LinkRenegotiating>(&*ev);
  ASSERT_NE(down, nullptr);
  EXPECT_EQ(down->what, Renegotiation::Ipcp);
  EXPECT_FALSE(down->by_peer);
  const auto req = next_out(*p.client);
  ASSERT_TRUE(req && req->packet);
  EXPECT_EQ(req->protocol, proto::kIpcp);
  EXPECT_EQ(req->packet->code, Code::ConfReq);
  EXPECT_NE(req->packet->id, *old_id);
  EXPECT_FALSE(next_out(*p.client));
  EXPECT_TRUE(p.client->lcp().automaton().opened()) << "LCP stays";

  p.server->handle_frame(req->frame, p.now);
  const auto sreq = next_out(*p.server);
  const auto sack = next_out(*p.server);
  ASSERT_TRUE(sreq && sreq->packet && sack && sack->packet);
  EXPECT_EQ(sreq->protocol, proto::kIpcp);
  EXPECT_EQ(sreq->packet->code, Code::ConfReq);
  EXPECT_EQ(sack->protocol, proto::kIpcp);
  p.client->handle_frame(sreq->frame, p.now);
  p.client->handle_frame(sack->frame, p.now);
  p.run(10s);

  const auto* back = Pair::find<LinkReopened>(p.client_events);
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->what, Renegotiation::Ipcp);
  EXPECT_EQ(back->up.local_ip, testing::v4(10, 0, 0, 50));
  const auto* peer = Pair::find<LinkRenegotiating>(p.server_events);
  ASSERT_NE(peer, nullptr);
  EXPECT_EQ(peer->what, Renegotiation::Ipcp);
  EXPECT_TRUE(peer->by_peer);
  ASSERT_NE(Pair::find<LinkReopened>(p.server_events), nullptr);
  EXPECT_EQ(count_of<NeedVerdict>(p.server_events), 0u) << "no authentication for an IPCP restart";
  EXPECT_EQ(count_of<LinkDown>(p.client_events) + count_of<LinkDown>(p.server_events), 0u);
  EXPECT_EQ(p.count(proto::kPap) + p.count(proto::kChap), 0u);
  EXPECT_EQ(p.first([](const Seen& s) { return s.protocol == proto::kLcp && s.code == 1; }), p.wire.size());
  EXPECT_EQ(p.server->lcp().automaton().counters().conf_req_received, lcp_requests);
  EXPECT_TRUE(p.client->send_ip(ip_header()));
}

INSTANTIATE_TEST_SUITE_P(Methods, LinkRestartTest,
                         ::testing::Values(auth::Method::Pap, auth::Method::ChapMd5, auth::Method::MsChapV2),
                         [](const auto& info) { return std::string(auth::to_string(info.param)); });

// The other way round: the server (LNS) restarts LCP and the client, Opened, renegotiates as
// the peer: it reports the server's renegotiation, authenticates again and comes back up.
TEST(LinkRestart, ClientAnswersTheServersLcpRenegotiation) {
  UpPair p(auth::Method::ChapMd5);
  p.mark();
  ASSERT_TRUE(p.server->restart_lcp(p.now));
  p.run(10s);
  const auto* peer = Pair::find<LinkRenegotiating>(p.client_events);
  ASSERT_NE(peer, nullptr);
  EXPECT_EQ(peer->what, Renegotiation::Lcp);
  EXPECT_TRUE(peer->by_peer);
  ASSERT_NE(Pair::find<LinkReopened>(p.client_events), nullptr);
  ASSERT_NE(Pair::find<LinkReopened>(p.server_events), nullptr);
  EXPECT_EQ(count_of<NeedVerdict>(p.server_events), 1u);
  EXPECT_GT(p.count(proto::kChap), 0u);
  EXPECT_TRUE(p.client->is_up() && !p.client->renegotiating());
}

// Nothing to restart before the link is up, while it renegotiates, or once it has ended.
TEST(LinkRestart, OnlyAnUpLinkRestarts) {
  Pair p(client_config({auth::Method::Pap}), server_config({auth::Method::Pap}));
  EXPECT_FALSE(p.client->restart_lcp(p.now));
  p.client->start(p.now);
  EXPECT_FALSE(p.client->restart_lcp(p.now)) << "LCP not opened yet";
  EXPECT_FALSE(p.client->restart_ipcp(p.now));
  p.server->start(p.now);
  p.run(5s);
  ASSERT_TRUE(p.client->is_up());
  ASSERT_TRUE(p.client->restart_ipcp(p.now));
  EXPECT_FALSE(p.client->restart_lcp(p.now)) << "renegotiating already";
  p.run(5s);
  ASSERT_FALSE(p.client->renegotiating());
  p.client->close(p.now, "bye");
  p.run(10s);
  ASSERT_TRUE(p.client->finished());
  EXPECT_FALSE(p.client->restart_lcp(p.now));
  EXPECT_FALSE(p.client->restart_ipcp(p.now));
  EXPECT_EQ(count_of<LinkDown>(p.client_events), 1u);
}

// Many restarts of either kind, one after the other: each comes back, nothing piles up in the
// events, and the link carries IPv4 at the end.
TEST(LinkRestart, RepeatedRestartsEachComeBack) {
  UpPair p(auth::Method::ChapMd5);
  p.mark();
  constexpr int kRestarts = 40;
  for (int i = 0; i < kRestarts; ++i) {
    ASSERT_TRUE(i % 2 ? p.client->restart_ipcp(p.now) : p.client->restart_lcp(p.now)) << i;
    p.run(5s);
    ASSERT_FALSE(p.client->renegotiating()) << i;
  }
  EXPECT_EQ(count_of<LinkRenegotiating>(p.client_events), std::size_t{kRestarts});
  EXPECT_EQ(count_of<LinkReopened>(p.client_events), std::size_t{kRestarts});
  EXPECT_EQ(count_of<LinkReopened>(p.server_events), std::size_t{kRestarts});
  EXPECT_EQ(count_of<NeedVerdict>(p.server_events), std::size_t{kRestarts / 2});
  EXPECT_EQ(count_of<LinkDown>(p.client_events) + count_of<LinkDown>(p.server_events), 0u);
  EXPECT_TRUE(p.client->send_ip(ip_header()));
}

// A peer that does not answer the restart: LCP runs out of Configure-Requests (Max-Configure,
// RFC 1661 4.6) and the link ends in the LCP phase, as a first negotiation would.
TEST(LinkRestart, UnansweredLcpRestartEndsTheLinkInLcp) {
  UpPair p(auth::Method::Pap);
  p.mark();
  p.drop_server_to_client = true;
  ASSERT_TRUE(p.client->restart_lcp(p.now));
  p.run(60s);
  EXPECT_EQ(Pair::find<LinkReopened>(p.client_events), nullptr);
  const auto* down = Pair::find<LinkDown>(p.client_events);
  ASSERT_NE(down, nullptr);
  EXPECT_EQ(down->phase, Phase::Establish);
  EXPECT_EQ(down->cause.protocol, proto::kLcp);
  EXPECT_NE(down->reason.find("Configure"), std::string::npos) << down->reason;
}

// The peer stops answering IPCP only: the IPCP restart runs out of Configure-Requests and the
// link ends in the NCP phase (RFC 3145 cause 17, NCP timeout); LCP was up all along.
TEST(LinkRestart, UnansweredIpcpRestartEndsTheLinkInNcp) {
  UpPair p(auth::Method::Pap);
  p.mark();
  auto tap = p.drop;
  p.drop = [tap](bool to_server, Bytes frame) {
    tap(to_server, frame);
    return !to_server && testing::frame_is(frame, proto::kIpcp);
  };
  ASSERT_TRUE(p.client->restart_ipcp(p.now));
  p.run(60s);
  EXPECT_EQ(Pair::find<LinkReopened>(p.client_events), nullptr);
  const auto* down = Pair::find<LinkDown>(p.client_events);
  ASSERT_NE(down, nullptr);
  EXPECT_EQ(down->phase, Phase::Network);
  EXPECT_EQ(down->cause.code, 17);
  EXPECT_EQ(down->cause.protocol, proto::kIpcp);
}

// The server refuses the client when it authenticates again (its password changed meanwhile):
// the renegotiation ends both sides in the authentication phase, with the RFC 3145 cause.
TEST(LinkRestart, RefusedReauthenticationEndsTheLinkInAuth) {
  UpPair p(auth::Method::ChapMd5);
  p.mark();
  p.password = "changed";
  ASSERT_TRUE(p.client->restart_lcp(p.now));
  p.run(30s);
  const auto* cdown = Pair::find<LinkDown>(p.client_events);
  const auto* sdown = Pair::find<LinkDown>(p.server_events);
  ASSERT_NE(cdown, nullptr);
  ASSERT_NE(sdown, nullptr);
  EXPECT_EQ(cdown->phase, Phase::Authenticate);
  EXPECT_TRUE(cdown->auth_failed);
  EXPECT_EQ(sdown->phase, Phase::Authenticate);
  EXPECT_EQ(sdown->cause.code, 16);
  EXPECT_EQ(Pair::find<LinkReopened>(p.client_events), nullptr);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ppp
