// The Asio RADIUS adapter on loopback against an in-process fake server (the codec's server
// side): answers reach the callback, NAS-IP-Address is filled from the socket, a silent
// server times out after the retries, the secondary takes over, accounting reaches its hook.
#include "peers/radius/radius_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <functional>

#include "engine/radius/authenticators.hpp"
#include "peers/udp_transport.hpp"

namespace l2tp::peers {
namespace L2TPSIM_FILE_ID {

namespace asio = boost::asio;
using asio::ip::udp;
using namespace std::chrono_literals;

// Answers every request it receives through `reply` (nullopt: stay silent).
class FakeServer {
 public:
  using Reply = std::function<std::optional<radius::Packet>(const radius::Packet& request)>;
  FakeServer(asio::io_context& io, std::string secret, Reply reply)
      : sock_(io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        secret_(std::move(secret)),
        reply_(std::move(reply)) {
    receive();
  }
  net::Endpoint endpoint() const { return {net::IpAddress::v4(127, 0, 0, 1), sock_.local_endpoint().port()}; }
  std::vector<radius::Packet> requests;
  std::vector<std::string> verify_errors;

 private:
  void receive() {
    sock_.async_receive_from(asio::buffer(buf_), from_,
                             [this](const boost::system::error_code& ec, std::size_t n) {
                               if (ec) return;
                               const Bytes dgram(buf_.data(), n);
                               if (auto ok = radius::verify_request(dgram, secret_); !ok)
                                 verify_errors.push_back(ok.error());
                               if (auto req = radius::decode(dgram)) {
                                 requests.push_back(*req);
                                 if (auto answer = reply_(*req)) {
                                   answer->identifier = req->identifier;
                                   Buffer wire = *radius::encode(*answer);
                                   (void)radius::sign_response(wire, req->authenticator, secret_);
                                   sock_.send_to(asio::buffer(wire), from_);
                                 }
                               }
                               receive();
                             });
  }
  udp::socket sock_;
  std::string secret_;
  Reply reply_;
  std::array<std::uint8_t, 4096> buf_{};
  udp::endpoint from_;
};

radius::Packet with_code(radius::Code code) {
  radius::Packet p;
  p.code = code;
  return p;
}

ppp::auth::Credentials pap(const std::string& password) {
  ppp::auth::Credentials c;
  c.method = ppp::auth::Method::Pap;
  c.user = "alice";
  c.password = password;
  return c;
}

// A loopback port with nothing listening on it.
std::uint16_t dead_port(asio::io_context& io) {
  udp::socket s(io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return s.local_endpoint().port();
}

TEST(RadiusClientAsio, PapAnswersReachTheCallback) {
  asio::io_context io;
  FakeServer server(io, "s3cret", [](const radius::Packet& req) -> std::optional<radius::Packet> {
    if (req.code == radius::Code::AccountingRequest) return with_code(radius::Code::AccountingResponse);
    const auto* pw = req.find(radius::AttrType::UserPassword);
    if (!pw) return std::nullopt;
    auto clear = radius::unhide_password(pw->value, "s3cret", req.authenticator);
    radius::Packet p = with_code(*clear == "right" ? radius::Code::AccessAccept : radius::Code::AccessReject);
    if (*clear == "right")
      p.add_address(radius::AttrType::FramedIpAddress, net::IpAddress::v4(10, 0, 0, 9));
    else
      p.add_string(radius::AttrType::ReplyMessage, "bad password");
    return p;
  });
  SeededRng rng(1);
  RadiusClient client(io, {server.endpoint(), server.endpoint(), "s3cret"}, rng);
  ASSERT_FALSE(client.open());

  std::vector<radius::AuthResult> results;
  client.authenticate(1, pap("right"), {}, [&](const radius::AuthResult& r) { results.push_back(r); });
  client.authenticate(2, pap("wrong"), {}, [&](const radius::AuthResult& r) {
    results.push_back(r);
    // A request from inside a callback goes out in the same drain.
    client.authenticate(3, pap("right"), {}, [&](const radius::AuthResult& r3) {
      results.push_back(r3);
      io.stop();
    });
  });
  io.run_for(5s);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].status, radius::AuthStatus::Accepted);
  EXPECT_EQ(results[0].framed_ip->to_string(), "10.0.0.9");
  EXPECT_EQ(results[1].status, radius::AuthStatus::Rejected);
  EXPECT_EQ(results[1].verdict.message, "bad password");
  EXPECT_EQ(results[2].status, radius::AuthStatus::Accepted);
  EXPECT_TRUE(server.verify_errors.empty());
  ASSERT_FALSE(server.requests.empty());
  // No NAS given: the socket's own address stands in (RFC 2865 4.1 wants one).
  const auto* nas_ip = server.requests[0].find(radius::AttrType::NasIpAddress);
  ASSERT_TRUE(nas_ip);
  EXPECT_EQ(radius::as_ipv4(*nas_ip)->to_string(), "127.0.0.1");
  const auto st = client.stats();
  EXPECT_EQ(st.client.accepts, 2u);
  EXPECT_EQ(st.client.rejects, 1u);
  EXPECT_EQ(st.sent, 3u);
  EXPECT_EQ(st.received, 3u);
  EXPECT_EQ(client.pending(), 0u);
}

TEST(RadiusClientAsio, DeadServerTimesOutAfterRetries) {
  asio::io_context io;
  const net::Endpoint dead{net::IpAddress::v4(127, 0, 0, 1), dead_port(io)};
  SeededRng rng(2);
  RadiusClientConfig cfg;
  cfg.timeout = 50ms;
  cfg.retries = 2;
  RadiusClient client(io, {dead, dead, "x"}, rng, cfg);
  ASSERT_FALSE(client.open());
  std::optional<radius::AuthResult> result;
  const Time start = SteadyTime::now();
  client.authenticate(1, pap("pw"), {}, [&](const radius::AuthResult& r) {
    result = r;
    io.stop();
  });
  io.run_for(5s);
  ASSERT_TRUE(result);
  EXPECT_GE(SteadyTime::now() - start, 150ms);
  EXPECT_EQ(result->status, radius::AuthStatus::TimedOut);
  EXPECT_EQ(result->verdict.reason,
            "no answer from " + dead.to_string() + " after 3 transmissions each, 50 ms apart");
  EXPECT_EQ(client.stats().sent, 3u);
  EXPECT_EQ(client.stats().client.retransmissions, 2u);
}

TEST(RadiusClientAsio, SecondaryAnswersWhenPrimaryIsSilent) {
  asio::io_context io;
  FakeServer silent(io, "one", [](const radius::Packet&) { return std::nullopt; });
  FakeServer backup(io, "two", [](const radius::Packet& req) -> std::optional<radius::Packet> {
    return with_code(req.code == radius::Code::AccountingRequest ? radius::Code::AccountingResponse
                                                                 : radius::Code::AccessAccept);
  });
  SeededRng rng(3);
  RadiusClientConfig cfg;
  cfg.timeout = 30ms;
  cfg.retries = 1;
  cfg.secondary = RadiusServer{backup.endpoint(), backup.endpoint(), "two"};
  RadiusClient client(io, {silent.endpoint(), silent.endpoint(), "one"}, rng, cfg);
  ASSERT_FALSE(client.open());
  std::optional<radius::AuthResult> result;
  client.authenticate(1, pap("pw"), {}, [&](const radius::AuthResult& r) { result = r; });
  std::optional<radius::AcctDone> acct;
  client.on_accounting([&](const radius::AcctDone& d) {
    acct = d;
    io.stop();
  });
  // Accounting after the failover goes straight to the secondary.
  asio::steady_timer later(io, 200ms);
  later.async_wait([&](const boost::system::error_code&) {
    radius::AccountingRecord r;
    r.session_id = "sess-1";
    client.account(9, r);
  });
  io.run_for(5s);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, radius::AuthStatus::Accepted);
  EXPECT_EQ(result->server, backup.endpoint().to_string());
  EXPECT_EQ(silent.requests.size(), 2u);
  ASSERT_TRUE(acct);
  EXPECT_TRUE(acct->ok) << acct->error;
  EXPECT_EQ(acct->token, 9u);
  EXPECT_EQ(backup.requests.size(), 2u);
  EXPECT_TRUE(backup.verify_errors.empty());
}

TEST(RadiusClientAsio, NotOpenFailsThroughTheCallback) {
  asio::io_context io;
  SeededRng rng(4);
  const net::Endpoint ep{net::IpAddress::v4(127, 0, 0, 1), 1812};
  RadiusClient client(io, {ep, ep, "x"}, rng);
  std::optional<radius::AuthResult> result;
  client.authenticate(1, pap("pw"), {}, [&](const radius::AuthResult& r) { result = r; });
  EXPECT_FALSE(result);  // never from inside authenticate()
  io.run_for(1s);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, radius::AuthStatus::Failed);
  EXPECT_EQ(client.stats().sent, 0u);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::peers
