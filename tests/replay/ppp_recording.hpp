// Recordings for the PPP side of replay (replay_ppp_test.cpp): an l2tpsim LAC and LNS in virtual
// time with the PPP each is given (options, addresses, traffic, per-tunnel users), written to a
// pcap and read back as any capture is. Test code only.
#pragma once

#include "tests/replay/recorded_run.hpp"

namespace l2tp::replay::test {

// Accepts any user with password "pw" and gives the addresses it holds (none: the LNS's IPCP
// asks for 0.0.0.0, as Cisco's did).
class Addresses final : public Authorizer {
 public:
  Addresses(std::optional<net::IpAddress> local, std::optional<net::IpAddress> remote)
      : local_(local), remote_(remote) {}
  std::optional<Decision> authorize(LinkKey, const std::optional<ppp::auth::Credentials>& creds,
                                    std::function<void(Decision)>) override {
    Decision d;
    d.verdict = creds ? ppp::auth::verify_with_password(*creds, "pw") : ppp::auth::Verdict{true, {}, {}, {}};
    d.local = local_;
    d.remote = remote_;
    return d;
  }
  std::string describe() const override { return "test addresses"; }

 private:
  std::optional<net::IpAddress> local_, remote_;
};

struct PppRecording {
  PppSettings lac, lns;
  std::optional<net::IpAddress> lns_local = net::IpAddress::v4(10, 0, 0, 1);
  std::optional<net::IpAddress> lns_remote = net::IpAddress::v4(10, 0, 0, 2);
  // Tunnels after the first (dialled 1.5 s apart) with their own LAC PPP (PppLayer::add_settings).
  std::vector<PppSettings> more_tunnels = {};
};

// One call per tunnel, hung up at 6 s (CDN 3), the tunnels stopped at 8 s (StopCCN 1).
inline capture::Conversations record_ppp(PppRecording spec) {
  // Declared before the net, whose drivers refer to them.
  Addresses addresses(spec.lns_local, spec.lns_remote);
  std::vector<TunnelId> dialled;
  sim::SimNet net(17, sim::LinkConfig{});
  NodeConfig lc;
  lc.tunnel.role = tunnel::Role::Lac;
  lc.tunnel.host_name = "sim-lac";
  lc.tunnel.secret = "s3cret";
  lc.accept_tunnels = false;
  Driver& lac = net.add_driver(sim_ep(2), lc);
  Driver& lns = net.add_driver(sim_ep(3), lns_config());
  lns.set_ppp(std::make_unique<PppLayer>(spec.lns, ppp::Role::Server, net.rng(), &addresses));
  auto layer = std::make_unique<PppLayer>(spec.lac, ppp::Role::Client, net.rng(), nullptr);
  for (const PppSettings& s : spec.more_tunnels) layer->add_settings(s, nullptr);
  layer->pick_settings([&dialled](TunnelId t) -> std::optional<std::size_t> {
    for (std::size_t i = 1; i < dialled.size(); ++i)
      if (dialled[i] == t) return i - 1;
    return std::nullopt;
  });
  lac.set_ppp(std::move(layer));
  Alarm alarm;
  lac.set_filter(&alarm);
  std::vector<std::pair<TunnelId, std::optional<SessionId>>> calls;
  for (std::size_t i = 0; i <= spec.more_tunnels.size(); ++i) {
    if (i > 0) {
      alarm.wake = at_seconds(1.5 * static_cast<double>(i));
      while (net.now() < *alarm.wake && net.run(*alarm.wake, 1) > 0) {
      }
      alarm.wake.reset();
    }
    const TunnelId t = lac.node().open_tunnel(sim_ep(2), sim_ep(3), net.now());
    dialled.push_back(t);
    calls.emplace_back(t, lac.node().open_session(t, net.now()));
    net.pump(lac.node());
  }
  net.run(at_seconds(6));
  EXPECT_EQ(lac.ppp()->counters().up, calls.size());
  for (const auto& [t, s] : calls)
    if (s) lac.node().close_session(t, *s, ResultInfo{3}, net.now());
  net.pump(lac.node());
  net.run(at_seconds(8));
  for (const auto& [t, s] : calls) lac.node().close_tunnel(t, ResultInfo{1}, net.now());
  net.pump(lac.node());
  net.run(at_seconds(40));
  lac.set_filter(nullptr);

  return conversations_of(net, "l2tpsim-replay-ppp.pcap");
}

// PAP user alice, password pw, as in recorded_run.hpp.
inline PppSettings pap_client(std::string user = "alice") {
  PppSettings c;
  c.user = std::move(user);
  c.password = "pw";
  c.link.methods = {ppp::auth::Method::Pap};
  return c;
}

inline PppSettings pap_server() {
  PppSettings s;
  s.link.methods = {ppp::auth::Method::Pap};
  return s;
}

}  // namespace l2tp::replay::test
