// LCP option policy and LCP-only codes (RFC 1661 5.7-5.9, 6; RFC 1990 5.1). See lcp.hpp.
#include "engine/ppp/lcp.hpp"

#include <algorithm>
#include <bitset>
#include <cstdio>

namespace l2tp::ppp {
namespace {

using namespace lcp_option;

constexpr std::uint16_t kDefaultMru = 1500;  // RFC 1661 6.1

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", static_cast<unsigned>(v));
  return buf;
}

Buffer auth_value(const AuthProto& a) {
  Buffer b;
  Writer w(b);
  w.u16(a.protocol);
  if (a.protocol == proto::kChap) w.u8(a.algorithm);
  return b;
}

// The value of an Authentication-Protocol option when it has the shape RFC 1334 (PAP: no
// data) or RFC 1994 (CHAP: one Algorithm octet) gives it.
std::optional<AuthProto> parse_auth(Bytes value) {
  Reader r(value);
  AuthProto a;
  if (!r.u16(a.protocol)) return std::nullopt;
  if (a.protocol == proto::kPap && r.empty()) return AuthProto{proto::kPap, 0};
  if (a.protocol == proto::kChap && r.remaining() == 1 && r.u8(a.algorithm)) return a;
  return std::nullopt;
}

std::string auth_list(const std::vector<AuthProto>& v) {
  std::string s;
  for (const auto& a : v) s += (s.empty() ? "" : ", ") + to_string(a);
  return s;
}

}  // namespace

std::string to_string(const AuthProto& a) {
  if (a.protocol == proto::kPap) return "PAP";
  if (a.protocol == proto::kChap) {
    switch (a.algorithm) {
      case chap_algorithm::kMd5:
        return "CHAP-MD5";
      case chap_algorithm::kMsChapV1:
        return "MS-CHAPv1";
      case chap_algorithm::kMsChapV2:
        return "MS-CHAPv2";
      default:
        return "CHAP-alg" + std::to_string(a.algorithm);
    }
  }
  return protocol_name(a.protocol);
}

Lcp::Lcp(const LcpConfig& cfg, Rng& rng, const AutomatonConfig& acfg)
    : Lcp(std::make_shared<const LcpConfig>(cfg), rng, acfg) {}

Lcp::Lcp(std::shared_ptr<const LcpConfig> cfg, Rng& rng, const AutomatonConfig& acfg)
    : cfg_(std::move(cfg)), rng_(rng), automaton_(proto::kLcp, *this, acfg) {
  reset();
}

std::uint16_t Lcp::mtu() const {
  return std::min(peer_mru_, cfg_->max_mtu);
}

std::uint32_t Lcp::new_magic() {
  // RFC 1661 6.4 / P053: random and never zero; also never the number we are replacing.
  for (;;) {
    const auto m = static_cast<std::uint32_t>(rng_.next_u64());
    if (m != 0 && m != req_magic_) return m;
  }
}

std::optional<AuthProto> Lcp::current_auth() const {
  if (auth_rejected_ || auth_index_ >= cfg_->require_auth.size()) return std::nullopt;
  return cfg_->require_auth[auth_index_];
}

void Lcp::reset() {
  req_mru_ = cfg_->mru;
  req_mru_on_ = cfg_->mru != kDefaultMru;  // P026: defaults are not requested
  req_accm_ = cfg_->accm;
  auth_index_ = 0;
  auth_tried_.reset();
  auth_rejected_ = false;
  req_magic_on_ = cfg_->magic;
  req_magic_ = cfg_->magic ? new_magic() : 0;
  req_pfc_ = cfg_->pfc;
  req_acfc_ = cfg_->acfc;
  req_mrru_ = cfg_->mrru;
  req_ssn_ = cfg_->short_seq && cfg_->mrru.has_value();  // SSNHF only means something with MRRU
  req_ed_ = cfg_->endpoint_discriminator ? std::make_unique<Buffer>(*cfg_->endpoint_discriminator) : nullptr;
  last_magic_nak_sent_.reset();
  loop_suspicions_ = 0;

  peer_mru_ = our_mru_ = kDefaultMru;
  peer_requires_.reset();
  we_require_.reset();
  our_magic_acked_ = peer_magic_ = 0;
  peer_receives_ = we_receive_ = {};
  peer_mrru_.reset();
  our_mrru_.reset();
  peer_endpoint_.reset();
  peer_short_seq_ = our_short_seq_acked_ = false;
  echo_outstanding_.reset();
}

void Lcp::build_request(Buffer& out) {
  if (req_mru_on_) write_option_u16(out, kMru, req_mru_);
  if (req_accm_) write_option_u32(out, kAccm, *req_accm_);
  // P051: one Authentication-Protocol option, our current preference.
  if (auto a = current_auth()) write_option(out, kAuthProtocol, auth_value(*a));
  if (req_magic_on_) write_option_u32(out, kMagicNumber, req_magic_);
  if (req_pfc_) write_option(out, kPfc);
  if (req_acfc_) write_option(out, kAcfc);
  if (req_mrru_) write_option_u16(out, kMrru, *req_mrru_);
  if (req_ssn_) write_option(out, kShortSequence);
  if (req_ed_) write_option(out, kEndpointDiscriminator, *req_ed_);
}

Code Lcp::judge_request(Bytes options, Buffer& reply, bool reject_instead_of_nak) {
  ReplyBuilder rb;
  std::uint16_t mru = kDefaultMru;
  std::optional<AuthProto> auth;
  std::uint32_t magic = 0;
  FrameFormat fmt;
  std::optional<std::uint16_t> mrru;
  std::optional<Buffer> ed;
  bool ssn = false;
  bool collision = false;
  std::bitset<256> seen;

  OptionReader r(options);
  while (auto next = r.next()) {
    if (!*next) break;  // the automaton discards unwalkable lists before judging
    const Option& o = next->value();
    if (seen[o.type]) {
      rb.reject(o);  // each option once (P051 for Authentication-Protocol)
      continue;
    }
    seen.set(o.type);
    if (cfg_->answers && (o.type != kMagicNumber || !req_magic_on_) && cfg_->answers->apply(o, rb)) continue;
    switch (o.type) {
      case kMru: {
        const auto v = option_u16(o);
        if (!v) {
          rb.nak_u16(o, std::max(cfg_->min_mru, kDefaultMru));  // P049: right length and value
        } else if (*v < cfg_->min_mru) {
          rb.nak_u16(o, cfg_->min_mru);  // P031
        } else {
          mru = *v;
        }
        break;
      }
      case kAccm:
        // Meaningless on L2TP (RFC 2661 4.4.5: the LAC does async mapping); any value is fine.
        if (!option_u32(o)) rb.nak_u32(o, 0);
        break;
      case kAuthProtocol: {
        // P052: the peer asks us to authenticate to it with this protocol.
        if (cfg_->accept_auth.empty()) {
          rb.reject(o);
          break;
        }
        const auto a = parse_auth(o.value);
        if (a && std::ranges::find(cfg_->accept_auth, *a) != cfg_->accept_auth.end()) {
          auth = *a;
        } else {
          rb.nak(o, auth_value(cfg_->accept_auth.front()));  // P031, P049
        }
        break;
      }
      case kMagicNumber: {
        const auto v = option_u32(o);
        if (!v || *v == 0) {
          const std::uint32_t s = new_magic();
          rb.nak_u32(o, s, !req_magic_on_);  // P049, P059; never rejected while we send ours (P056)
          last_magic_nak_sent_ = s;
        } else if (req_magic_on_ && *v == req_magic_) {
          // P054 (RFC 1661 6.4): possibly our own request looped back; Nak a different number.
          const std::uint32_t s = new_magic();
          rb.nak_u32(o, s, false);
          last_magic_nak_sent_ = s;
          collision = true;
        } else {
          magic = *v;
        }
        break;
      }
      case kPfc:
      case kAcfc:
        // Booleans cannot be Nak'd (P032); a malformed one is rejected. Accepting costs nothing:
        // parse_frame takes compressed and uncompressed frames alike.
        if (!o.value.empty()) {
          rb.reject(o);
        } else {
          (o.type == kPfc ? fmt.pfc : fmt.acfc) = true;
        }
        break;
      case kMrru: {
        const auto v = option_u16(o);
        if (!multilink()) {
          rb.reject(o);
        } else if (!v) {
          rb.nak_u16(o, cfg_->mrru.value_or(kDefaultMru));
        } else {
          mrru = *v;
        }
        break;
      }
      case kShortSequence:
        if (!multilink() || !o.value.empty()) {
          rb.reject(o);
        } else {
          ssn = true;
        }
        break;
      case kEndpointDiscriminator:
        // P116: never Nak'd; without multilink it is of no use to us.
        if (!multilink() || o.value.empty()) {
          rb.reject(o);
        } else {
          ed = Buffer(o.value.begin(), o.value.end());
        }
        break;
      default:
        rb.reject(o);  // P035: Quality-Protocol, Callback, unknown types...
        break;
    }
  }

  if (collision) {
    if (++loop_suspicions_ >= cfg_->loopback_fail) {
      fail(Stop::LoopedBack, "LCP: " + std::to_string(loop_suspicions_) +
                                 " Configure-Requests in a row carried our own Magic-Number " +
                                 hex32(req_magic_) + ": the link is looped back");
    }
  } else {
    loop_suspicions_ = 0;
  }

  const Code verdict = rb.finish(reply, reject_instead_of_nak);
  if (verdict == Code::ConfAck) {
    peer_mru_ = mru;
    peer_requires_ = auth;
    peer_magic_ = magic;
    peer_receives_ = fmt;
    peer_mrru_ = mrru;
    peer_endpoint_ = ed ? std::make_unique<Buffer>(std::move(*ed)) : nullptr;
    peer_short_seq_ = ssn;
  }
  return verdict;
}

bool Lcp::handle_ack(Bytes) {
  our_mru_ = req_mru_on_ ? req_mru_ : kDefaultMru;
  we_require_ = current_auth();
  our_magic_acked_ = req_magic_on_ ? req_magic_ : 0;
  we_receive_ = FrameFormat{req_acfc_, req_pfc_};
  our_mrru_ = req_mrru_;
  our_short_seq_acked_ = req_ssn_;
  return true;
}

std::optional<std::string> Lcp::adopt_request(Bytes options) {
  // Start from a request asking for nothing; the list says what was asked for. "No
  // Authentication-Protocol" is kept as auth_rejected_ (current_auth() is then empty).
  req_mru_on_ = false;
  req_mru_ = kDefaultMru;
  req_accm_.reset();
  auth_index_ = 0;
  auth_rejected_ = true;
  req_magic_on_ = false;
  req_magic_ = 0;
  req_pfc_ = req_acfc_ = false;
  req_mrru_.reset();
  req_ssn_ = false;
  req_ed_.reset();
  std::bitset<256> seen;
  OptionReader r(options);
  while (auto next = r.next()) {
    if (!*next) return next->error();
    const Option& o = next->value();
    if (seen[o.type]) return option_name(o.type) + " appears twice";
    seen.set(o.type);
    const std::string bad = option_name(o.type) + " has a value we would not have asked for";
    switch (o.type) {
      case kMru: {
        const auto v = option_u16(o);
        if (!v || *v < cfg_->min_mru) return bad;
        req_mru_ = *v;
        req_mru_on_ = true;
        break;
      }
      case kAccm: {
        const auto v = option_u32(o);
        if (!v) return bad;
        req_accm_ = *v;
        break;
      }
      case kAuthProtocol: {
        const auto a = parse_auth(o.value);
        const auto it = a ? std::ranges::find(cfg_->require_auth, *a) : cfg_->require_auth.end();
        if (it == cfg_->require_auth.end())
          return "Authentication-Protocol " + (a ? to_string(*a) : std::string("(malformed)")) +
                 " is not one we demand (" +
                 (cfg_->require_auth.empty() ? std::string("none") : auth_list(cfg_->require_auth)) + ")";
        auth_index_ = static_cast<std::size_t>(it - cfg_->require_auth.begin());
        auth_rejected_ = false;
        break;
      }
      case kMagicNumber: {
        const auto v = option_u32(o);
        if (!v || *v == 0) return bad;  // P053
        req_magic_ = *v;
        req_magic_on_ = true;
        break;
      }
      case kPfc:
      case kAcfc:
        if (!o.value.empty()) return bad;
        (o.type == kPfc ? req_pfc_ : req_acfc_) = true;
        break;
      case kMrru: {
        const auto v = option_u16(o);
        if (!v || !multilink()) return bad;
        req_mrru_ = *v;
        break;
      }
      case kShortSequence:
        if (!o.value.empty() || !multilink()) return bad;
        req_ssn_ = true;
        break;
      case kEndpointDiscriminator:
        if (o.value.empty() || !multilink()) return bad;
        req_ed_ = std::make_unique<Buffer>(o.value.begin(), o.value.end());
        break;
      default:
        return option_name(o.type) + " is not an option we request";
    }
  }
  if (!cfg_->require_auth.empty() && auth_rejected_)
    return "no Authentication-Protocol, but we demand " + auth_list(cfg_->require_auth);
  return std::nullopt;
}

bool Lcp::handle_nak(Bytes options) {
  OptionReader r(options);
  while (auto next = r.next()) {
    if (!*next) return false;
    const Option& o = next->value();
    switch (o.type) {
      case kMru: {
        const auto v = option_u16(o);
        if (!v) break;
        // P034: take the peer's value when we can live with it; below our minimum we ask for
        // the minimum (a peer that insists ends in NegotiationFailed).
        req_mru_ = std::max(*v, cfg_->min_mru);
        req_mru_on_ = req_mru_ != kDefaultMru;
        break;
      }
      case kAccm:
        if (auto v = option_u32(o)) req_accm_ = *v;
        break;
      case kAuthProtocol: {
        if (cfg_->require_auth.empty() || !current_auth()) break;  // we asked for none
        auth_tried_.set(auth_index_);
        const auto proposed = parse_auth(o.value);
        std::optional<std::size_t> next_index;
        // RFC 1661 6.2: take the peer's proposal if we allow it, else our next preference.
        for (std::size_t i = 0; i < cfg_->require_auth.size() && i < auth_tried_.size(); ++i) {
          if (proposed && cfg_->require_auth[i] == *proposed && !auth_tried_[i]) next_index = i;
        }
        for (std::size_t i = 0; !next_index && i < cfg_->require_auth.size() && i < auth_tried_.size(); ++i) {
          if (!auth_tried_[i]) next_index = i;
        }
        if (!next_index) {
          fail(Stop::NegotiationFailed,
               "LCP: peer will not authenticate with " + auth_list(cfg_->require_auth) + " (it proposes " +
                   (proposed ? to_string(*proposed) : std::string("an unknown protocol")) + ")");
          break;
        }
        auth_index_ = *next_index;
        break;
      }
      case kMagicNumber: {
        const auto v = option_u32(o);
        // RFC 1661 6.4, P055: the number we Nak'd ourselves coming back means a possible loop:
        // choose afresh. Otherwise the peer's suggestion is a unique number.
        if (!v || *v == 0 || *v == req_magic_ || (last_magic_nak_sent_ && *v == *last_magic_nak_sent_)) {
          req_magic_ = new_magic();
        } else {
          req_magic_ = *v;
        }
        if (!cfg_->magic) req_magic_on_ = true;  // solicited (P033)
        break;
      }
      case kPfc:
        req_pfc_ = false;  // a boolean cannot be Nak'd; take it as a refusal
        break;
      case kAcfc:
        req_acfc_ = false;
        break;
      case kMrru:
        if (auto v = option_u16(o); v && multilink()) req_mrru_ = *v;
        break;
      case kShortSequence:
        req_ssn_ = false;
        break;
      case kEndpointDiscriminator:
        req_ed_.reset();  // P116
        break;
      default:
        break;  // a solicited option we do not do: not requesting it is our answer
    }
  }
  return true;
}

bool Lcp::handle_reject(Bytes options) {
  OptionReader r(options);
  while (auto next = r.next()) {
    if (!*next) return false;
    switch (next->value().type) {
      case kMru:
        req_mru_on_ = false;
        req_mru_ = kDefaultMru;
        break;
      case kAccm:
        req_accm_.reset();
        break;
      case kAuthProtocol:
        if (auto a = current_auth())
          fail(Stop::NegotiationFailed, "LCP: peer Configure-Rejects Authentication-Protocol; we require " +
                                            auth_list(cfg_->require_auth));
        auth_rejected_ = true;
        break;
      case kMagicNumber:
        req_magic_on_ = false;  // P057: not looped back; carry on without
        break;
      case kPfc:
        req_pfc_ = false;
        break;
      case kAcfc:
        req_acfc_ = false;
        break;
      case kMrru:
        req_mrru_.reset();
        req_ssn_ = false;
        break;
      case kShortSequence:
        req_ssn_ = false;
        break;
      case kEndpointDiscriminator:
        req_ed_.reset();  // P116
        break;
      default:
        break;
    }
  }
  return true;
}

std::string Lcp::option_name(std::uint8_t type) const {
  switch (type) {
    case kMru:
      return "MRU";
    case kAccm:
      return "ACCM";
    case kAuthProtocol:
      return "Authentication-Protocol";
    case kQualityProtocol:
      return "Quality-Protocol";
    case kMagicNumber:
      return "Magic-Number";
    case kPfc:
      return "Protocol-Field-Compression";
    case kAcfc:
      return "Address-and-Control-Field-Compression";
    case kMrru:
      return "MRRU";
    case kShortSequence:
      return "Short-Sequence-Number-Header-Format";
    case kEndpointDiscriminator:
      return "Endpoint-Discriminator";
  }
  return OptionPolicy::option_name(type);
}

ExtraCode Lcp::classify_code(std::uint8_t code) const {
  switch (static_cast<Code>(code)) {
    case Code::ProtoRej:
      return ExtraCode::Rxj;
    case Code::EchoReq:
    case Code::EchoRep:
    case Code::DiscardReq:
      return ExtraCode::Rxr;
    default:
      return ExtraCode::Unknown;
  }
}

// RFC 1661 6.4: a received Magic-Number field is zero or the peer's number; our own number
// means a loop.
bool Lcp::magic_ok_in_echo(std::uint32_t magic, const char* what) {
  if (our_magic_acked_ != 0 && magic == our_magic_acked_) {
    notices_.emplace_back(
        LcpLoopDetected{std::string("LCP: ") + what + " carried our own Magic-Number " + hex32(magic)});
    return false;
  }
  if (magic != 0 && magic != peer_magic_) {
    ++echo_.bad_magic;
    return false;
  }
  return true;
}

bool Lcp::handle_extra_code(const Packet& p, Time) {
  Reader r(p.data);
  switch (p.code) {
    case Code::EchoReq: {
      std::uint32_t magic = 0;
      if (!r.u32(magic)) return true;  // too short to answer: discard
      ++echo_.requests_received;
      if (our_magic_acked_ != 0 && magic == our_magic_acked_) {
        notices_.emplace_back(
            LcpLoopDetected{"LCP: Echo-Request carried our own Magic-Number " + hex32(magic)});
        return true;
      }
      if (magic != 0 && magic != peer_magic_) ++echo_.bad_magic;  // misconfigured peer; answer anyway
      // P044: same identifier, our Magic-Number, the data back, within the peer's MRU (P023).
      Buffer reply;
      Writer(reply).u32(our_magic_acked_);
      const Bytes rest = r.rest();
      const std::size_t room = peer_mru_ > 8 ? peer_mru_ - 8u : 0;
      Writer(reply).bytes(rest.first(std::min(room, rest.size())));
      automaton_.send_with_id(Code::EchoRep, reply, p.id);
      ++echo_.replies_sent;
      return true;
    }
    case Code::EchoRep: {
      std::uint32_t magic = 0;
      if (!r.u32(magic)) return true;
      ++echo_.replies_received;
      if (!magic_ok_in_echo(magic, "Echo-Reply")) return true;
      if (!echo_outstanding_[p.id]) return true;  // not an answer to a request of ours
      echo_outstanding_.reset(p.id);
      const Bytes rest = r.rest();
      notices_.emplace_back(LcpEchoReply{p.id, Buffer(rest.begin(), rest.end())});
      return true;
    }
    case Code::DiscardReq: {
      std::uint32_t magic = 0;
      ++echo_.discards_received;
      if (r.u32(magic)) (void)magic_ok_in_echo(magic, "Discard-Request");
      return true;  // P048: silently discarded
    }
    case Code::ProtoRej: {
      std::uint16_t protocol = 0;
      if (!r.u16(protocol)) return true;
      if (protocol == proto::kLcp) {
        fail(Stop::ProtocolRejected, "LCP: peer Protocol-Rejected LCP itself");
        return true;
      }
      const Bytes rest = r.rest();
      notices_.emplace_back(LcpProtocolReject{protocol, Buffer(rest.begin(), rest.end())});
      return true;
    }
    default:
      return false;
  }
}

void Lcp::code_rejected(std::uint8_t code) {
  if (static_cast<Code>(code) == Code::EchoReq) notices_.emplace_back(LcpEchoRejected{});
}

void Lcp::this_layer_up(Time) {
  automaton_.set_peer_mru(peer_mru_);
}

void Lcp::this_layer_down(Time) {
  echo_outstanding_.reset();
}

bool Lcp::send_echo_request(Bytes data) {
  if (!automaton_.opened()) return false;  // P045
  Buffer payload;
  Writer(payload).u32(our_magic_acked_);  // P047, P058
  const std::size_t room = peer_mru_ > 8 ? peer_mru_ - 8u : 0;
  Writer(payload).bytes(data.first(std::min(room, data.size())));
  const std::uint8_t id = automaton_.send(Code::EchoReq, payload);  // P046: fresh identifier
  echo_outstanding_.set(id);
  ++echo_.requests_sent;
  return true;
}

bool Lcp::send_protocol_reject(std::uint16_t protocol, Bytes packet) {
  if (!automaton_.opened()) return false;
  Buffer payload;
  Writer(payload).u16(protocol);
  const std::size_t room = peer_mru_ > 6 ? peer_mru_ - 6u : 0;
  Writer(payload).bytes(packet.first(std::min(room, packet.size())));
  (void)automaton_.send(Code::ProtoRej, payload);  // P041: new identifier
  return true;
}

std::optional<LcpNotice> Lcp::poll_notice() {
  if (notices_.empty()) return std::nullopt;
  LcpNotice n = std::move(notices_.front());
  notices_.pop_front();
  return n;
}

}  // namespace l2tp::ppp
