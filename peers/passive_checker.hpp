// The passive checker: every datagram a peer sends is held against the stateless rules of
// RFC 2661 (wire::check_control / check_data: header, AVPs, mandatory AVPs per message), and
// the engine's stateful findings (PeerViolation events: Ns/Nr, replies, state) join them.
// Every violation is counted per requirement ID; the first `keep` are listed with the frame
// number of the datagram that shows them, so nothing the peer does wrong goes unreported. Used
// by the lac/lns runs and by the scenario runner's wire log.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/driver/datagram_filter.hpp"
#include "engine/time.hpp"
#include "engine/util/bytes.hpp"
#include "engine/wire/checker.hpp"

namespace l2tp::peers {

struct CheckedViolation {
  std::string rule;  // "R024"
  std::string detail;
  std::uint64_t frame = 0;  // of the datagram that shows it (the last one in, for the engine's)
  Time at{};
  bool stateful = false;  // found by the engine, not by the per-message rules
};

// Every stateless rule one datagram from the peer breaks (hidden AVPs revealed with `secret`).
std::vector<wire::Violation> check_datagram(Bytes datagram, const std::string& secret);

class PassiveChecker {
 public:
  explicit PassiveChecker(std::string secret, std::size_t keep = 100)
      : secret_(std::move(secret)), keep_(keep) {}

  // A datagram from the peer, as frame `frame` of the capture.
  void observe(Bytes datagram, std::uint64_t frame, Time at);
  // A PeerViolation from the engine, blamed on the last datagram observed.
  void engine_violation(const std::string& rule, const std::string& detail, Time at);

  std::uint64_t total() const { return total_; }
  const std::map<std::string, std::uint64_t>& by_rule() const { return by_rule_; }
  const std::vector<CheckedViolation>& kept() const { return kept_; }

 private:
  void add(CheckedViolation v);

  std::string secret_;
  std::size_t keep_;
  std::uint64_t total_ = 0;
  std::uint64_t last_frame_ = 0;
  std::map<std::string, std::uint64_t> by_rule_;
  std::vector<CheckedViolation> kept_;
};

// A shard's wire tap that shows the checker every datagram from the peer.
class CheckingTap final : public WireTap {
 public:
  explicit CheckingTap(PassiveChecker& checker) : checker_(checker) {}
  void on_wire(const WireDatagram& d) override {
    if (d.direction == WireDirection::In) checker_.observe(d.bytes, d.frame, d.at);
  }

 private:
  PassiveChecker& checker_;
};

}  // namespace l2tp::peers
