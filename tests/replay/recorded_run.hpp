// The recorded l2tpsim run the SimNet replay tests play from: a LAC and an LNS (tunnel secret
// s3cret, a hidden Call Serial Number, PAP user alice, IPCP 10.0.0.1/10.0.0.2) in virtual time,
// written to a pcap and read back as any capture is. Test code only.
#pragma once

#include <gtest/gtest.h>

#include "capture/pcap_writer.hpp"
#include "engine/ppp/auth/verify.hpp"
#include "replay/sim_replay.hpp"
#include "tests/capture/capture_test_util.hpp"

namespace l2tp::replay::test {

inline net::Endpoint sim_ep(std::uint8_t last) {
  return net::Endpoint{net::IpAddress::v4(127, 0, 0, last), 1701};
}

inline Time at_seconds(double s) {
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

inline NodeConfig lns_config() {
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

inline Driver& add_lns(sim::SimNet& net, Lns& lns) {
  Driver& d = net.add_driver(sim_ep(3), lns_config());
  d.set_ppp(std::make_unique<PppLayer>(lns.server, ppp::Role::Server, net.rng(), &lns.users));
  return d;
}

// The capture: one PAP call set up, hung up (CDN 3; with `lcp_terminate` after an LCP
// Terminate exchange, as Windows does), the tunnel stopped (StopCCN 1).
inline capture::Conversations record(bool lcp_terminate = false) {
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

inline const capture::Conversations& recorded() {
  static const capture::Conversations kConv = record();
  return kConv;
}

inline const capture::Conversations& recorded_with_lcp_terminate() {
  static const capture::Conversations kConv = record(true);
  return kConv;
}

}  // namespace l2tp::replay::test
