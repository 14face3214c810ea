// l2tpsim's RADIUS client against FreeRADIUS 3.2 (an independent implementation) on
// loopback: every PPP method with right and wrong passwords, the address it assigns, the
// MS-CHAPv2 authenticator response checked against our own RFC 2759 computation, accounting
// Start/Stop as FreeRADIUS's detail module writes them, and a server that never answers.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cstdlib>
#include <filesystem>

#include "engine/crypto/md5.hpp"
#include "engine/ppp/auth/mschap.hpp"
#include "engine/ppp/auth/verify.hpp"
#include "peers/radius/radius_client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/ci_required.hpp"
#include "tests/support/freeradius_peer.hpp"

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

using namespace std::chrono_literals;
using ppp::auth::Credentials;
using ppp::auth::Method;

constexpr const char* kSecret = "interop-secret";

class FreeRadius : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have_tool("freeradius") && access("/usr/sbin/freeradius", X_OK) != 0) {
      missing_ = "freeradius is not installed (apt-get install freeradius freeradius-utils)";
      return;
    }
    opt_.auth_port = static_cast<std::uint16_t>(free_udp_port());
    opt_.acct_port = static_cast<std::uint16_t>(free_udp_port());
    opt_.secret = kSecret;
    opt_.users = {{"alice", "Wonder-Land.1", std::string("10.64.0.17")}, {"bob", "b0b-pass", std::nullopt}};
    dir_ = make_temp_dir("l2tpsim-freeradius");
    std::string error;
    // FreeRadiusPeer moves but does not move-assign (it owns a process): emplace it.
    if (auto started = FreeRadiusPeer::start(opt_, dir_, error))
      peer_.emplace(std::move(*started));
    else
      start_error_ = error;
  }
  static void TearDownTestSuite() {
    if (peer_) peer_->stop();
    peer_.reset();
    // Kept for a look when something failed (config, log, detail files).
    if (!dir_.empty() && !::testing::UnitTest::GetInstance()->Failed()) std::filesystem::remove_all(dir_);
  }

  void SetUp() override {
    if (!missing_.empty()) {
      if (in_ci()) FAIL() << missing_ << " (CI=true: a missing peer is a failure)";
      GTEST_SKIP() << missing_;
    }
    ASSERT_TRUE(peer_) << "FreeRADIUS did not start: " << start_error_;
  }

  static peers::RadiusServer server() {
    const net::IpAddress lo = net::IpAddress::v4(127, 0, 0, 1);
    return {{lo, opt_.auth_port}, {lo, opt_.acct_port}, kSecret};
  }

  radius::RequestContext nas() const {
    radius::RequestContext ctx;
    ctx.nas_identifier = "l2tpsim-interop";
    ctx.nas_ip = net::IpAddress::v4(127, 0, 0, 1);
    ctx.nas_port = 7;
    ctx.calling_station_id = "127.0.0.9";
    return ctx;
  }

  // One authentication through our client, run to completion in a fresh io_context.
  radius::AuthResult authenticate(const Credentials& c) {
    boost::asio::io_context io;
    SeededRng rng(seed_++);
    peers::RadiusClient client(io, server(), rng);
    if (auto err = client.open()) ADD_FAILURE() << *err;
    std::optional<radius::AuthResult> result;
    client.authenticate(1, c, nas(), [&](const radius::AuthResult& r) {
      result = r;
      io.stop();
    });
    io.run_for(20s);
    if (!result) {
      ADD_FAILURE() << "no result within 20 s; FreeRADIUS log:\n" << peer_->log();
      return {};
    }
    return *result;
  }

  static Credentials pap(const std::string& user, const std::string& password) {
    Credentials c;
    c.method = Method::Pap;
    c.user = user;
    c.password = password;
    return c;
  }

  Credentials chap(const std::string& user, const std::string& password) {
    Credentials c;
    c.method = Method::ChapMd5;
    c.user = user;
    c.chap_id = 0x42;
    c.challenge = random_bytes(16);
    // RFC 1994 4.1: MD5(Identifier || secret || Challenge), computed here, not by the client.
    const std::uint8_t id[] = {c.chap_id};
    const auto digest = crypto::md5({id, as_bytes(password), c.challenge});
    c.response.assign(digest.begin(), digest.end());
    return c;
  }

  Credentials mschap1(const std::string& user, const std::string& password) {
    Credentials c;
    c.method = Method::MsChapV1;
    c.user = user;
    c.chap_id = 0x11;
    c.challenge = random_bytes(8);
    c.response =
        ppp::auth::mschap1_response_value(std::span<const std::uint8_t, 8>(c.challenge.data(), 8), password);
    return c;
  }

  Credentials mschap2(const std::string& user, const std::string& password) {
    Credentials c;
    c.method = Method::MsChapV2;
    c.user = user;
    c.chap_id = 0x22;
    c.challenge = random_bytes(16);
    const Buffer peer_challenge = random_bytes(16);
    c.response = ppp::auth::mschap2_response_value(
        std::span<const std::uint8_t, 16>(c.challenge.data(), 16),
        std::span<const std::uint8_t, 16>(peer_challenge.data(), 16), user, password);
    return c;
  }

  Buffer random_bytes(std::size_t n) {
    SeededRng rng(seed_++ * 7919);
    Buffer b(n);
    rng.fill(b);
    return b;
  }

  static inline FreeRadiusOptions opt_;
  static inline std::string dir_, missing_, start_error_;
  static inline std::optional<FreeRadiusPeer> peer_;
  static inline std::uint64_t seed_ = 1;
};

TEST_F(FreeRadius, PapGoodPasswordAcceptedWithFramedIp) {
  const auto r = authenticate(pap("alice", "Wonder-Land.1"));
  EXPECT_EQ(r.status, radius::AuthStatus::Accepted) << r.verdict.reason << "\n" << peer_->log();
  EXPECT_TRUE(r.verdict.accepted);
  ASSERT_TRUE(r.framed_ip);
  EXPECT_EQ(r.framed_ip->to_string(), "10.64.0.17");
  EXPECT_EQ(r.server, server().auth.to_string());
}

TEST_F(FreeRadius, PapWrongPasswordRejectedWithMessage) {
  const auto r = authenticate(pap("alice", "wonder-land.1"));
  EXPECT_EQ(r.status, radius::AuthStatus::Rejected);
  EXPECT_FALSE(r.verdict.accepted);
  EXPECT_EQ(r.verdict.message, "Authentication failed");  // the Reply-Message the site adds
  EXPECT_FALSE(r.framed_ip);
}

TEST_F(FreeRadius, ChapGoodAndWrongPassword) {
  const auto good = authenticate(chap("bob", "b0b-pass"));
  EXPECT_EQ(good.status, radius::AuthStatus::Accepted) << good.verdict.reason << "\n" << peer_->log();
  EXPECT_FALSE(good.framed_ip);  // bob has none configured
  const auto bad = authenticate(chap("bob", "b0b-pas"));
  EXPECT_EQ(bad.status, radius::AuthStatus::Rejected);
  EXPECT_EQ(bad.verdict.message, "Authentication failed");
}

TEST_F(FreeRadius, MsChapV1GoodAndWrongPassword) {
  const auto good = authenticate(mschap1("alice", "Wonder-Land.1"));
  EXPECT_EQ(good.status, radius::AuthStatus::Accepted) << good.verdict.reason << "\n" << peer_->log();
  EXPECT_EQ(good.framed_ip->to_string(), "10.64.0.17");
  const auto bad = authenticate(mschap1("alice", "nope"));
  EXPECT_EQ(bad.status, radius::AuthStatus::Rejected);
  // The MS-CHAP-Error text is what the PPP authenticator puts in its Failure packet.
  EXPECT_EQ(bad.verdict.message.rfind("E=691 R=", 0), 0u) << bad.verdict.message;
  EXPECT_EQ(bad.reply_message, "Authentication failed");
}

TEST_F(FreeRadius, MsChapV2AuthenticatorResponseMatchesRfc2759) {
  const Credentials c = mschap2("alice", "Wonder-Land.1");
  const auto good = authenticate(c);
  ASSERT_EQ(good.status, radius::AuthStatus::Accepted) << good.verdict.reason << "\n" << peer_->log();
  EXPECT_EQ(good.framed_ip->to_string(), "10.64.0.17");
  // The S= value FreeRADIUS computed must equal GenerateAuthenticatorResponse (RFC 2759 8.7)
  // computed locally from the password: the PPP peer checks exactly this.
  const auto local = ppp::auth::verify_with_password(c, "Wonder-Land.1");
  ASSERT_TRUE(local.accepted) << local.reason;
  EXPECT_EQ(good.verdict.authenticator_response, local.authenticator_response);
  EXPECT_EQ(good.verdict.authenticator_response.size(), 42u);

  const auto bad = authenticate(mschap2("alice", "Wonder-Land.2"));
  EXPECT_EQ(bad.status, radius::AuthStatus::Rejected);
  EXPECT_EQ(bad.verdict.message.rfind("E=691 R=", 0), 0u) << bad.verdict.message;
  EXPECT_TRUE(bad.verdict.authenticator_response.empty());
}

TEST_F(FreeRadius, UnknownUserRejected) {
  const auto r = authenticate(pap("mallory", "x"));
  EXPECT_EQ(r.status, radius::AuthStatus::Rejected);
}

TEST_F(FreeRadius, AccountingStartAndStopReachTheDetailFile) {
  boost::asio::io_context io;
  SeededRng rng(99);
  peers::RadiusClient client(io, server(), rng);
  ASSERT_FALSE(client.open());
  std::vector<radius::AcctDone> done;
  client.on_accounting([&](const radius::AcctDone& d) {
    done.push_back(d);
    if (done.size() == 2) io.stop();
  });
  const std::string session = "l2tpsim-" + std::to_string(::getpid()) + "-acct";
  radius::AccountingRecord r;
  r.status = radius::AcctStatus::Start;
  r.session_id = session;
  r.user = "alice";
  r.framed_ip = net::IpAddress::v4(10, 64, 0, 17);
  r.context = nas();
  client.account(1, r);
  r.status = radius::AcctStatus::Stop;
  r.session_time = 42s;
  r.input_octets = 123456;
  r.output_octets = 654321;
  r.input_packets = 100;
  r.output_packets = 200;
  r.terminate_cause = radius::TerminateCause::UserRequest;
  client.account(2, r);
  io.run_for(20s);
  ASSERT_EQ(done.size(), 2u);
  for (const auto& d : done) EXPECT_TRUE(d.ok) << d.error;

  std::string text;
  ASSERT_TRUE(wait_until(
      [&] {
        text = peer_->accounting();
        return text.find("Acct-Status-Type = Stop") != std::string::npos;
      },
      5000ms))
      << "detail file:\n"
      << text << "\nlog:\n"
      << peer_->log();
  EXPECT_NE(text.find("Acct-Session-Id = \"" + session + "\""), std::string::npos) << text;
  EXPECT_NE(text.find("Acct-Status-Type = Start"), std::string::npos) << text;
  EXPECT_NE(text.find("Acct-Input-Octets = 123456"), std::string::npos) << text;
  EXPECT_NE(text.find("Acct-Output-Octets = 654321"), std::string::npos) << text;
  EXPECT_NE(text.find("Acct-Session-Time = 42"), std::string::npos) << text;
  EXPECT_NE(text.find("Acct-Terminate-Cause = User-Request"), std::string::npos) << text;
  EXPECT_NE(text.find("Framed-IP-Address = 10.64.0.17"), std::string::npos) << text;
}

TEST_F(FreeRadius, SilentServerTimesOutAfterRetries) {
  boost::asio::io_context io;
  SeededRng rng(5);
  const net::Endpoint dead{net::IpAddress::v4(127, 0, 0, 1), static_cast<std::uint16_t>(free_udp_port())};
  peers::RadiusClientConfig cfg;
  cfg.timeout = 100ms;
  cfg.retries = 3;
  peers::RadiusClient client(io, {dead, dead, kSecret}, rng, cfg);
  ASSERT_FALSE(client.open());
  std::optional<radius::AuthResult> result;
  client.authenticate(1, pap("alice", "Wonder-Land.1"), nas(), [&](const radius::AuthResult& r) {
    result = r;
    io.stop();
  });
  io.run_for(10s);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, radius::AuthStatus::TimedOut);
  EXPECT_EQ(result->verdict.reason,
            "no answer from " + dead.to_string() + " after 4 transmissions each, 100 ms apart");
  EXPECT_EQ(client.stats().sent, 4u);
}

TEST_F(FreeRadius, FailsOverFromSilentPrimaryToFreeRadius) {
  boost::asio::io_context io;
  SeededRng rng(6);
  const net::Endpoint dead{net::IpAddress::v4(127, 0, 0, 1), static_cast<std::uint16_t>(free_udp_port())};
  peers::RadiusClientConfig cfg;
  cfg.timeout = 100ms;
  cfg.retries = 1;
  cfg.secondary = server();
  peers::RadiusClient client(io, {dead, dead, "unused"}, rng, cfg);
  ASSERT_FALSE(client.open());
  std::optional<radius::AuthResult> result;
  client.authenticate(1, pap("alice", "Wonder-Land.1"), nas(), [&](const radius::AuthResult& r) {
    result = r;
    io.stop();
  });
  io.run_for(10s);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, radius::AuthStatus::Accepted) << result->verdict.reason;
  EXPECT_EQ(result->server, server().auth.to_string());
  EXPECT_EQ(client.stats().client.failovers, 1u);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing
