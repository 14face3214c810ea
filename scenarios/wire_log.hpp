// Everything a scenario's tester side sent and received, decoded once, with its pcap frame
// number and time: what expectations are matched against, and where the passive checker
// records every rule the peer breaks (stateless rules of each message, plus the engine's
// stateful PeerViolation events), so nothing the peer does wrong goes unlisted.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/net/address.hpp"
#include "engine/time.hpp"
#include "engine/util/bytes.hpp"
#include "peers/datagram_filter.hpp"

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
  bool any_hidden = false;
  std::optional<std::uint16_t> ppp_protocol;
  std::optional<std::uint8_t> ppp_code;
  std::string summary;  // one line for evidence
};

struct WireViolation {
  std::string rule;  // "R024"
  std::string detail;
  std::uint64_t frame = 0;
  Time at{};
};

class WireLog final : public peers::WireTap {
 public:
  // `secret` reveals hidden AVPs for the checker (empty: they stay concealed).
  explicit WireLog(Buffer secret) : secret_(std::move(secret)) {}

  void on_wire(const peers::WireDatagram& d) override;
  // A rule the engine saw the peer break (PeerViolation), blamed on the last datagram in.
  void engine_violation(const std::string& rule, const std::string& detail, Time at);

  const std::vector<WireEntry>& entries() const { return entries_; }
  const std::vector<WireViolation>& violations() const { return violations_; }
  std::uint64_t first_frame() const { return entries_.empty() ? 0 : entries_.front().frame; }
  std::uint64_t last_frame() const { return entries_.empty() ? 0 : entries_.back().frame; }
  // Called after each new entry (the runner re-checks what it waits for).
  std::function<void()> on_change;

 private:
  Buffer secret_;
  std::vector<WireEntry> entries_;
  std::vector<WireViolation> violations_;
  std::uint64_t last_in_frame_ = 0;
};

// Decodes one datagram into an entry (no checking).
WireEntry describe_datagram(Bytes bytes, const Buffer& secret);

}  // namespace l2tp::scenario
