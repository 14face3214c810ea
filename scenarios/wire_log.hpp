// Everything a scenario's tester side sent and received, decoded once, with its pcap frame
// number and time: what expectations are matched against, and where the passive checker
// records every rule the peer breaks (stateless rules of each message, plus the engine's
// stateful PeerViolation events), so nothing the peer does wrong goes unlisted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/driver/datagram_filter.hpp"
#include "engine/net/address.hpp"
#include "engine/time.hpp"
#include "engine/util/bytes.hpp"
#include "peers/passive_checker.hpp"

namespace l2tp::scenario {

struct WireEntry {
  std::uint64_t frame = 0;
  Time at{};
  bool from_peer = false;  // In: the peer (the device under test) sent it
  net::Endpoint src, dst;
  enum class Kind : std::uint8_t { Control, Zlb, Data, Undecodable } kind = Kind::Undecodable;
  std::string name;  // "SCCRQ", "StopCCN", "ZLB", "data", "undecodable"
  std::uint16_t tunnel = 0, session = 0;
  std::optional<std::uint16_t> ns, nr;
  std::optional<std::uint16_t> result, error;  // Result Code AVP
  std::vector<std::uint16_t> avps;             // vendor-0 AVP types, wire order
  // Their value octets, parallel to `avps` (a hidden AVP's as revealed; empty when it could not be).
  std::vector<Buffer> avp_values;
  bool any_hidden = false;
  std::optional<std::uint16_t> ppp_protocol;
  std::optional<std::uint8_t> ppp_code;
  std::string summary;  // one line for evidence
  // Addressed to a tunnel of an earlier case (a late retransmission, a StopCCN for a tunnel
  // that case left behind): kept for the record, never judged in this case.
  bool stale = false;
};

class WireLog final : public WireTap {
 public:
  // `secret` reveals hidden AVPs for the checker (empty: they stay concealed).
  explicit WireLog(Buffer secret, std::function<bool(std::uint16_t)> earlier = {})
      : earlier_tunnel(std::move(earlier)),
        secret_(std::move(secret)),
        checker_(std::string(secret_.begin(), secret_.end()), SIZE_MAX) {}

  void on_wire(const WireDatagram& d) override;
  // A rule the engine saw the peer break (PeerViolation), blamed on the last datagram in.
  void engine_violation(const std::string& rule, const std::string& detail, Time at);

  const std::vector<WireEntry>& entries() const { return entries_; }
  const std::vector<peers::CheckedViolation>& violations() const { return checker_.kept(); }
  std::uint64_t first_frame() const { return entries_.empty() ? 0 : entries_.front().frame; }
  std::uint64_t last_frame() const { return entries_.empty() ? 0 : entries_.back().frame; }
  // Called after each new entry (the runner re-checks what it waits for).
  std::function<void()> on_change;
  // Whether a Tunnel ID belonged to an earlier case of the run (unset: none did).
  std::function<bool(std::uint16_t)> earlier_tunnel;

 private:
  Buffer secret_;
  std::vector<WireEntry> entries_;
  peers::PassiveChecker checker_;
};

// Decodes one datagram into an entry (no checking).
WireEntry describe_datagram(Bytes bytes, const Buffer& secret);

}  // namespace l2tp::scenario
