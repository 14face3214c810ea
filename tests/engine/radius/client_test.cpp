// The sans-I/O RADIUS client in virtual time against a fake server built from the codec:
// matching, retransmission, timeouts, failover, Identifier exhaustion and forged replies.
#include "engine/radius/client.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "engine/radius/authenticators.hpp"

namespace l2tp::radius {
namespace L2TPSIM_FILE_ID {

using ppp::auth::Credentials;
using ppp::auth::Method;

net::Endpoint ep(std::uint8_t last, std::uint16_t port) {
  return {net::IpAddress::v4(127, 0, 0, last), port};
}

ServerConfig primary() {
  return {ep(1, 1812), ep(1, 1813), "testing123"};
}
ServerConfig secondary() {
  return {ep(2, 1812), ep(2, 1813), "other-secret"};
}

Credentials pap(const std::string& user = "alice") {
  Credentials c;
  c.method = Method::Pap;
  c.user = user;
  c.password = "pw";
  return c;
}

RequestContext nas() {
  RequestContext ctx;
  ctx.nas_identifier = "test-nas";
  return ctx;
}

AccountingRecord acct(const std::string& session_id) {
  AccountingRecord r;
  r.session_id = session_id;
  r.context = nas();
  return r;
}

// A server's answer to `request`, signed with `secret`.
Buffer answer(const Buffer& request, Code code, std::string_view secret,
              const std::function<void(Packet&)>& fill = {}) {
  auto req = decode(request);
  EXPECT_TRUE(req);
  Packet p;
  p.code = code;
  p.identifier = req->identifier;
  if (fill) fill(p);
  Buffer wire = *encode(p);
  EXPECT_TRUE(sign_response(wire, req->authenticator, secret));
  return wire;
}

struct Fixture : ::testing::Test {
  SeededRng rng{5};
  Time now = time_from_ns(1'000'000'000);

  std::vector<Transmit> sent(Client& c) {
    std::vector<Transmit> out;
    while (auto t = c.poll_transmit()) out.push_back(std::move(*t));
    return out;
  }
  std::vector<ClientEvent> events(Client& c) {
    std::vector<ClientEvent> out;
    while (auto e = c.poll_event()) out.push_back(std::move(*e));
    return out;
  }
  // Advances to the client's next deadline and fires it.
  void expire(Client& c) {
    ASSERT_TRUE(c.poll_timeout());
    now = *c.poll_timeout();
    c.handle_timeout(now);
  }
};

using RadiusClient = Fixture;

TEST_F(RadiusClient, PapAcceptedWithServerAssignedAddress) {
  Client c(primary(), {}, rng);
  c.authenticate(77, pap(), nas(), now);
  auto out = sent(c);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, ep(1, 1812));
  EXPECT_TRUE(verify_request(out[0].data, "testing123"));  // Message-Authenticator filled
  EXPECT_EQ(c.pending(), 1u);
  EXPECT_EQ(c.poll_timeout(), now + std::chrono::seconds(3));

  c.handle_datagram(
      ep(1, 1812),
      answer(out[0].data, Code::AccessAccept, "testing123",
             [](Packet& p) { p.add_address(AttrType::FramedIpAddress, net::IpAddress::v4(10, 9, 8, 7)); }),
      now);
  auto ev = events(c);
  ASSERT_EQ(ev.size(), 1u);
  const auto& done = std::get<AuthDone>(ev[0]);
  EXPECT_EQ(done.token, 77u);
  EXPECT_EQ(done.result.status, AuthStatus::Accepted);
  EXPECT_TRUE(done.result.verdict.accepted);
  EXPECT_EQ(done.result.framed_ip->to_string(), "10.9.8.7");
  EXPECT_EQ(done.result.server, "127.0.0.1:1812");
  EXPECT_EQ(c.pending(), 0u);
  EXPECT_FALSE(c.poll_timeout());
  EXPECT_EQ(c.stats().accepts, 1u);
}

TEST_F(RadiusClient, RetransmitsSameBytesThenTimesOut) {
  ClientConfig cfg;
  cfg.timeout = std::chrono::milliseconds(500);
  cfg.retries = 2;
  Client c(primary(), cfg, rng);
  c.authenticate(1, pap(), nas(), now);
  const Buffer first = sent(c).at(0).data;
  const Time start = now;

  c.handle_timeout(now + std::chrono::milliseconds(499));  // early: nothing happens
  EXPECT_TRUE(sent(c).empty());
  for (int i = 0; i < 2; ++i) {
    expire(c);
    auto out = sent(c);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].data, first);  // same Identifier and authenticator
    EXPECT_TRUE(events(c).empty());
  }
  expire(c);
  EXPECT_TRUE(sent(c).empty());
  EXPECT_EQ(now - start, std::chrono::milliseconds(1500));
  auto ev = events(c);
  ASSERT_EQ(ev.size(), 1u);
  const auto& r = std::get<AuthDone>(ev[0]).result;
  EXPECT_EQ(r.status, AuthStatus::TimedOut);
  EXPECT_FALSE(r.verdict.accepted);
  EXPECT_EQ(r.verdict.reason, "no answer from 127.0.0.1:1812 after 3 transmissions each, 500 ms apart");
  EXPECT_EQ(c.stats().retransmissions, 2u);
  EXPECT_EQ(c.stats().auth_timeouts, 1u);
  EXPECT_EQ(c.pending(), 0u);
  EXPECT_FALSE(c.poll_timeout());
}

TEST_F(RadiusClient, LateAnswerToRetransmittedRequestCompletesIt) {
  Client c(primary(), {}, rng);
  c.authenticate(1, pap(), nas(), now);
  const Buffer req = sent(c).at(0).data;
  expire(c);
  ASSERT_EQ(sent(c).size(), 1u);
  c.handle_datagram(ep(1, 1812), answer(req, Code::AccessReject, "testing123"), now);
  auto ev = events(c);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(std::get<AuthDone>(ev[0]).result.status, AuthStatus::Rejected);
  // The second copy's answer arrives too: nothing is waiting for it any more.
  c.handle_datagram(ep(1, 1812), answer(req, Code::AccessReject, "testing123"), now);
  EXPECT_TRUE(events(c).empty());
  EXPECT_EQ(c.stats().unmatched, 1u);
}

TEST_F(RadiusClient, ForgedWrongSourceAndMalformedRepliesAreDropped) {
  Client c(primary(), {}, rng);
  c.authenticate(1, pap(), nas(), now);
  const Buffer req = sent(c).at(0).data;
  c.handle_datagram(ep(1, 1812), answer(req, Code::AccessAccept, "guessed"), now);
  c.handle_datagram(ep(3, 1812), answer(req, Code::AccessAccept, "testing123"), now);
  c.handle_datagram(ep(1, 1813), answer(req, Code::AccessAccept, "testing123"), now);
  c.handle_datagram(ep(1, 1812), Buffer{2, 0, 0}, now);
  c.handle_datagram(ep(1, 1812), answer(req, Code::AccountingResponse, "testing123"), now);
  EXPECT_TRUE(events(c).empty());
  EXPECT_EQ(c.stats().bad_authenticator, 1u);
  EXPECT_EQ(c.stats().unmatched, 2u);
  EXPECT_EQ(c.stats().malformed, 1u);
  EXPECT_EQ(c.stats().unexpected_code, 1u);
  EXPECT_EQ(c.pending(), 1u);
  c.handle_datagram(ep(1, 1812), answer(req, Code::AccessAccept, "testing123"), now);
  ASSERT_EQ(events(c).size(), 1u);
}

TEST_F(RadiusClient, RequireMessageAuthenticatorDropsRepliesWithoutIt) {
  ClientConfig cfg;
  cfg.require_message_authenticator = true;
  Client c(primary(), cfg, rng);
  c.authenticate(1, pap(), nas(), now);
  const Buffer req = sent(c).at(0).data;
  c.handle_datagram(ep(1, 1812), answer(req, Code::AccessAccept, "testing123"), now);
  EXPECT_TRUE(events(c).empty());
  EXPECT_EQ(c.stats().bad_authenticator, 1u);
  c.handle_datagram(ep(1, 1812),
                    answer(req, Code::AccessAccept, "testing123",
                           [](Packet& p) { p.add(AttrType::MessageAuthenticator, Authenticator{}); }),
                    now);
  EXPECT_EQ(events(c).size(), 1u);
}

TEST_F(RadiusClient, FailsOverToSecondaryAndKeepsUsingIt) {
  ClientConfig cfg;
  cfg.retries = 1;
  cfg.secondary = secondary();
  Client c(primary(), cfg, rng);
  c.authenticate(1, pap(), nas(), now);
  ASSERT_EQ(sent(c).at(0).to, ep(1, 1812));
  expire(c);
  ASSERT_EQ(sent(c).size(), 1u);
  expire(c);  // primary exhausted: rebuilt for the secondary, its own secret
  auto out = sent(c);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, ep(2, 1812));
  EXPECT_TRUE(verify_request(out[0].data, "other-secret"));
  EXPECT_EQ(c.active_server(), 1u);
  c.handle_datagram(ep(2, 1812), answer(out[0].data, Code::AccessAccept, "other-secret"), now);
  auto ev = events(c);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(std::get<AuthDone>(ev[0]).result.status, AuthStatus::Accepted);
  EXPECT_EQ(std::get<AuthDone>(ev[0]).result.server, "127.0.0.2:1812");
  EXPECT_EQ(c.stats().failovers, 1u);

  c.account(2, acct("s1"), now);
  EXPECT_EQ(sent(c).at(0).to, ep(2, 1813));
}

TEST_F(RadiusClient, BothServersSilentReportsBoth) {
  ClientConfig cfg;
  cfg.retries = 0;
  cfg.secondary = secondary();
  Client c(primary(), cfg, rng);
  c.authenticate(1, pap(), nas(), now);
  expire(c);
  expire(c);
  auto ev = events(c);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(std::get<AuthDone>(ev[0]).result.verdict.reason,
            "no answer from 127.0.0.1:1812, 127.0.0.2:1812 after 1 transmissions each, 3 s apart");
}

TEST_F(RadiusClient, QueuesWhenAll256IdentifiersAreInUse) {
  Client c(primary(), {}, rng);
  for (std::uint64_t t = 0; t < 300; ++t) c.authenticate(t, pap(), nas(), now);
  auto out = sent(c);
  ASSERT_EQ(out.size(), 256u);
  std::set<std::uint8_t> ids;
  for (const auto& t : out) ids.insert(t.data[1]);
  EXPECT_EQ(ids.size(), 256u);
  EXPECT_EQ(c.pending(), 300u);
  EXPECT_EQ(c.stats().queue_peak, 44u);

  // One answer frees one Identifier: the first queued request goes out with it.
  c.handle_datagram(ep(1, 1812), answer(out[10].data, Code::AccessAccept, "testing123"), now);
  auto ev = events(c);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(std::get<AuthDone>(ev[0]).token, 10u);
  auto more = sent(c);
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0].data[1], out[10].data[1]);
  EXPECT_EQ(c.pending(), 299u);

  // Accounting has its own destination, so its own 256 Identifiers.
  c.account(1000, acct("s"), now);
  EXPECT_EQ(sent(c).size(), 1u);

  // Everything eventually times out, queued requests included, and the client drains.
  while (c.poll_timeout()) expire(c);
  std::size_t timeouts = 0;
  for (const auto& e : events(c)) timeouts += std::holds_alternative<AuthDone>(e);
  EXPECT_EQ(timeouts, 299u);
  EXPECT_EQ(c.pending(), 0u);
}

TEST_F(RadiusClient, AccountingAnsweredAndTimedOut) {
  Client c(primary(), {}, rng);
  AccountingRecord r;
  r.status = AcctStatus::Stop;
  r.session_id = "abc";
  r.context = nas();
  c.account(5, r, now);
  auto out = sent(c);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, ep(1, 1813));
  EXPECT_TRUE(verify_request(out[0].data, "testing123"));
  c.handle_datagram(ep(1, 1813), answer(out[0].data, Code::AccountingResponse, "testing123"), now);
  auto ev = events(c);
  ASSERT_EQ(ev.size(), 1u);
  const auto& done = std::get<AcctDone>(ev[0]);
  EXPECT_EQ(done.token, 5u);
  EXPECT_EQ(done.status, AcctStatus::Stop);
  EXPECT_TRUE(done.ok);
  EXPECT_EQ(done.server, "127.0.0.1:1813");

  c.account(6, r, now);
  while (c.poll_timeout()) expire(c);
  ev = events(c);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_FALSE(std::get<AcctDone>(ev[0]).ok);
  EXPECT_NE(std::get<AcctDone>(ev[0]).error.find("127.0.0.1:1813"), std::string::npos);
  EXPECT_EQ(c.stats().acct_timeouts, 1u);
  EXPECT_EQ(c.stats().accounting_requests, 2u);
}

TEST_F(RadiusClient, UnbuildableRequestsFailAtOnce) {
  Client c(primary(), {}, rng);
  c.authenticate(3, pap(), RequestContext{}, now);  // no NAS
  c.account(4, acct(""), now);
  EXPECT_TRUE(sent(c).empty());
  auto ev = events(c);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(std::get<AuthDone>(ev[0]).result.status, AuthStatus::Failed);
  EXPECT_NE(std::get<AuthDone>(ev[0]).result.verdict.reason.find("NAS"), std::string::npos);
  EXPECT_FALSE(std::get<AcctDone>(ev[1]).ok);
  EXPECT_EQ(c.stats().build_errors, 2u);
  EXPECT_EQ(c.pending(), 0u);
  EXPECT_FALSE(c.poll_timeout());
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::radius
