// PppLayer (engine/driver/ppp_layer.cpp): the records a run keeps stay bounded however many
// sessions come and go: the first calls and the first failures whole, the rest counted.
#include "engine/driver/ppp_layer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "engine/driver/driver.hpp"
#include "engine/ppp/auth/verify.hpp"
#include "engine/sim/sim_net.hpp"
#include "tests/support/sim_nodes.hpp"
#include "tests/support/test_endpoints.hpp"

namespace l2tp {
namespace L2TPSIM_FILE_ID {

using sim::SimNet;

Duration secs(double s) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

// Any name; password "pw" (or refuses everyone); the peer gets 10.x.y.z from its link key.
class Users final : public Authorizer {
 public:
  std::optional<Decision> authorize(LinkKey key, const std::optional<ppp::auth::Credentials>& creds,
                                    std::function<void(Decision)>) override {
    Decision d;
    d.verdict = creds ? ppp::auth::verify_with_password(*creds, refuse ? "other" : "pw")
                      : ppp::auth::Verdict{true, {}, {}, {}};
    d.local = net::IpAddress::v4(10, 0, 0, 1);
    d.remote = net::IpAddress::v4(10, static_cast<std::uint8_t>(1 + (key.tunnel & 0x7f)),
                                  static_cast<std::uint8_t>(key.session >> 8),
                                  static_cast<std::uint8_t>(key.session & 0xff));
    return d;
  }
  std::string describe() const override { return "test users"; }
  bool refuse = false;
};

// A LAC and an LNS with CHAP and IPCP; the test opens calls in rounds and clears them.
struct Churn {
  explicit Churn(std::uint64_t records, std::uint64_t failures) : net(3, sim::LinkConfig{}) {
    NodeConfig lc = testing::sim_lac_config();
    NodeConfig nc = testing::sim_lns_config();
    lac = &net.add_driver(loopback_ep(2), lc);
    lns = &net.add_driver(loopback_ep(3), nc);
    PppSettings client;
    client.user = "user{n}";
    client.password = "pw";
    client.link.methods = {ppp::auth::Method::ChapMd5};
    PppSettings server;
    server.link.methods = {ppp::auth::Method::ChapMd5};
    client.link.keepalive.enabled = server.link.keepalive.enabled = false;
    client.session_records = server.session_records = records;
    client.failure_records = server.failure_records = failures;
    lac->set_ppp(std::make_unique<PppLayer>(client, ppp::Role::Client, net.rng(), nullptr));
    lns->set_ppp(std::make_unique<PppLayer>(server, ppp::Role::Server, net.rng(), &users));
    net.keep_events(false);
    net.keep_wire_log(false);
    tunnel = lac->node().open_tunnel(loopback_ep(2), loopback_ep(3), net.now());
    net.pump(lac->node());
  }
  // `n` calls in the tunnel, run until they are up (or failed); then every one cleared.
  void round(unsigned n) {
    std::vector<SessionId> calls;
    for (unsigned i = 0; i < n; ++i) {
      const auto s = lac->node().open_session(tunnel, net.now());
      ASSERT_TRUE(s);
      calls.push_back(*s);
    }
    net.pump(lac->node());
    net.run(net.now() + secs(20));
    for (const SessionId s : calls)
      lac->node().close_session(tunnel, s, ResultInfo{3, std::nullopt, "churn"}, net.now());
    net.pump(lac->node());
    net.run(net.now() + secs(5));
  }
  SimNet net;
  Users users;
  Driver* lac = nullptr;
  Driver* lns = nullptr;
  TunnelId tunnel{};
};

TEST(PppLayer, RecordsStayBoundedWhileSessionsComeAndGo) {
  Churn c(/*records=*/10, /*failures=*/5);
  for (int r = 0; r < 25; ++r) c.round(40);
  const PppLayer& lac = *c.lac->ppp();
  const PppLayer& lns = *c.lns->ppp();
  EXPECT_EQ(lac.counters().links, 1000u);
  EXPECT_EQ(lac.counters().up, 1000u);
  EXPECT_EQ(lac.counters().closed, 1000u);
  EXPECT_EQ(lns.counters().up, 1000u);
  // Nothing alive, and only the first ten calls' records held.
  EXPECT_EQ(lac.links(), 0u);
  EXPECT_EQ(lns.links(), 0u);
  EXPECT_EQ(lac.kept_records(), 10u);
  EXPECT_EQ(lns.kept_records(), 10u);
  const PppRecords r = lac.records();
  ASSERT_EQ(r.list.size(), 10u);
  EXPECT_EQ(r.omitted, 990u);
  for (const auto& rec : r.list) {
    EXPECT_LE(rec.call, 10u);
    EXPECT_EQ(rec.state, PppState::Closed);
    EXPECT_TRUE(rec.up_ms());
  }
  // The latencies are all there, in the histograms.
  EXPECT_EQ(lac.counters().up_latency.count(), 1000u);
  EXPECT_EQ(lac.counters().lcp_latency.count(), 1000u);
  EXPECT_EQ(lac.counters().auth_latency.count(), 1000u);
  EXPECT_EQ(lac.counters().ncp_latency.count(), 1000u);
}

TEST(PppLayer, FirstFailuresKeptTheRestCountedByPhaseAndCode) {
  Churn c(/*records=*/2, /*failures=*/3);
  c.users.refuse = true;
  for (int r = 0; r < 4; ++r) c.round(5);
  const PppLayer& lac = *c.lac->ppp();
  EXPECT_EQ(lac.counters().failed, 20u);
  EXPECT_EQ(lac.counters().auth_failures, 20u);
  EXPECT_EQ(lac.counters().failed_by_phase.at("auth"), 20u);
  EXPECT_EQ(lac.counters().failed_by_phase.size(), 1u);
  // The first two calls (failures themselves) and one more: the first three failures.
  const PppRecords r = lac.records();
  ASSERT_EQ(r.list.size(), 3u);
  EXPECT_EQ(r.omitted, 17u);
  std::uint64_t last_call = 0;
  for (const auto& rec : r.list) last_call = std::max(last_call, rec.call);
  EXPECT_EQ(last_call, 3u);
  for (const auto& rec : r.list) {
    EXPECT_EQ(rec.state, PppState::Failed);
    EXPECT_EQ(rec.phase_failed_name(), "auth");
    EXPECT_FALSE(rec.reason().empty());
  }
}

// close_link hangs up as a PPP peer does: LCP Terminate-Request, the peer's Terminate-Ack,
// then our CDN (result 3); the link ends closed, not failed.
TEST(PppLayer, CloseLinkTerminatesLcpBeforeTheCdn) {
  Churn c(/*records=*/10, /*failures=*/10);
  const auto s = c.lac->node().open_session(c.tunnel, c.net.now());
  ASSERT_TRUE(s);
  c.net.pump(c.lac->node());
  c.net.run(c.net.now() + secs(10));
  ASSERT_EQ(c.lac->ppp()->links_up(), 1u);
  c.net.keep_wire_log(true);
  const LinkKey key{c.tunnel.value, s->value};
  EXPECT_FALSE(c.lac->ppp()->close_link(c.lac->node(), LinkKey{c.tunnel.value, 999}, c.net.now(), "none"));
  ASSERT_TRUE(c.lac->ppp()->close_link(c.lac->node(), key, c.net.now(), "hang up"));
  c.net.pump(c.lac->node());
  c.net.run(c.net.now() + secs(10));
  // What crossed, in order: LCP codes 5 (Terminate-Request) and 6 (Terminate-Ack), "CDN n".
  std::vector<std::string> seen;
  for (const auto& d : c.net.wire_log()) {
    if (!d.bytes.empty() && (d.bytes[0] & 0x80)) {
      auto m = wire::decode_control(d.bytes);
      if (m && m->known_type() == MessageType::Cdn) {
        const auto* rc = m->find(AvpType::ResultCode)->get<avp::ResultCode>();
        seen.push_back("CDN " + std::to_string(rc ? rc->result : 0));
      }
    } else if (auto m = wire::decode_data(d.bytes); m && m->ppp.size() >= 5) {
      // Address/Control (ff 03), protocol c021, code.
      if (m->ppp[2] == 0xc0 && m->ppp[3] == 0x21 && (m->ppp[4] == 5 || m->ppp[4] == 6))
        seen.push_back(std::string(d.from == loopback_ep(2) ? "lac " : "lns ") +
                       (m->ppp[4] == 5 ? "TermReq" : "TermAck"));
    }
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"lac TermReq", "lns TermAck", "CDN 3"}));
  EXPECT_EQ(c.lac->ppp()->links(), 0u);
  EXPECT_EQ(c.lac->ppp()->counters().closed, 1u);
  EXPECT_EQ(c.lac->ppp()->counters().failed, 0u);
}

// The teardown's stop_all() covers calls whose setup crossed it: a call that comes up after it
// and is then cleared while PPP negotiates ends closed (cancelled with the run), not failed in
// the phase it was in. Seen in `lac --sim` under loss, where the ICRP of a call opened just
// before --duration arrived after the teardown began.
TEST(PppLayer, ALinkMadeAfterStopAllEndsWithTheTeardownNotAsAFailure) {
  Churn c(/*records=*/10, /*failures=*/10);
  c.lac->ppp()->stop_all(c.net.now());
  const auto s = c.lac->node().open_session(c.tunnel, c.net.now());
  ASSERT_TRUE(s);
  c.net.pump(c.lac->node());
  // Until the LAC's link is made (the ICCN was acknowledged), not until PPP is up.
  for (int i = 0; i < 1000 && c.lac->ppp()->counters().links == 0; ++i) c.net.run(c.net.now() + secs(1), 1);
  ASSERT_EQ(c.lac->ppp()->counters().links, 1u);
  ASSERT_EQ(c.lac->ppp()->links_up(), 0u);
  c.lac->node().close_session(c.tunnel, *s, ResultInfo{1, std::nullopt, "run finished"}, c.net.now());
  c.net.pump(c.lac->node());
  c.net.run(c.net.now() + secs(10));
  EXPECT_EQ(c.lac->ppp()->links(), 0u);
  EXPECT_EQ(c.lac->ppp()->counters().up, 0u);
  EXPECT_EQ(c.lac->ppp()->counters().closed, 1u);
  EXPECT_EQ(c.lac->ppp()->counters().failed, 0u);
}

// on_link_up tells of a link's first up only (the LAC's --session-lifetime counts from it): a
// renegotiation in place (LCP restarted, then IPCP again) is not a new up.
TEST(PppLayer, LinkUpIsToldAtTheFirstUpNotAfterARenegotiation) {
  Churn c(/*records=*/10, /*failures=*/10);
  std::vector<std::pair<LinkKey, Time>> told;
  c.lac->ppp()->on_link_up([&](LinkKey k, Time at) { told.emplace_back(k, at); });
  const auto s = c.lac->node().open_session(c.tunnel, c.net.now());
  ASSERT_TRUE(s);
  c.net.pump(c.lac->node());
  c.net.run(c.net.now() + secs(10));
  ASSERT_EQ(c.lac->ppp()->links_up(), 1u);
  const LinkKey key{c.tunnel.value, s->value};
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].first, key);
  EXPECT_EQ(told[0].second, c.lac->ppp()->counters().last_up);
  ASSERT_TRUE(c.lac->ppp()->restart_link(c.lac->node(), key, ppp::Renegotiation::Lcp, c.net.now()));
  c.net.pump(c.lac->node());
  c.net.run(c.net.now() + secs(10));
  ASSERT_EQ(c.lac->ppp()->counters().lcp_restarts.up, 1u);  // up again after the renegotiation
  EXPECT_EQ(told.size(), 1u);
}

TEST(PppRecords, MergeOfShardsKeepsTheRunsFirstCalls) {
  // Shard 0 numbers its calls 1, 3, 5...; shard 1 2, 4, 6...; each kept its calls up to 4.
  auto record = [](std::uint64_t call, PppState state) {
    PppRecord r;
    r.call = call;
    r.tunnel = static_cast<std::uint16_t>(call % 2);
    r.session = static_cast<std::uint16_t>(call);
    r.state = state;
    return r;
  };
  PppRecords a, b;
  a.list = {record(1, PppState::Closed), record(3, PppState::Closed), record(9, PppState::Failed),
            record(11, PppState::Failed)};
  a.omitted = 7;
  b.list = {record(2, PppState::Closed), record(4, PppState::Closed), record(6, PppState::Failed)};
  b.omitted = 3;
  a.merge(std::move(b), PppRecordLimits{4, 2});
  // Calls 1-4, and the first two failures (6, 9); 11 is now one too many.
  ASSERT_EQ(a.list.size(), 6u);
  EXPECT_EQ(a.omitted, 11u);
  std::vector<std::uint64_t> calls;
  for (const auto& r : a.list) calls.push_back(r.call);
  // In (tunnel, session) order.
  EXPECT_EQ(calls, (std::vector<std::uint64_t>{2, 4, 6, 1, 3, 9}));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
