#include "engine/ip/probe.hpp"

#include <algorithm>

namespace l2tp::ip {

namespace {

// Payload layout: "L2SM", flow ident (2), sequence (8), send time in ns (8), padding.
constexpr std::uint8_t kMagic[4] = {'L', '2', 'S', 'M'};
constexpr std::size_t kHeader = 22;

struct Stamp {
  std::uint16_t ident = 0;
  std::uint64_t seq = 0;
  std::int64_t sent_ns = 0;
};

std::optional<Stamp> read_stamp(Bytes data) {
  if (data.size() < kHeader || !std::equal(kMagic, kMagic + 4, data.begin())) return std::nullopt;
  Reader r(data.subspan(4));
  Stamp s;
  std::uint64_t t = 0;
  if (!r.u16(s.ident) || !r.u64(s.seq) || !r.u64(t)) return std::nullopt;
  s.sent_ns = static_cast<std::int64_t>(t);
  return s;
}

}  // namespace

double ProbeStats::rtt_avg_ms() const {
  if (rtt_count == 0) return 0;
  return to_seconds(rtt_sum) * 1000.0 / static_cast<double>(rtt_count);
}

ProbeStats& ProbeStats::operator+=(const ProbeStats& o) {
  if (o.rtt_count) {
    rtt_min = rtt_count ? std::min(rtt_min, o.rtt_min) : o.rtt_min;
    rtt_max = std::max(rtt_max, o.rtt_max);
  }
  sent += o.sent;
  received += o.received;
  lost += o.lost;
  reordered += o.reordered;
  duplicates += o.duplicates;
  rtt_count += o.rtt_count;
  rtt_sum += o.rtt_sum;
  return *this;
}

Probe::Probe(const ProbeConfig& cfg, Ipv4 src, Ipv4 dst, std::uint16_t ident, Time start)
    : cfg_(cfg), src_(src), dst_(dst), ident_(ident), next_(start) {
  cfg_.payload = std::max(cfg_.payload, kHeader);
}

std::optional<Time> Probe::next_send() const {
  if (done()) return std::nullopt;
  return next_;
}

bool Probe::poll_send(Time now, Buffer& out) {
  if (done() || now < next_) return false;
  const std::uint64_t seq = next_seq_++;
  payload_.assign(cfg_.payload, 0);
  std::copy(kMagic, kMagic + 4, payload_.begin());
  Buffer stamp;
  Writer w(stamp);
  w.u16(ident_);
  w.u64(seq);
  w.u64(static_cast<std::uint64_t>(to_ns(now)));
  std::copy(stamp.begin(), stamp.end(), payload_.begin() + 4);
  if (cfg_.kind == ProbeKind::Icmp) {
    write_icmp_echo(out, src_, dst_, IcmpEcho{true, ident_, static_cast<std::uint16_t>(seq), payload_},
                    static_cast<std::uint16_t>(seq));
  } else {
    write_udp(out, src_, dst_, static_cast<std::uint16_t>(40000 + ident_ % 20000), cfg_.udp_port, payload_,
              static_cast<std::uint16_t>(seq));
  }
  outstanding_.emplace(seq, now);
  ++stats_.sent;
  next_ += cfg_.interval;
  if (next_ <= now) next_ = now + cfg_.interval;  // fell behind: do not burst
  return true;
}

bool Probe::handle_packet(Bytes ip_packet, Time now) {
  const auto ip = parse_ipv4(ip_packet);
  if (!ip || ip->src != dst_ || ip->dst != src_) return false;
  Bytes data;
  if (ip->protocol == proto::kIcmp) {
    const auto echo = parse_icmp_echo(ip->payload);
    if (!echo || echo->request || echo->id != ident_) return false;
    data = echo->data;
  } else if (const auto udp = parse_udp(*ip)) {
    if (udp->src_port != cfg_.udp_port) return false;
    data = udp->data;
  } else {
    return false;
  }
  const auto stamp = read_stamp(data);
  if (!stamp || stamp->ident != ident_ || stamp->seq >= next_seq_) return false;
  auto it = outstanding_.find(stamp->seq);
  if (it == outstanding_.end()) {
    ++stats_.duplicates;  // answered twice, or answered after it was counted lost
    return true;
  }
  const Duration rtt = now - it->second;
  outstanding_.erase(it);
  ++stats_.received;
  if (highest_answered_ && stamp->seq < *highest_answered_) ++stats_.reordered;
  highest_answered_ = std::max(highest_answered_.value_or(0), stamp->seq);
  stats_.rtt_min = stats_.rtt_count ? std::min(stats_.rtt_min, rtt) : rtt;
  stats_.rtt_max = std::max(stats_.rtt_max, rtt);
  stats_.rtt_sum += rtt;
  ++stats_.rtt_count;
  return true;
}

void Probe::expire(Time now, bool all) {
  for (auto it = outstanding_.begin(); it != outstanding_.end();) {
    if (!all && now - it->second < cfg_.loss_after) break;  // ordered by seq, hence by send time
    ++stats_.lost;
    it = outstanding_.erase(it);
  }
}

void Probe::abandon_in_flight() {
  stats_.sent -= outstanding_.size();
  outstanding_.clear();
}

bool answer_echo(Bytes ip_packet, Ipv4 local, std::uint16_t udp_echo_port, Buffer& out) {
  const auto ip = parse_ipv4(ip_packet);
  if (!ip || ip->dst != local) return false;
  if (ip->protocol == proto::kIcmp) {
    auto echo = parse_icmp_echo(ip->payload);
    if (!echo || !echo->request) return false;
    echo->request = false;
    write_icmp_echo(out, local, ip->src, *echo, ip->id);
    return true;
  }
  if (const auto udp = parse_udp(*ip); udp && udp->dst_port == udp_echo_port) {
    write_udp(out, local, ip->src, udp->dst_port, udp->src_port, udp->data, ip->id);
    return true;
  }
  return false;
}

}  // namespace l2tp::ip
