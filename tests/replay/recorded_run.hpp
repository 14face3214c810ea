// The recorded l2tpsim run the SimNet replay tests play from: a LAC and an LNS (tunnel secret
// s3cret, a hidden Call Serial Number, PAP user alice, IPCP 10.0.0.1/10.0.0.2) in virtual time,
// written to a pcap and read back as any capture is. Test code only.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>

#include "capture/pcap_writer.hpp"
#include "engine/driver/pass_through_filter.hpp"
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

// Passes every datagram at once; wakes its driver at `wake` so the test can act then.
class Alarm final : public l2tp::PassThroughFilter {
 public:
  std::optional<Time> poll_timeout() const override { return wake; }
  std::optional<Time> wake;
};

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
// What `net` put on the wire, as a pcap named `name` (removed afterwards), read back into
// conversations (hidden AVPs revealed with `secret`).
// A live LAC's own acts while an LNS side is replayed against it (replay_in_sim's after_step):
// at `hang_up` the call's CDN (Result 3), at `stop` the tunnel's StopCCN (Result 1); `alarm` (the
// LAC's filter, armed for `hang_up` by the caller) wakes the net for each. `before_hang_up` runs
// just before the CDN (a test reads the link's state there).
inline std::function<void(Time)> lac_hangs_up(sim::SimNet& net, Driver& lac, Alarm& alarm, TunnelId tunnel,
                                              std::optional<SessionId> session, Time hang_up, Time stop,
                                              std::function<void()> before_hang_up = {}) {
  auto hung_up = std::make_shared<bool>(false), stopped = std::make_shared<bool>(false);
  return [&net, &lac, &alarm, tunnel, session, hang_up, stop, before_hang_up, hung_up, stopped](Time now) {
    if (!*hung_up && now >= hang_up) {
      *hung_up = true;
      if (before_hang_up) before_hang_up();
      if (session) lac.node().close_session(tunnel, *session, ResultInfo{3}, now);
      alarm.wake = stop;
      net.pump(lac.node());
    } else if (!*stopped && now >= stop) {
      *stopped = true;
      alarm.wake.reset();
      lac.node().close_tunnel(tunnel, ResultInfo{1}, now);
      net.pump(lac.node());
    }
  };
}

// What `net` put on the wire, as a pcap at `path`.
inline void write_pcap(const sim::SimNet& net, const std::string& path) {
  auto writer = capture::PcapWriter::open(path);
  ASSERT_TRUE(writer.has_value());
  for (const auto& d : net.wire_log()) writer->write(d.at.time_since_epoch().count(), d.from, d.to, d.bytes);
  writer->flush();
}

inline capture::Conversations read_pcap(const std::string& path, const std::string& secret = "") {
  capture::ConversationOptions options;
  options.secret = secret;
  auto read = capture::read_conversations(path, options);
  EXPECT_TRUE(read.has_value());
  return read ? std::move(read->conversations) : capture::Conversations{};
}

inline capture::Conversations conversations_of(const sim::SimNet& net, const std::string& name,
                                               const std::string& secret = "") {
  capture::test::TempFile file(name);
  write_pcap(net, file.path());
  return read_pcap(file.path(), secret);
}

// The recorded run, written to `path` (the command-line tests replay the file).
inline void record_pcap(const std::string& path, bool lcp_terminate = false) {
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
  write_pcap(net, path);
}

inline capture::Conversations record(bool lcp_terminate = false) {
  capture::test::TempFile file("l2tpsim-replay-sim.pcap");
  record_pcap(file.path(), lcp_terminate);
  return read_pcap(file.path());
}

// `tunnels` tunnels of the same LAC to the same LNS, dialled 1.5 s apart, one PAP call each;
// at 6 s every call is hung up (CDN 3), at 8 s every tunnel stopped (StopCCN 1).
inline capture::Conversations record_tunnels(std::size_t tunnels) {
  sim::SimNet net(13, sim::LinkConfig{});
  NodeConfig lc;
  lc.tunnel.role = tunnel::Role::Lac;
  lc.tunnel.host_name = "sim-lac";
  lc.tunnel.secret = "s3cret";
  lc.accept_tunnels = false;
  Driver& lac = net.add_driver(sim_ep(2), lc);
  Lns lns("pw", ppp::auth::Method::Pap);
  add_lns(net, lns);
  PppSettings client;
  client.user = "alice";
  client.password = "pw";
  client.link.methods = {ppp::auth::Method::Pap};
  lac.set_ppp(std::make_unique<PppLayer>(client, ppp::Role::Client, net.rng(), nullptr));
  Alarm alarm;  // the net's clock reaches each dial time even when nothing else is due
  lac.set_filter(&alarm);
  std::vector<std::pair<TunnelId, std::optional<SessionId>>> calls;
  for (std::size_t i = 0; i < tunnels; ++i) {
    if (i > 0) {
      // Step by step: a deadline at `until` stays due, and run(until) would spin on it.
      alarm.wake = at_seconds(1.5 * static_cast<double>(i));
      while (net.now() < *alarm.wake && net.run(*alarm.wake, 1) > 0) {
      }
      EXPECT_EQ(net.now(), *alarm.wake);
      alarm.wake.reset();
    }
    const TunnelId t = lac.node().open_tunnel(sim_ep(2), sim_ep(3), net.now());
    calls.emplace_back(t, lac.node().open_session(t, net.now()));
    net.pump(lac.node());
  }
  net.run(at_seconds(6));
  EXPECT_EQ(lac.ppp()->counters().up, tunnels);
  for (const auto& [t, s] : calls)
    if (s) lac.node().close_session(t, *s, ResultInfo{3}, net.now());
  net.pump(lac.node());
  net.run(at_seconds(8));
  for (const auto& [t, s] : calls) lac.node().close_tunnel(t, ResultInfo{1}, net.now());
  net.pump(lac.node());
  net.run(at_seconds(40));
  lac.set_filter(nullptr);

  return conversations_of(net, "l2tpsim-replay-sim-tunnels.pcap");
}

inline const capture::Conversations& recorded() {
  static const capture::Conversations kConv = record();
  return kConv;
}

inline const capture::Conversations& recorded_with_lcp_terminate() {
  static const capture::Conversations kConv = record(true);
  return kConv;
}

// The LAC side of `conv`'s tunnel 1 replayed from 127.0.0.12 against `lns` (127.0.0.3) on a
// fresh SimNet with `link`.
inline SimReplay replay_lac_against(Lns& lns, const std::string& timing = "original",
                                    const capture::Conversations& conv = recorded(),
                                    sim::LinkConfig link = sim::LinkConfig{}) {
  auto script = make_script(conv, 0, capture::PeerRole::Lac, ScriptOptions{"s3cret"});
  EXPECT_TRUE(script.has_value()) << (script ? "" : script.error());
  if (!script) return {};
  EXPECT_TRUE(script->concealed.empty());
  sim::SimNet net(5, link);
  add_lns(net, lns);
  ReplayConfig cfg;
  cfg.secret = "s3cret";
  cfg.timing = *parse_timing(timing);
  cfg.local = sim_ep(12);
  cfg.target = sim_ep(3);
  return replay_in_sim(net, conv, *script, cfg, DiffOptions{}, std::chrono::minutes(5));
}

}  // namespace l2tp::replay::test
