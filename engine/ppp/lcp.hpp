// LCP (RFC 1661 5 and 6, RFC 1990 5.1 for the multilink options): the option policy, the
// Echo/Discard/Protocol-Reject handling that only LCP has, and the negotiated link
// parameters the link and the NCPs need (MRU/MTU, authentication, magic numbers, ACFC/PFC,
// MRRU). One Lcp per PPP endpoint; it owns its Automaton.
//
// Drive it through automaton() (up/open/handle_packet/handle_timeout, poll_transmit...) and
// drain poll_notice() after every input.
#pragma once

#include <bitset>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/ppp/answer_policy.hpp"
#include "engine/ppp/automaton.hpp"
#include "engine/ppp/frame.hpp"
#include "engine/ppp/options.hpp"
#include "engine/util/rng.hpp"

namespace l2tp::ppp {

namespace lcp_option {
constexpr std::uint8_t kMru = 1;
constexpr std::uint8_t kAccm = 2;
constexpr std::uint8_t kAuthProtocol = 3;
constexpr std::uint8_t kQualityProtocol = 4;
constexpr std::uint8_t kMagicNumber = 5;
constexpr std::uint8_t kPfc = 7;
constexpr std::uint8_t kAcfc = 8;
constexpr std::uint8_t kMrru = 17;                   // RFC 1990 5.1.1
constexpr std::uint8_t kShortSequence = 18;          // RFC 1990 5.1.2
constexpr std::uint8_t kEndpointDiscriminator = 19;  // RFC 1990 5.1.3
}  // namespace lcp_option

namespace chap_algorithm {
constexpr std::uint8_t kMd5 = 5;          // RFC 1994
constexpr std::uint8_t kMsChapV1 = 0x80;  // RFC 2433
constexpr std::uint8_t kMsChapV2 = 0x81;  // RFC 2759
}  // namespace chap_algorithm

// An Authentication-Protocol value: PAP (algorithm 0, unused) or CHAP with its algorithm.
struct AuthProto {
  std::uint16_t protocol = proto::kPap;
  std::uint8_t algorithm = 0;
  bool operator==(const AuthProto&) const = default;
};
constexpr AuthProto kAuthPap{proto::kPap, 0};
constexpr AuthProto kAuthChapMd5{proto::kChap, chap_algorithm::kMd5};
constexpr AuthProto kAuthMsChapV1{proto::kChap, chap_algorithm::kMsChapV1};
constexpr AuthProto kAuthMsChapV2{proto::kChap, chap_algorithm::kMsChapV2};
std::string to_string(const AuthProto& a);  // "PAP", "CHAP-MD5", "MS-CHAPv1", "MS-CHAPv2"

struct LcpConfig {
  std::uint16_t mru = 1500;      // what we ask for (RouterOS max-mru); not requested when 1500 (P026)
  std::uint16_t max_mtu = 1500;  // cap on what we send (RouterOS max-mtu): mtu() = min(peer MRU, this)
  std::uint16_t min_mru =
      64;  // a peer MRU below this is Nak'd with this value; Naks of ours below it are refused
  std::optional<std::uint32_t> accm;  // request ACCM (default: none requested)
  // Authentication we demand of the peer (server), in preference order; empty = none.
  std::vector<AuthProto> require_auth;
  // What we agree to be authenticated with (client), in preference order; a request for
  // anything else is Nak'd with our first; empty = we authenticate with nothing (Reject).
  std::vector<AuthProto> accept_auth;
  bool magic = true;                  // request a Magic-Number
  bool pfc = false;                   // request PFC; a peer's PFC/ACFC request is always accepted
  bool acfc = false;                  // request ACFC
  std::optional<std::uint16_t> mrru;  // RFC 1990 MRRU (RouterOS mrru): request it and accept the peer's
  bool short_seq = false;             // request RFC 1990 Short Sequence Number Header Format
  std::optional<Buffer> endpoint_discriminator;  // Class octet + Address octets, requested when set
  // Accept the peer's MRRU/SSNHF/Endpoint-Discriminator even without mrru set. When false and
  // mrru is unset we do not do multilink and Reject them (l2tpns offers MRRU and ED).
  bool accept_mrru = false;
  // Consecutive Configure-Requests carrying our own Magic-Number before the link is declared
  // looped back (RFC 1661 6.4; pppd's lcp-max-loopback-fail default is 10).
  unsigned loopback_fail = 5;
  // Answers to the peer's options ahead of the rules above (replay: the captured side's); never
  // a Reject of the peer's Magic-Number while we send ours (P056).
  std::shared_ptr<const AnswerPolicy> answers = nullptr;
};

struct LcpEchoReply {
  std::uint8_t id = 0;
  Buffer data;  // after the Magic-Number
};
struct LcpProtocolReject {
  std::uint16_t protocol = 0;  // the rejected protocol: stop sending it (P042)
  Buffer data;                 // the rejected information field (possibly truncated)
};
struct LcpLoopDetected {
  std::string detail;  // which packet carried our own Magic-Number
};
struct LcpEchoRejected {};  // the peer Code-Rejected Echo-Request: keepalive cannot work
using LcpNotice = std::variant<LcpEchoReply, LcpProtocolReject, LcpLoopDetected, LcpEchoRejected>;

class Lcp final : public OptionPolicy {
 public:
  Lcp(const LcpConfig& cfg, Rng& rng, const AutomatonConfig& acfg = {});
  // Shares `cfg` instead of copying it (every link of a run has the same LCP settings).
  Lcp(std::shared_ptr<const LcpConfig> cfg, Rng& rng, const AutomatonConfig& acfg);
  Lcp(const Lcp&) = delete;
  Lcp& operator=(const Lcp&) = delete;

  Automaton& automaton() { return automaton_; }
  const Automaton& automaton() const { return automaton_; }
  const LcpConfig& config() const { return *cfg_; }

  // Results of negotiation, valid once opened.
  std::uint16_t peer_mru() const { return peer_mru_; }  // what the peer receives (1500 when not negotiated)
  std::uint16_t our_mru() const { return our_mru_; }    // what the peer agreed we receive
  std::uint16_t mtu() const;                            // min(peer_mru, max_mtu)
  std::optional<AuthProto> peer_requires() const { return peer_requires_; }  // we must authenticate with this
  std::optional<AuthProto> we_require() const { return we_require_; }        // the peer agreed to this
  std::uint32_t our_magic() const { return our_magic_acked_; }               // 0 when not negotiated (P047)
  std::uint32_t peer_magic() const { return peer_magic_; }                   // 0 when not negotiated
  FrameFormat peer_receives() const { return peer_receives_; }  // ACFC/PFC the peer requested and we Acked
  FrameFormat we_receive() const { return we_receive_; }        // ACFC/PFC we requested and the peer Acked
  std::optional<std::uint16_t> peer_mrru() const { return peer_mrru_; }  // peer offered MRRU, we Acked
  std::optional<std::uint16_t> our_mrru() const { return our_mrru_; }    // we offered MRRU, peer Acked (P113)
  std::optional<Buffer> peer_endpoint() const {
    return peer_endpoint_ ? std::optional<Buffer>(*peer_endpoint_) : std::nullopt;
  }
  bool short_seq() const { return peer_short_seq_; }  // the peer asked for 12-bit MP sequence numbers (P114)
  bool we_receive_short_seq() const { return our_short_seq_acked_; }

  // Sends an Echo-Request with our Magic-Number (0 if not negotiated, P047) and a fresh
  // identifier (P046). Only in Opened (P045): otherwise nothing is sent and false returned.
  // The data is truncated to the peer's MRU (P023).
  bool send_echo_request(Bytes data = {});
  // P041: a Protocol-Reject of `packet` (the frame's Information field, after the Protocol
  // field) with a new identifier, truncated to the peer's MRU. Only in Opened; false otherwise.
  bool send_protocol_reject(std::uint16_t protocol, Bytes packet);

  // Proxy LCP (RFC 2661 4.4.5): LCP starts Opened from a negotiation the LAC ran, nothing sent.
  // `our_request` and `peer_request` are Configure-Request option lists (what we asked for,
  // what the peer asked for), both taken as Acked; the results (peer_mru, peer_requires,
  // we_require, magic numbers...) follow from them as after a negotiation. Our list may carry
  // only what this configuration allows (an Authentication-Protocol from require_auth, which
  // it must carry when require_auth is set; MRU not below min_mru; a non-zero Magic-Number;
  // multilink options only with multilink); the peer's must be one we would Ack. Otherwise
  // the error says why and LCP is left in Initial for a normal start. See Automaton::adopt.
  Result<void, std::string> adopt(Bytes our_request, Bytes peer_request, Time now) {
    return automaton_.adopt(our_request, peer_request, now);
  }

  // Echo-Reply received (magic checked), Protocol-Reject received, loop detected...
  std::optional<LcpNotice> poll_notice();

  // 32 bits: at one echo a second a link needs 136 years to wrap them.
  struct EchoCounters {
    std::uint32_t requests_sent = 0;
    std::uint32_t requests_received = 0;
    std::uint32_t replies_sent = 0;
    std::uint32_t replies_received = 0;
    std::uint32_t bad_magic = 0;  // Echo/Discard with neither 0 nor the peer's number (RFC 1661 6.4)
    std::uint32_t discards_received = 0;
  };
  const EchoCounters& echo_counters() const { return echo_; }

  // OptionPolicy
  void reset() override;
  void build_request(Buffer& options) override;
  Code judge_request(Bytes options, Buffer& reply, bool reject_instead_of_nak) override;
  bool handle_ack(Bytes options) override;
  bool handle_nak(Bytes options) override;
  bool handle_reject(Bytes options) override;
  std::string option_name(std::uint8_t type) const override;
  ExtraCode classify_code(std::uint8_t code) const override;
  bool handle_extra_code(const Packet& p, Time now) override;
  void code_rejected(std::uint8_t code) override;
  std::optional<std::string> adopt_request(Bytes options) override;
  void this_layer_up(Time now) override;
  void this_layer_down(Time now) override;

 private:
  std::uint32_t new_magic();
  bool multilink() const { return cfg_->mrru.has_value() || cfg_->accept_mrru; }
  // What the current request asks for.
  std::optional<AuthProto> current_auth() const;
  bool magic_ok_in_echo(std::uint32_t magic, const char* what);

  std::shared_ptr<const LcpConfig> cfg_;
  Rng& rng_;
  Automaton automaton_;

  // Our request (reset() restores it from the configuration).
  std::uint16_t req_mru_ = 1500;
  bool req_mru_on_ = false;
  std::optional<std::uint32_t> req_accm_;
  std::size_t auth_index_ = 0;  // into cfg_.require_auth
  std::bitset<32> auth_tried_;  // preferences the peer has Nak'd
  bool auth_rejected_ = false;
  std::uint32_t req_magic_ = 0;
  bool req_magic_on_ = false;
  bool req_pfc_ = false, req_acfc_ = false;
  std::optional<std::uint16_t> req_mrru_;
  bool req_ssn_ = false;
  // Endpoint Discriminators: multilink only, so on the heap when there is one (8 octets, not 32).
  std::unique_ptr<Buffer> req_ed_;
  std::optional<std::uint32_t> last_magic_nak_sent_;  // RFC 1661 6.4 loop detection
  unsigned loop_suspicions_ = 0;

  // Results.
  std::uint16_t peer_mru_ = 1500, our_mru_ = 1500;
  std::optional<AuthProto> peer_requires_, we_require_;
  std::uint32_t our_magic_acked_ = 0, peer_magic_ = 0;
  FrameFormat peer_receives_, we_receive_;
  std::optional<std::uint16_t> peer_mrru_, our_mrru_;
  std::unique_ptr<Buffer> peer_endpoint_;
  bool peer_short_seq_ = false, our_short_seq_acked_ = false;

  std::bitset<256> echo_outstanding_;
  Fifo<LcpNotice> notices_;
  EchoCounters echo_;
};

}  // namespace l2tp::ppp
