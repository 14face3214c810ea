// What a LAC or LNS run asks of PPP: the link settings (RouterOS names in the comments), the
// users the LAC dials as, the traffic it sends inside each session, and what the LNS answers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/driver/call_numbers.hpp"
#include "engine/ip/probe.hpp"
#include "engine/ppp/link.hpp"

namespace l2tp {

struct PppSettings {
  bool enabled = true;  // false (--no-ppp): sessions carry no PPP at all
  ppp::LinkConfig link;
  // LAC: the user name, with {n} (1-based call number), {tunnel}, {session} expanded per call.
  std::string user = "l2tpsim";
  std::string password = "l2tpsim";
  // The run-wide {n} of this party's calls: its block of the run's numbers with shards
  // (--threads) and agents (--agent), so {n} stays unique in the run (call_numbers.hpp).
  CallNumbers call_numbers;
  // LAC: traffic inside each session once IPCP is up (none when unset).
  std::optional<ip::ProbeConfig> traffic;
  // The address probes go to; unset: the peer's IPCP address (the LNS's local-address).
  std::optional<net::IpAddress> traffic_target;
  // LNS: answer ICMP echo and UDP echo (this port) sent to our local-address.
  bool answer_echo = true;
  std::uint16_t echo_port = 7;
  // --tun: a TUN interface per link once IPCP is up, named from this pattern ({n}, {tunnel},
  // {session} as in `user`); empty: none (peers/tun/tun_sink.hpp).
  std::string tun;
  // Per-session records kept for the summary (--session-records): those of the first calls of
  // the run and the first failures; the others are only counted (PppRecordLimits).
  std::uint64_t session_records = 1000;
  std::uint64_t failure_records = 1000;
};

// The user name for call `n` (1-based) on our tunnel/session IDs.
std::string expand_user(const std::string& pattern, std::uint64_t n, std::uint16_t tunnel,
                        std::uint16_t session);
// The run-wide number of a shard's k-th call (1-based).
inline std::uint64_t call_number(const PppSettings& s, std::uint64_t k) {
  return s.call_numbers.number(k);
}

}  // namespace l2tp
