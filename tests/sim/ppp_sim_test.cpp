// The one driver in virtual time: a LAC and an LNS, each a Driver with PPP (CHAP, IPCP), over
// SimNet. The same drain loop the Asio shard runs, with no clock and no socket.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "engine/driver/driver.hpp"
#include "engine/driver/pass_through_filter.hpp"
#include "engine/ppp/auth/verify.hpp"
#include "engine/sim/sim_net.hpp"
#include "tests/support/sim_nodes.hpp"
#include "tests/support/test_endpoints.hpp"

namespace l2tp::sim {
namespace L2TPSIM_FILE_ID {

Time at(double seconds) {
  return Time{} + std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
}

// The LNS's users: any name, password `password` ("pw"); the peer gets 10.x.y.z from its link key.
class TestAuthorizer final : public Authorizer {
 public:
  std::optional<Decision> authorize(LinkKey key, const std::optional<ppp::auth::Credentials>& creds,
                                    std::function<void(Decision)>) override {
    Decision d;
    d.verdict =
        creds ? ppp::auth::verify_with_password(*creds, password) : ppp::auth::Verdict{true, {}, {}, {}};
    d.local = net::IpAddress::v4(10, 0, 0, 1);
    d.remote = net::IpAddress::v4(10, static_cast<std::uint8_t>(1 + (key.tunnel & 0x7f)),
                                  static_cast<std::uint8_t>(key.session >> 8),
                                  static_cast<std::uint8_t>(key.session & 0xff));
    ++asked;
    return d;
  }
  std::string describe() const override { return "test users"; }
  unsigned asked = 0;
  std::string password = "pw";
};

struct PppPair {
  explicit PppPair(std::uint64_t seed, LinkConfig link, unsigned retries = 10, bool keepalive = true)
      : net(seed, link) {
    NodeConfig lc = testing::sim_lac_config();
    NodeConfig nc = testing::sim_lns_config();
    // At 20% loss each way a message and its ack both get through with p = 0.64: five retries
    // fail for about 1 message in 450, so a run of thousands raises the limit, as an operator
    // would on such a link.
    lc.tunnel.reliability.max_retries = nc.tunnel.reliability.max_retries = retries;
    lac = &net.add_driver(loopback_ep(2), lc);
    lns = &net.add_driver(loopback_ep(3), nc);
    PppSettings client;
    client.user = "user{n}";
    client.password = "pw";
    client.link.methods = {ppp::auth::Method::ChapMd5};
    PppSettings server;
    server.link.methods = {ppp::auth::Method::ChapMd5};
    client.link.keepalive.enabled = server.link.keepalive.enabled = keepalive;
    lac->set_ppp(std::make_unique<PppLayer>(client, ppp::Role::Client, net.rng(), nullptr));
    lns->set_ppp(std::make_unique<PppLayer>(server, ppp::Role::Server, net.rng(), &users));
  }
  // `tunnels` tunnels with `sessions` calls each, opened at once.
  void open(unsigned tunnels, unsigned sessions) {
    for (unsigned i = 0; i < tunnels; ++i) {
      const TunnelId t = lac->node().open_tunnel(loopback_ep(2), loopback_ep(3), net.now());
      for (unsigned s = 0; s < sessions; ++s) ASSERT_TRUE(lac->node().open_session(t, net.now()));
    }
    net.pump(lac->node());
  }
  SimNet net;
  TestAuthorizer users;
  Driver* lac = nullptr;
  Driver* lns = nullptr;
};

TEST(DriverSim, OneCallBringsPppUpWithChapAndIpcp) {
  PppPair p(1, LinkConfig{});
  p.open(1, 1);
  p.net.run(at(10));
  ASSERT_EQ(p.lac->ppp()->counters().up, 1u);
  ASSERT_EQ(p.lns->ppp()->counters().up, 1u);
  const PppRecords lac_records = p.lac->ppp()->records(), lns_records = p.lns->ppp()->records();
  ASSERT_EQ(lac_records.list.size(), 1u);
  ASSERT_EQ(lns_records.list.size(), 1u);
  const PppRecord& lac = lac_records.list.front();
  const PppRecord& lns = lns_records.list.front();
  EXPECT_EQ(lac.auth, ppp::auth::Method::ChapMd5);
  EXPECT_EQ(lns.user, "user1");
  ASSERT_TRUE(lac.local_ip && lns.remote_ip);
  EXPECT_EQ(*lac.local_ip, *lns.remote_ip);  // the address the LNS gave
  EXPECT_EQ(lac.remote_ip->address(), net::IpAddress::v4(10, 0, 0, 1));
  // No loss: LCP at the ICCN's acknowledgement, no restart timer on the way (well under 3 s).
  ASSERT_TRUE(lac.up_ms());
  EXPECT_LT(*lac.up_ms(), 200.0);
}

// One timer heap per driver: every tunnel's deadline under its Tunnel ID and every PPP link's
// under its LinkKey, and the driver's next deadline is that heap's (O(1), nothing scanned).
TEST(DriverSim, OneHeapHoldsEveryTunnelAndLinkDeadline) {
  PppPair p(3, LinkConfig{});  // LCP echoes on: every link that is up keeps a deadline
  p.open(2, 3);
  p.net.run(at(5));
  ASSERT_EQ(p.lac->ppp()->counters().up, 6u);
  for (const Driver* d : {p.lac, p.lns}) {
    const TimerHeap& heap = d->timers();
    std::size_t tunnels = 0, links = 0;
    for (std::uint32_t id = 1; id <= 0xFFFF; ++id)
      if (heap.contains(id)) ++tunnels;
    d->node().for_each_tunnel([&](const tunnel::Tunnel& t) {
      for (std::uint32_t s = 1; s <= 0xFFFF; ++s)
        if (heap.contains(LinkKey{t.local_id().value, static_cast<std::uint16_t>(s)}.value())) ++links;
    });
    EXPECT_EQ(tunnels, 2u);  // HELLO timers
    EXPECT_EQ(links, 6u);    // LCP echo timers
    EXPECT_EQ(heap.size(), tunnels + links);
    EXPECT_EQ(d->poll_timeout(), heap.next());
    EXPECT_EQ(d->node().poll_timeout(), heap.next());  // the node shares it
  }
  // Expiry touches only what is due: after the next deadline, every timer is still there (each
  // re-armed or untouched), and the run goes on to tear everything down cleanly.
  const Time next = *p.lac->poll_timeout();
  p.net.run(next);
  EXPECT_EQ(p.lac->ppp()->counters().up, 6u);
  EXPECT_EQ(p.lac->ppp()->counters().failed, 0u);
}

// A thousand calls over ten tunnels on a link that loses 20% of the datagrams both ways, and
// duplicates and reorders as many, control and PPP alike: every call and every PPP link comes
// up on both sides, and the run repeats to the datagram with the same seed.
TEST(DriverSim, AThousandPppSessionsUnderLossDuplicationAndReordering) {
  LinkConfig link;
  link.loss = 0.2;
  link.duplicate = 0.2;
  link.reorder = 0.2;
  link.control_only = false;
  auto run = [&](std::uint64_t seed) {
    // Without LCP echoes: five missed at 20% loss each way (0.36^5 a try) would clear about one
    // link in seven over the ten minutes, as on a real link this bad; not what this test is about.
    auto p = std::make_unique<PppPair>(seed, link, 10, false);
    p->net.keep_events(false);
    p->open(10, 100);
    p->net.run(at(600));
    return p;
  };
  const auto a = run(7);
  const auto& lac = a->lac->ppp()->counters();
  const auto& lns = a->lns->ppp()->counters();
  EXPECT_EQ(lac.links, 1000u);
  EXPECT_EQ(lac.up, 1000u);
  EXPECT_EQ(lac.failed, 0u);
  EXPECT_EQ(lns.up, 1000u);
  EXPECT_EQ(lns.failed, 0u);
  EXPECT_GE(a->users.asked, 1000u);
  EXPECT_EQ(a->lac->node().live_tunnels(), 10u);
  // The faults really happened, to PPP frames too.
  EXPECT_GT(a->net.dropped(), 1000u);
  EXPECT_GT(a->net.duplicated(), 1000u);
  EXPECT_GT(a->net.reordered(), 1000u);
  std::set<std::string> failures;
  const PppRecords records = a->lac->ppp()->records();
  EXPECT_EQ(records.list.size(), 1000u);  // the first 1,000 calls: every one
  for (const auto& r : records.list)
    if (r.state != PppState::Up)
      failures.insert(std::string(to_string(r.state)) + " " + r.phase_failed_name() + ": " + r.reason());
  EXPECT_TRUE(failures.empty()) << *failures.begin();
  // Up within 5 minutes of virtual time, despite restarts (3 s each) on lost Configure-Requests.
  double slowest = 0;
  for (const auto& r : records.list) slowest = std::max(slowest, r.up_ms().value_or(1e9));
  EXPECT_LT(slowest, 300'000.0);

  // The same seed, the same wire: every datagram at the same time, between the same ends.
  const auto b = run(7);
  ASSERT_EQ(a->net.wire_log().size(), b->net.wire_log().size());
  for (std::size_t i = 0; i < a->net.wire_log().size(); ++i) {
    const auto& x = a->net.wire_log()[i];
    const auto& y = b->net.wire_log()[i];
    ASSERT_TRUE(x.at == y.at && x.from == y.from && x.to == y.to && x.bytes == y.bytes) << "datagram " << i;
  }
  // Another seed, another wire.
  const auto c = run(8);
  EXPECT_NE(a->net.wire_log().size(), c->net.wire_log().size());
}

// The LinkKeys of the LAC's links, from its records.
std::vector<LinkKey> lac_links(const PppPair& p) {
  std::vector<LinkKey> keys;
  for (const auto& r : p.lac->ppp()->records().list) keys.push_back(LinkKey{r.tunnel, r.session});
  return keys;
}

bool session_went_down(const PppPair& p) {
  for (const Driver* d : {p.lac, p.lns})
    for (const auto& ev : p.net.events(d->node()))
      if (std::holds_alternative<SessionDown>(ev.event.body)) return true;
  return false;
}

// PPP renegotiated in place over L2TP (l2tpsim lac --flap-kind lcp-restart, ipcp-restart): the
// LAC's layer restarts LCP or IPCP on calls that are up, the LNS's links renegotiate as the peer
// (authenticating again after LCP, so its authorizer decides again), every restart comes back up
// on both sides and the calls stay: no CDN, no second LinkUp, nothing failed or closed.
TEST(DriverSim, PppRestartsInPlaceComeBackUpOnBothSidesAndKeepTheCalls) {
  PppPair p(5, LinkConfig{});
  p.open(2, 10);
  p.net.run(at(5));
  const auto keys = lac_links(p);
  ASSERT_EQ(keys.size(), 20u);
  ASSERT_EQ(p.lac->ppp()->counters().up, 20u);
  const unsigned asked = p.users.asked;
  std::uint64_t lcp = 0, ipcp = 0;
  double t = 5;
  for (int round = 0; round < 6; ++round) {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const auto what = (i + round) % 2 ? ppp::Renegotiation::Ipcp : ppp::Renegotiation::Lcp;
      ASSERT_TRUE(p.lac->ppp()->restart_link(p.lac->node(), keys[i], what, p.net.now())) << round << " " << i;
      ++(what == ppp::Renegotiation::Lcp ? lcp : ipcp);
      EXPECT_FALSE(p.lac->ppp()->is_up(keys[i])) << "renegotiating: not up for another flap";
      EXPECT_FALSE(p.lac->ppp()->restart_link(p.lac->node(), keys[i], what, p.net.now()));
    }
    p.net.pump(p.lac->node());
    p.net.run(at(t += 2));
    for (const auto& k : keys) ASSERT_TRUE(p.lac->ppp()->is_up(k)) << "round " << round;
  }
  const PppCounters& lac = p.lac->ppp()->counters();
  const PppCounters& lns = p.lns->ppp()->counters();
  EXPECT_EQ(lac.lcp_restarts.ours, lcp);
  EXPECT_EQ(lac.lcp_restarts.up, lcp);
  EXPECT_EQ(lac.lcp_restarts.failed, 0u);
  EXPECT_EQ(lac.lcp_restarts.latency.count(), lcp);
  EXPECT_EQ(lac.ipcp_restarts.ours, ipcp);
  EXPECT_EQ(lac.ipcp_restarts.up, ipcp);
  EXPECT_EQ(lac.ipcp_restarts.latency.count(), ipcp);
  EXPECT_EQ(lac.lcp_restarts.by_peer + lac.ipcp_restarts.by_peer, 0u);
  // No loss, 5 ms each way: LCP, CHAP and IPCP again in a few round trips, IPCP in one or two.
  EXPECT_LT(lac.lcp_restarts.latency.max_us(), 200'000u);
  EXPECT_LT(lac.ipcp_restarts.latency.max_us(), lac.lcp_restarts.latency.min_us());
  EXPECT_EQ(lns.lcp_restarts.by_peer, lcp);
  EXPECT_EQ(lns.lcp_restarts.up, lcp);
  EXPECT_EQ(lns.ipcp_restarts.by_peer, ipcp);
  EXPECT_EQ(lns.ipcp_restarts.up, ipcp);
  EXPECT_EQ(lns.lcp_restarts.ours + lns.ipcp_restarts.ours, 0u);
  EXPECT_EQ(p.users.asked, asked + lcp) << "the LNS decides again after every LCP restart, only then";
  for (const PppCounters* c : {&lac, &lns}) {
    EXPECT_EQ(c->up, 20u) << "no second LinkUp";
    EXPECT_EQ(c->failed, 0u);
    EXPECT_EQ(c->closed, 0u);
  }
  EXPECT_FALSE(session_went_down(p));
  for (const auto& r : p.lac->ppp()->records().list) {
    EXPECT_EQ(r.state, PppState::Up);
    EXPECT_TRUE(r.local_ip);
  }
}

// Drops every L2TP data message (T bit clear) the LAC receives: PPP from the LNS never arrives.
class DropDataIn final : public l2tp::PassThroughFilter {
 public:
  void take(WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst, Bytes bytes,
            Time) override {
    if (dir == WireDirection::In && !bytes.empty() && (bytes[0] & 0x80) == 0) return;
    pass(dir, src, dst, bytes);
  }
};

// A restart that does not come back up is a PPP failure of the phase it stopped in, the call
// cleared as for any PPP failure: the LNS refusing the password it gets again ends in auth; an LNS
// whose PPP no longer arrives ends in lcp once the Configure-Requests run out (RFC 1661 4.6).
TEST(DriverSim, PppRestartThatDoesNotComeBackUpFailsItsPhase) {
  {
    PppPair p(6, LinkConfig{});
    p.open(1, 2);
    p.net.run(at(5));
    const auto keys = lac_links(p);
    ASSERT_EQ(keys.size(), 2u);
    p.users.password = "changed";
    ASSERT_TRUE(p.lac->ppp()->restart_link(p.lac->node(), keys[0], ppp::Renegotiation::Lcp, p.net.now()));
    p.net.pump(p.lac->node());
    p.net.run(at(30));
    const PppCounters& lac = p.lac->ppp()->counters();
    EXPECT_EQ(lac.lcp_restarts.ours, 1u);
    EXPECT_EQ(lac.lcp_restarts.up, 0u);
    EXPECT_EQ(lac.lcp_restarts.failed, 1u);
    EXPECT_EQ(lac.failed, 1u);
    EXPECT_EQ(lac.failed_by_phase.count("auth"), 1u);
    EXPECT_EQ(lac.auth_failures, 1u);
    EXPECT_EQ(p.lns->ppp()->counters().lcp_restarts.failed, 1u);
    const auto records = p.lac->ppp()->records().list;
    ASSERT_EQ(records.size(), 2u);
    const auto& failed = records[0].session == keys[0].session ? records[0] : records[1];
    EXPECT_EQ(failed.state, PppState::Failed);
    EXPECT_EQ(failed.phase_failed_name(), "auth");
    EXPECT_NE(failed.reason().find("LCP renegotiation in place failed"), std::string::npos)
        << failed.reason();
    EXPECT_TRUE(p.lac->ppp()->is_up(keys[1])) << "the other call is untouched";
  }
  {
    PppPair p(7, LinkConfig{}, 10, false);
    p.open(1, 1);
    p.net.run(at(5));
    const auto keys = lac_links(p);
    ASSERT_EQ(keys.size(), 1u);
    DropDataIn drop;
    p.net.set_filter(p.lac->node(), &drop);
    ASSERT_TRUE(p.lac->ppp()->restart_link(p.lac->node(), keys[0], ppp::Renegotiation::Lcp, p.net.now()));
    p.net.pump(p.lac->node());
    p.net.run(at(60));
    const PppCounters& lac = p.lac->ppp()->counters();
    EXPECT_EQ(lac.lcp_restarts.failed, 1u);
    EXPECT_EQ(lac.failed_by_phase.count("lcp"), 1u);
    const auto records = p.lac->ppp()->records().list;
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].state, PppState::Failed);
    EXPECT_EQ(records[0].phase_failed_name(), "lcp");
    EXPECT_TRUE(session_went_down(p)) << "the LAC cleared the call (CDN)";
    p.net.set_filter(p.lac->node(), nullptr);
  }
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::sim
