// IPv6CP (RFC 5072): Interface-Identifier negotiation, the only option we do. Identifiers are
// random, non-zero, with the u (universal/local) bit cleared (RFC 5072 4.1); a collision is
// Nak'd with a fresh suggestion, and the rules for zero identifiers and Nak loops are those of
// 4.1 (P100-P107). IPv6-Compression-Protocol (2) is rejected.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "engine/ppp/answer_policy.hpp"
#include "engine/ppp/automaton.hpp"
#include "engine/ppp/options.hpp"
#include "engine/util/rng.hpp"

namespace l2tp::ppp {

namespace ipv6cp_option {
constexpr std::uint8_t kInterfaceId = 1;
constexpr std::uint8_t kCompression = 2;
}  // namespace ipv6cp_option

struct Ipv6cpConfig {
  // Our identifier. nullopt: a random one from the Rng. 0: ask the peer to suggest one.
  std::optional<std::uint64_t> interface_id;
  // Answers to the peer's options ahead of the rules above (replay: the captured side's).
  std::shared_ptr<const AnswerPolicy> answers = nullptr;
};

class Ipv6cp final : public OptionPolicy {
 public:
  Ipv6cp(const Ipv6cpConfig& cfg, Rng& rng, const AutomatonConfig& acfg = {});
  Ipv6cp(const Ipv6cp&) = delete;
  Ipv6cp& operator=(const Ipv6cp&) = delete;

  Automaton& automaton() { return automaton_; }
  const Automaton& automaton() const { return automaton_; }

  // Our identifier: the one the peer acknowledged once opened; before, the one we propose.
  std::uint64_t local_id() const { return local_id_; }
  // The peer's identifier we acknowledged; 0 when it sent none.
  std::uint64_t peer_id() const { return peer_id_; }

  // OptionPolicy
  void reset() override;
  void build_request(Buffer& options) override;
  Code judge_request(Bytes options, Buffer& reply, bool reject_instead_of_nak) override;
  bool handle_ack(Bytes options) override;
  bool handle_nak(Bytes options) override;
  bool handle_reject(Bytes options) override;
  std::string option_name(std::uint8_t type) const override;

 private:
  // A random non-zero identifier, u bit cleared, different from both `a` and `b`.
  std::uint64_t random_id(std::uint64_t a, std::uint64_t b);

  Ipv6cpConfig cfg_;
  Rng& rng_;
  Automaton automaton_;
  std::uint64_t local_id_ = 0;
  bool req_id_ = true;                          // not after a Reject (P105)
  std::optional<std::uint64_t> last_nak_sent_;  // P106
  bool appended_ = false;                       // P107: solicit the option at most once
  std::uint64_t peer_id_ = 0;
};

}  // namespace l2tp::ppp
