// Proxy LCP and proxy authentication (RFC 2661 4.4.5): the values a LAC builds, the
// credentials an LNS reads back from them, and two Links that take a proxied negotiation over
// (nothing of LCP or authentication on the wire), refuse it, or renegotiate (R116, R120, R353).
#include "engine/ppp/proxy.hpp"

#include <gtest/gtest.h>

#include "engine/crypto/md5.hpp"
#include "engine/ppp/auth/verify.hpp"
#include "engine/ppp/options.hpp"
#include "tests/engine/ppp/link_pair.hpp"

namespace l2tp::ppp {
namespace L2TPSIM_FILE_ID {

using namespace std::chrono_literals;
using testing::client_config;
using testing::Pair;
using testing::server_config;
namespace pa = session::proxy_authen;

// The options of an LCP Configure-Request information field, as type -> value.
std::map<std::uint8_t, Buffer> options_of(const Buffer& list) {
  std::map<std::uint8_t, Buffer> out;
  OptionReader r(list);
  while (auto next = r.next()) {
    EXPECT_TRUE(*next) << "malformed option list";
    if (!*next) break;
    out[next->value().type] = Buffer(next->value().value.begin(), next->value().value.end());
  }
  return out;
}

session::ProxyPpp proxy_for(std::vector<auth::Method> allow, const std::string& password = "secret",
                            std::uint64_t seed = 7) {
  SeededRng rng(seed);
  auto p = make_proxy_ppp(client_config(std::move(allow)), "alice", password, rng);
  EXPECT_TRUE(p) << (p ? "" : p.error());
  return p ? *p : session::ProxyPpp{};
}

TEST(ProxyPpp, R121_PapCarriesNameAndPasswordAndLcpAsksForPap) {
  const auto p = proxy_for({auth::Method::Pap});
  ASSERT_TRUE(p.authen_type);
  EXPECT_EQ(*p.authen_type, pa::kPap);
  EXPECT_EQ(p.authen_name, "alice");
  EXPECT_EQ(std::string(p.authen_response.begin(), p.authen_response.end()), "secret");
  EXPECT_TRUE(p.authen_challenge.empty());
  // The LAC's request (Last Sent) names PAP; the client's (Initial = Last Received) does not.
  const auto sent = options_of(p.last_sent_confreq);
  ASSERT_TRUE(sent.count(lcp_option::kAuthProtocol));
  EXPECT_EQ(sent.at(lcp_option::kAuthProtocol), (Buffer{0xc0, 0x23}));
  EXPECT_EQ(p.initial_received_confreq, p.last_received_confreq);
  const auto received = options_of(p.last_received_confreq);
  EXPECT_FALSE(received.count(lcp_option::kAuthProtocol));
  // Both ends have a non-zero Magic-Number, and they differ.
  ASSERT_TRUE(sent.count(lcp_option::kMagicNumber) && received.count(lcp_option::kMagicNumber));
  EXPECT_NE(sent.at(lcp_option::kMagicNumber), received.at(lcp_option::kMagicNumber));
  EXPECT_NE(sent.at(lcp_option::kMagicNumber), (Buffer{0, 0, 0, 0}));
}

TEST(ProxyPpp, R123_R125_ChapResponseIsMd5OfIdSecretAndChallenge) {
  const auto p = proxy_for({auth::Method::ChapMd5, auth::Method::Pap});
  ASSERT_TRUE(p.authen_type);
  EXPECT_EQ(*p.authen_type, pa::kChap);
  ASSERT_TRUE(p.authen_id);
  EXPECT_LE(*p.authen_id, 0xffu);
  ASSERT_EQ(p.authen_challenge.size(), 16u);
  // RFC 1994 4.1, computed here from its definition: MD5(Identifier || secret || Challenge).
  Buffer input{static_cast<std::uint8_t>(*p.authen_id)};
  for (char c : std::string("secret")) input.push_back(static_cast<std::uint8_t>(c));
  input.insert(input.end(), p.authen_challenge.begin(), p.authen_challenge.end());
  const auto digest = crypto::md5({input});
  EXPECT_EQ(p.authen_response, Buffer(digest.begin(), digest.end()));
  EXPECT_EQ(options_of(p.last_sent_confreq).at(lcp_option::kAuthProtocol), (Buffer{0xc2, 0x23, 5}));
}

TEST(ProxyPpp, NoMethodsMeansAuthenTypeNoneAndNoAuthenticationProtocol) {
  const auto p = proxy_for({});
  ASSERT_TRUE(p.authen_type);
  EXPECT_EQ(*p.authen_type, pa::kNone);
  EXPECT_FALSE(options_of(p.last_sent_confreq).count(lcp_option::kAuthProtocol));
}

TEST(ProxyPpp, OnlyMsChapMethodsCannotBeProxied) {
  SeededRng rng(1);
  const auto p = make_proxy_ppp(client_config({auth::Method::MsChapV2}), "alice", "secret", rng);
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().find("pap or chap"), std::string::npos) << p.error();
  EXPECT_EQ(proxy_method({auth::Method::MsChapV2, auth::Method::ChapMd5}), auth::Method::ChapMd5);
}

TEST(ProxyPpp, SameSeedSameValues) {
  EXPECT_EQ(proxy_for({auth::Method::ChapMd5}, "secret", 3), proxy_for({auth::Method::ChapMd5}, "secret", 3));
  EXPECT_NE(proxy_for({auth::Method::ChapMd5}, "secret", 3), proxy_for({auth::Method::ChapMd5}, "secret", 4));
}

TEST(ProxiedCredentials, PapAndChapVerifyWithTheRightPasswordOnly) {
  for (auto m : {auth::Method::Pap, auth::Method::ChapMd5}) {
    const auto c = proxied_credentials(proxy_for({m}));
    ASSERT_TRUE(c) << c.error();
    ASSERT_TRUE(*c);
    EXPECT_EQ((*c)->method, m);
    EXPECT_EQ((*c)->user, "alice");
    EXPECT_TRUE(auth::verify_with_password(**c, "secret").accepted) << auth::to_string(m);
    EXPECT_FALSE(auth::verify_with_password(**c, "other").accepted) << auth::to_string(m);
  }
}

TEST(ProxiedCredentials, R120_NoAuthenTypeOrTypeNoneIsNothingToJudge) {
  session::ProxyPpp p;
  auto c = proxied_credentials(p);
  ASSERT_TRUE(c);
  EXPECT_FALSE(*c);
  p.authen_type = pa::kNone;
  c = proxied_credentials(p);
  ASSERT_TRUE(c);
  EXPECT_FALSE(*c);
}

TEST(ProxiedCredentials, UnusableValuesAreErrorsThatSayWhy) {
  session::ProxyPpp textual;
  textual.authen_type = pa::kTextual;
  auto c = proxied_credentials(textual);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().find("textual"), std::string::npos) << c.error();

  auto short_response = proxy_for({auth::Method::ChapMd5});
  short_response.authen_response.pop_back();
  c = proxied_credentials(short_response);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().find("15 octets"), std::string::npos) << c.error();

  auto wide_id = proxy_for({auth::Method::ChapMd5});
  wide_id.authen_id = 0x100;  // R125: the high octet is 0
  EXPECT_FALSE(proxied_credentials(wide_id));

  session::ProxyPpp unknown;
  unknown.authen_type = 9;
  c = proxied_credentials(unknown);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().find("9 (unknown)"), std::string::npos) << c.error();
}

// Both Links start from the same proxy values, as LAC (client) and LNS (server) would.
struct ProxiedPair : Pair {
  ProxiedPair(std::vector<auth::Method> client_allow, std::vector<auth::Method> server_demand,
              const std::string& client_password = "secret", ProxyMode mode = ProxyMode::Accept)
      : Pair(client_config(client_allow, client_password), server_with(server_demand, mode)),
        proxy(proxy_for(client_allow, client_password)) {}
  static LinkConfig server_with(std::vector<auth::Method> demand, ProxyMode mode) {
    auto s = server_config(std::move(demand));
    s.proxy = mode;
    return s;
  }
  void start() {
    client->start_proxied(proxy, now);
    server->start_with_proxy(proxy, now);
  }
  session::ProxyPpp proxy;
};

class ProxyLinkTest : public ::testing::TestWithParam<auth::Method> {};

TEST_P(ProxyLinkTest, R120_AcceptedProxyGoesStraightToIpcpWithNoLcpOrAuthOnTheWire) {
  ProxiedPair p({GetParam()}, {GetParam()});
  p.start();
  p.run(5s);
  EXPECT_TRUE(p.client->proxied()) << p.client->proxy_note();
  EXPECT_TRUE(p.server->proxied()) << p.server->proxy_note();
  ASSERT_TRUE(p.client->is_up());
  ASSERT_TRUE(p.server->is_up());
  const auto* up = Pair::find<LinkUp>(p.server_events);
  ASSERT_NE(up, nullptr);
  EXPECT_EQ(up->user, "alice");
  EXPECT_EQ(up->method, GetParam());
  EXPECT_EQ(Pair::find<LinkUp>(p.client_events)->local_ip, testing::v4(10, 0, 0, 50));
  // The server judged the proxied credentials once (NeedVerdict) without an exchange of its own.
  const auto* need = Pair::find<NeedVerdict>(p.server_events);
  ASSERT_NE(need, nullptr);
  ASSERT_TRUE(need->credentials);
  EXPECT_EQ(need->credentials->method, GetParam());
  EXPECT_TRUE(p.client_lcp.empty() && p.server_lcp.empty()) << "LCP was sent after a proxied negotiation";
}

TEST_P(ProxyLinkTest, ProxiedWrongPasswordIsRefusedWithCause16AndTheUserNamed) {
  ProxiedPair p({GetParam()}, {GetParam()}, "wrong");
  p.start();
  p.run(10s);
  const auto* down = Pair::find<LinkDown>(p.server_events);
  ASSERT_NE(down, nullptr);
  EXPECT_TRUE(down->auth_failed);
  EXPECT_EQ(down->phase, Phase::Authenticate);
  EXPECT_EQ(down->cause.code, 16);
  EXPECT_EQ(down->cause.protocol, auth::lcp_protocol(GetParam()));
  EXPECT_NE(down->reason.find("proxied authentication of alice refused"), std::string::npos) << down->reason;
  EXPECT_EQ(Pair::find<LinkUp>(p.server_events), nullptr);
}

INSTANTIATE_TEST_SUITE_P(Methods, ProxyLinkTest, ::testing::Values(auth::Method::Pap, auth::Method::ChapMd5),
                         [](const auto& info) { return std::string(auth::to_string(info.param)); });

TEST(ProxyLinkTest, R116_RenegotiateRunsLcpAndAuthenticationAfresh) {
  ProxiedPair p({auth::Method::ChapMd5}, {auth::Method::ChapMd5}, "secret", ProxyMode::Renegotiate);
  p.start();
  p.run(5s);
  EXPECT_FALSE(p.server->proxied());
  EXPECT_NE(p.server->proxy_note().find("renegotiate"), std::string::npos) << p.server->proxy_note();
  // The client took the proxy over, then followed the server's new Configure-Request.
  EXPECT_GE(p.server_lcp[Code::ConfReq], 1);
  EXPECT_GE(p.client_lcp[Code::ConfReq], 1);
  ASSERT_TRUE(p.server->is_up());
  ASSERT_TRUE(p.client->is_up());
  EXPECT_EQ(Pair::find<LinkUp>(p.server_events)->method, auth::Method::ChapMd5);
}

TEST(ProxyLinkTest, R353_ProxyForAMethodWeDoNotDemandIsRenegotiated) {
  // The LAC proxied PAP; this server demands CHAP only, so it would never have agreed to that LCP.
  ProxiedPair p({auth::Method::Pap, auth::Method::ChapMd5}, {auth::Method::ChapMd5});
  p.start();
  p.run(5s);
  EXPECT_FALSE(p.server->proxied());
  EXPECT_NE(p.server->proxy_note().find("not one we demand"), std::string::npos) << p.server->proxy_note();
  ASSERT_TRUE(p.server->is_up());
  EXPECT_EQ(Pair::find<LinkUp>(p.server_events)->method, auth::Method::ChapMd5);
}

TEST(ProxyLinkTest, R120_AuthenTypeThatContradictsTheProxiedLcpIsNotTakenOver) {
  ProxiedPair p({auth::Method::ChapMd5}, {auth::Method::ChapMd5, auth::Method::Pap});
  // The Last Sent CONFREQ says CHAP; claim PAP in the authentication AVPs instead.
  p.proxy.authen_type = pa::kPap;
  p.proxy.authen_response = {'s', 'e', 'c', 'r', 'e', 't'};
  p.server->start_with_proxy(p.proxy, p.now);
  p.client->start(p.now);
  p.run(5s);
  EXPECT_FALSE(p.server->proxied());
  EXPECT_NE(p.server->proxy_note().find("negotiated CHAP-MD5"), std::string::npos) << p.server->proxy_note();
  ASSERT_TRUE(p.server->is_up());
}

TEST(ProxyLinkTest, ProxyWithoutAuthenticationStillAuthenticatesTheClient) {
  // LCP proxied with no Authentication-Protocol and Authen Type 4, but the server demands PAP:
  // it cannot take that LCP (no authentication demanded), so it renegotiates and authenticates.
  ProxiedPair p({}, {auth::Method::Pap});
  p.start();
  p.run(5s);
  EXPECT_FALSE(p.server->proxied());
  EXPECT_EQ(Pair::find<LinkUp>(p.server_events), nullptr) << "a client that allows nothing got in";
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ppp
