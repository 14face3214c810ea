#include "replay/ppp_acts.hpp"

#include <cmath>

#include "engine/ppp/frame.hpp"
#include "replay/ppp_facts.hpp"

namespace l2tp::replay {
namespace {

ip::Ipv4 v4(const std::optional<net::IpAddress>& a) {
  return a ? net::Ipv4::of(*a).value : 0;
}

// An address as the live link has it: the captured side's own and its peer's swapped for the
// live ones (when both are known), any other kept.
ip::Ipv4 live_address(ip::Ipv4 a, const CallActs& c, ip::Ipv4 ours, ip::Ipv4 peer) {
  if (a != 0 && a == c.ours && ours != 0) return ours;
  if (a != 0 && a == c.peer && peer != 0) return peer;
  return a;
}

ip::Ipv4 read32(Bytes b, std::size_t at) {
  return std::uint32_t{b[at]} << 24 | std::uint32_t{b[at + 1]} << 16 | std::uint32_t{b[at + 2]} << 8 |
         b[at + 3];
}

}  // namespace

CallActs captured_acts(const capture::Session& s, std::uint8_t side) {
  CallActs out;
  out.ours = v4(ppp_facts(s, side).ip_address);
  out.peer = v4(ppp_facts(s, static_cast<std::uint8_t>(side ^ 1)).ip_address);
  std::optional<std::int64_t> lcp_ack, ipcp_ack;  // the last Configure-Ack of each, either side
  std::vector<std::int64_t> times;
  for (const capture::PppRecord& r : s.ppp) {
    auto frame = ppp::parse_frame(r.ppp);
    if (!frame) continue;
    const bool control = frame->protocol == ppp::proto::kLcp || frame->protocol == ppp::proto::kIpcp;
    std::optional<ppp::Packet> pkt;
    if (control)
      if (auto p = ppp::parse_packet(frame->payload)) pkt = *p;
    if (pkt && pkt->code == ppp::Code::ConfAck)
      (frame->protocol == ppp::proto::kLcp ? lcp_ack : ipcp_ack) = r.time_ns;
    if (r.side != side || r.truncated) continue;
    PppAct a;
    a.frame = r.frame;
    if (frame->protocol == ppp::proto::kLcp && pkt && pkt->code == ppp::Code::EchoReq &&
        pkt->data.size() >= 4) {
      a.echo = true;
      a.data.assign(pkt->data.begin() + 4, pkt->data.end());
    } else if (frame->protocol == ppp::proto::kIp && frame->payload.size() >= 20) {
      a.data.assign(frame->payload.begin(), frame->payload.end());
    } else {
      continue;
    }
    // Its anchor: the link-up before it as captured.
    const std::optional<std::int64_t> anchor = ipcp_ack ? ipcp_ack : lcp_ack;
    a.offset_ns = anchor ? std::max<std::int64_t>(0, r.time_ns - *anchor) : 0;
    out.acts.push_back(std::move(a));
  }
  return out;
}

PppActs::PppActs(std::vector<CallActs> calls, Timing timing)
    : calls_(std::move(calls)), timing_(timing), live_(calls_.size()), unsent_(calls_.size(), 0) {}

void PppActs::link_up(std::size_t call, LinkKey key, const ppp::LinkUp& up, Time now) {
  if (call >= live_.size() || live_[call].started) return;
  Live& l = live_[call];
  l.key = key;
  l.up = now;
  l.started = true;
  if (up.ipv4) {
    l.ours = net::Ipv4::of(up.local_ip).value;
    l.peer = net::Ipv4::of(up.peer_ip).value;
  }
}

std::optional<Time> PppActs::due(std::size_t call) const {
  const Live& l = live_[call];
  if (!l.started || l.next >= calls_[call].acts.size()) return std::nullopt;
  if (timing_.fast) return l.up;
  const double ns = static_cast<double>(calls_[call].acts[l.next].offset_ns) * timing_.scale;
  return l.up + std::chrono::duration_cast<Duration>(std::chrono::nanoseconds(std::llround(ns)));
}

std::optional<Time> PppActs::poll_timeout() const {
  std::optional<Time> next;
  for (std::size_t i = 0; i < live_.size(); ++i)
    if (const auto t = due(i); t && (!next || *t < *next)) next = t;
  return next;
}

std::optional<PppActs::Due> PppActs::poll(Time now) {
  for (std::size_t i = 0; i < live_.size(); ++i) {
    const auto t = due(i);
    if (!t || *t > now) continue;
    Live& l = live_[i];
    const PppAct& a = calls_[i].acts[l.next++];
    Due d{l.key, i, a.echo, a.data};
    if (!a.echo) {
      const Bytes p(a.data);
      const ip::Ipv4 src = live_address(read32(p, 12), calls_[i], l.ours, l.peer);
      const ip::Ipv4 dst = live_address(read32(p, 16), calls_[i], l.ours, l.peer);
      if (!ip::readdress_ipv4(d.data, src, dst)) {
        ++unsent_[i];
        continue;
      }
    }
    return d;
  }
  return std::nullopt;
}

std::vector<std::string> PppActs::notes() const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < calls_.size(); ++i) {
    std::size_t echoes = 0, packets = 0;
    for (const PppAct& a : calls_[i].acts) (a.echo ? echoes : packets) += 1;
    if (echoes + packets == 0) continue;
    const std::size_t played = std::min(live_[i].next, calls_[i].acts.size());
    std::string n = "call " + std::to_string(i + 1) + ": " + std::to_string(echoes) +
                    " LCP Echo-Request(s) and " + std::to_string(packets) +
                    " IPv4 packet(s) captured from the played side; " +
                    std::to_string(played - std::min(played, unsent_[i])) + " sent live";
    if (unsent_[i])
      n += ", " + std::to_string(unsent_[i]) + " could not be (link down, not IPv4, or over the MTU)";
    if (played < calls_[i].acts.size())
      n += ", " + std::to_string(calls_[i].acts.size() - played) + " not due before the call ended";
    out.push_back(std::move(n));
  }
  return out;
}

}  // namespace l2tp::replay
