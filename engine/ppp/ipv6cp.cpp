// IPv6CP Interface-Identifier negotiation (RFC 5072 4.1). See ipv6cp.hpp.
#include "engine/ppp/ipv6cp.hpp"

#include <bitset>

namespace l2tp::ppp {
namespace {

using namespace ipv6cp_option;

// The u bit: bit 6 of the first octet in the modified EUI-64 format (RFC 4291 2.5.1).
constexpr std::uint64_t kUniversalBit = 0x0200000000000000ULL;

}  // namespace

Ipv6cp::Ipv6cp(const Ipv6cpConfig& cfg, Rng& rng, const AutomatonConfig& acfg)
    : cfg_(cfg), rng_(rng), automaton_(proto::kIpv6cp, *this, acfg) {
  reset();
}

std::uint64_t Ipv6cp::random_id(std::uint64_t a, std::uint64_t b) {
  for (;;) {
    const std::uint64_t id = rng_.next_u64() & ~kUniversalBit;
    if (id != 0 && id != a && id != b) return id;
  }
}

void Ipv6cp::reset() {
  // A configured identifier is kept across negotiations; a random one is chosen once, so the
  // suggestion is "consistently reproducible" within a session (RFC 5072 4.1).
  if (cfg_.interface_id) {
    local_id_ = *cfg_.interface_id;
  } else if (local_id_ == 0) {
    local_id_ = random_id(0, 0);
  }
  req_id_ = true;
  last_nak_sent_.reset();
  appended_ = false;
  peer_id_ = 0;
}

void Ipv6cp::build_request(Buffer& out) {
  if (req_id_) write_option_u64(out, kInterfaceId, local_id_);  // P100: exactly one
}

Code Ipv6cp::judge_request(Bytes options, Buffer& reply, bool reject_instead_of_nak) {
  ReplyBuilder rb;
  std::optional<std::uint64_t> peer;
  std::bitset<256> seen;
  OptionReader r(options);
  while (auto next = r.next()) {
    if (!*next) break;
    const Option& o = next->value();
    if (seen[o.type] || o.type != kInterfaceId) {
      rb.reject(o);  // a second Interface-Identifier, compression, unknown types
      seen.set(o.type);
      continue;
    }
    seen.set(o.type);
    if (cfg_.answers && cfg_.answers->apply(o, rb)) continue;
    const auto v = option_u64(o);
    if (v && *v == 0 && local_id_ == 0) {
      rb.reject(o);  // P104: both zero, no unique identifier can be negotiated
    } else if (!v || *v == 0 || *v == local_id_) {
      // P101, P103 (and P049 for a bad length): suggest a non-zero identifier, u bit 0,
      // different from ours.
      const std::uint64_t s = random_id(local_id_, v.value_or(0));
      rb.nak_u64(o, s);
      last_nak_sent_ = s;
    } else {
      peer = *v;  // P102
    }
  }
  if (!seen[kInterfaceId] && !appended_) {
    // RFC 5072 4.1: solicit it once; if the next request still lacks it, accept that (P107).
    appended_ = true;
    const std::uint64_t s = random_id(local_id_, 0);
    Buffer b;
    Writer(b).u64(s);
    rb.append_nak(kInterfaceId, b);
    last_nak_sent_ = s;
  }
  const Code verdict = rb.finish(reply, reject_instead_of_nak);
  if (verdict == Code::ConfAck) peer_id_ = peer.value_or(0);
  return verdict;
}

bool Ipv6cp::handle_ack(Bytes) {
  return true;
}

bool Ipv6cp::handle_nak(Bytes options) {
  OptionReader r(options);
  while (auto next = r.next()) {
    if (!*next) return false;
    const Option& o = next->value();
    if (o.type != kInterfaceId) continue;
    const auto v = option_u64(o);
    if (!v || *v == 0 || *v == local_id_ || (last_nak_sent_ && *v == *last_nak_sent_)) {
      // P106: the value we suggested to the peer coming back means a possible loop (or a
      // useless suggestion): choose a new identifier ourselves.
      local_id_ = random_id(local_id_, last_nak_sent_.value_or(0));
    } else {
      local_id_ = *v;  // P106: use the suggestion
    }
    req_id_ = true;
  }
  return true;
}

bool Ipv6cp::handle_reject(Bytes options) {
  OptionReader r(options);
  while (auto next = r.next()) {
    if (!*next) return false;
    if (next->value().type == kInterfaceId) req_id_ = false;  // P105
  }
  return true;
}

std::string Ipv6cp::option_name(std::uint8_t type) const {
  if (type == kInterfaceId) return "Interface-Identifier";
  if (type == kCompression) return "IPv6-Compression-Protocol";
  return OptionPolicy::option_name(type);
}

}  // namespace l2tp::ppp
