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
#include "engine/inbound_observer.hpp"
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

// Two ways to see the peer's datagrams: observe() decodes each one itself (any tap, e.g. behind
// a fault filter); or note() numbers them and the node shows its own decoding (InboundObserver,
// one decode per datagram), which needs the node to take each datagram as note() sees it.
class PassiveChecker final : public InboundObserver {
 public:
  explicit PassiveChecker(std::string secret, std::size_t keep = 100)
      : secret_(std::move(secret)), keep_(keep) {}

  // A datagram from the peer, as frame `frame` of the capture.
  void observe(Bytes datagram, std::uint64_t frame, Time at);
  // The next datagram the node takes is frame `frame`, received at `at`.
  void note(std::uint64_t frame, Time at) {
    last_frame_ = frame;
    last_at_ = at;
  }
  void on_undecodable(const DecodeError& e) override;
  void on_data(const wire::Header& h, Bytes dgram) override;
  void on_control(const Result<wire::ControlMessage, DecodeError>& m, Bytes dgram) override;
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
  Time last_at_{};
  std::map<std::string, std::uint64_t> by_rule_;
  std::vector<CheckedViolation> kept_;
};

// A shard's wire tap that shows the checker every datagram from the peer: to decode, or, once
// the node shows the checker its decoding (node_decodes()), only to number.
class CheckingTap final : public WireTap {
 public:
  explicit CheckingTap(PassiveChecker& checker) : checker_(checker) {}
  void node_decodes(bool yes) { node_decodes_ = yes; }
  void on_wire(const WireDatagram& d) override {
    if (d.direction != WireDirection::In) return;
    if (node_decodes_)
      checker_.note(d.frame, d.at);
    else
      checker_.observe(d.bytes, d.frame, d.at);
  }

 private:
  PassiveChecker& checker_;
  bool node_decodes_ = false;
};

}  // namespace l2tp::peers
