// Traffic inside a session: a probe flow (ICMP echo or UDP to the echo port) whose payload
// carries a sequence number and the send time, and the responder the LNS runs on its address.
// Loss, reordering, duplicates and round-trip times are counted per flow.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "engine/ip/ipv4.hpp"
#include "engine/time.hpp"

namespace l2tp::ip {

enum class ProbeKind : std::uint8_t { Icmp, Udp };

struct ProbeConfig {
  ProbeKind kind = ProbeKind::Icmp;
  Duration interval = std::chrono::seconds(1);
  std::size_t payload = 56;                       // octets after the ICMP/UDP header (at least 20)
  std::uint16_t udp_port = 7;                     // the echo service the responder answers on
  Duration loss_after = std::chrono::seconds(3);  // unanswered this long: lost
  std::uint64_t count = 0;                        // 0: until stopped
};

struct ProbeStats {
  std::uint64_t sent = 0, received = 0, lost = 0, reordered = 0, duplicates = 0;
  std::uint64_t rtt_count = 0;
  Duration rtt_sum{}, rtt_min{}, rtt_max{};
  double rtt_avg_ms() const;
  ProbeStats& operator+=(const ProbeStats& o);
};

class Probe {
 public:
  Probe(const ProbeConfig& cfg, Ipv4 src, Ipv4 dst, std::uint16_t ident, Time start);

  // The next probe if one is due at `now` (the whole IPv4 packet into `out`).
  bool poll_send(Time now, Buffer& out);
  std::optional<Time> next_send() const;
  // An IPv4 packet that came out of the session; true when it was a reply to this flow.
  bool handle_packet(Bytes ip_packet, Time now);
  // Ages out unanswered probes (call now and then, and once at the end with `all`).
  void expire(Time now, bool all = false);
  // The run ends: probes still in flight (younger than loss_after) are neither lost nor
  // answered, so they leave the count.
  void abandon_in_flight();
  bool done() const { return cfg_.count != 0 && stats_.sent >= cfg_.count; }
  const ProbeStats& stats() const { return stats_; }

 private:
  ProbeConfig cfg_;
  Ipv4 src_, dst_;
  std::uint16_t ident_;
  Time next_;
  std::uint64_t next_seq_ = 0;
  std::optional<std::uint64_t> highest_answered_;
  std::map<std::uint64_t, Time> outstanding_;  // seq -> send time
  ProbeStats stats_;
  Buffer payload_;
};

// What the LNS does with an IPv4 packet addressed to `local`: ICMP echo requests and UDP to the
// echo port are answered (the reply into `out`). False when the packet is not for it.
bool answer_echo(Bytes ip_packet, Ipv4 local, std::uint16_t udp_echo_port, Buffer& out);

}  // namespace l2tp::ip
