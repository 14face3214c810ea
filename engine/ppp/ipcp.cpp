// IPCP option policy (RFC 1332 3, RFC 1877). See ipcp.hpp.
#include "engine/ppp/ipcp.hpp"

#include <array>
#include <bitset>

namespace l2tp::ppp {
namespace {

using namespace ipcp_option;

using V4 = std::uint32_t;
constexpr V4 kZero = 0;

V4 v4_of(const net::IpAddress& a) {
  return std::uint32_t{a.bytes[0]} << 24 | std::uint32_t{a.bytes[1]} << 16 | std::uint32_t{a.bytes[2]} << 8 |
         a.bytes[3];
}

std::optional<V4> v4_of(const std::optional<net::IpAddress>& a) {
  return a ? std::optional<V4>(v4_of(*a)) : std::nullopt;
}

net::IpAddress address_of(V4 v) {
  return net::IpAddress::v4(static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                            static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v));
}

std::optional<net::IpAddress> address_of(const std::optional<V4>& v) {
  return v ? std::optional<net::IpAddress>(address_of(*v)) : std::nullopt;
}

std::optional<V4> ipv4_value(const Option& o) {
  if (o.value.size() != 4) return std::nullopt;
  return std::uint32_t{o.value[0]} << 24 | std::uint32_t{o.value[1]} << 16 | std::uint32_t{o.value[2]} << 8 |
         o.value[3];
}

std::array<std::uint8_t, 4> ipv4_bytes(V4 a) {
  return {static_cast<std::uint8_t>(a >> 24), static_cast<std::uint8_t>(a >> 16),
          static_cast<std::uint8_t>(a >> 8), static_cast<std::uint8_t>(a)};
}

void write_ipv4(Buffer& out, std::uint8_t type, V4 a) {
  const auto b = ipv4_bytes(a);
  write_option(out, type, b);
}

}  // namespace

Ipcp::Ipcp(const IpcpConfig& cfg, const AutomatonConfig& acfg)
    : cfg_{v4_of(cfg.local), v4_of(cfg.peer),     v4_of(cfg.dns1),      v4_of(cfg.dns2),
           cfg.request_dns,  cfg.request_address, cfg.address_optional, cfg.answers},
      automaton_(proto::kIpcp, *this, acfg) {
  reset();
}

net::IpAddress Ipcp::local_address() const {
  return address_of(local_);
}
net::IpAddress Ipcp::peer_address() const {
  return address_of(peer_);
}
std::optional<net::IpAddress> Ipcp::dns1() const {
  return address_of(dns1_);
}
std::optional<net::IpAddress> Ipcp::dns2() const {
  return address_of(dns2_);
}

void Ipcp::reset() {
  req_local_ = cfg_.local.value_or(kZero);
  req_address_ = cfg_.request_address;
  req_dns1_.reset();
  req_dns2_.reset();
  if (cfg_.request_dns) req_dns1_ = req_dns2_ = kZero;
  appended_address_ = false;
  local_ = cfg_.local.value_or(kZero);
  peer_ = kZero;
  dns1_.reset();
  dns2_.reset();
}

void Ipcp::build_request(Buffer& out) {
  if (req_address_) write_ipv4(out, kIpAddress, req_local_);  // P092: 0.0.0.0 asks for one
  if (req_dns1_) write_ipv4(out, kPrimaryDns, *req_dns1_);
  if (req_dns2_) write_ipv4(out, kSecondaryDns, *req_dns2_);
}

Code Ipcp::judge_request(Bytes options, Buffer& reply, bool reject_instead_of_nak) {
  ReplyBuilder rb;
  std::optional<V4> address, given_dns1, given_dns2;
  std::bitset<256> seen;
  OptionReader r(options);
  while (auto next = r.next()) {
    if (!*next) break;
    const Option& o = next->value();
    if (seen[o.type]) {
      rb.reject(o);
      continue;
    }
    seen.set(o.type);
    if (cfg_.answers && cfg_.answers->apply(o, rb)) continue;
    switch (o.type) {
      case kIpAddress: {
        const auto v = ipv4_value(o);
        if (cfg_.peer) {
          // P094: the address we hand out, whatever the peer proposed (0.0.0.0 included).
          if (v && *v == *cfg_.peer) {
            address = v;
          } else {
            const auto b = ipv4_bytes(*cfg_.peer);
            rb.nak(o, b);
          }
        } else if (!v || *v == kZero) {
          rb.reject(o);  // asks us for an address we do not have
        } else {
          address = v;
        }
        break;
      }
      case kPrimaryDns:
      case kSecondaryDns: {
        // P096: give our servers by Nak; without any, reject.
        const auto& ours = o.type == kPrimaryDns ? cfg_.dns1 : cfg_.dns2;
        const auto v = ipv4_value(o);
        if (!ours) {
          rb.reject(o);
        } else if (v && *v == *ours) {
          (o.type == kPrimaryDns ? given_dns1 : given_dns2) = v;
        } else {
          const auto b = ipv4_bytes(*ours);
          rb.nak(o, b);
        }
        break;
      }
      default:
        // IP-Addresses (P095), VJ compression, NBNS, unknown types.
        rb.reject(o);
        break;
    }
  }
  // P093: the server solicits IP-Address once when the peer left it out.
  if (cfg_.peer && !seen[kIpAddress] && !appended_address_) {
    appended_address_ = true;
    const auto b = ipv4_bytes(*cfg_.peer);
    rb.append_nak(kIpAddress, b);
  }
  const Code verdict = rb.finish(reply, reject_instead_of_nak);
  if (verdict == Code::ConfAck) {
    peer_ = address.value_or(cfg_.peer.value_or(kZero));
    if (!req_dns1_ && given_dns1) dns1_ = given_dns1;
    if (!req_dns2_ && given_dns2) dns2_ = given_dns2;
  }
  return verdict;
}

bool Ipcp::handle_ack(Bytes) {
  local_ = req_address_ ? req_local_ : cfg_.local.value_or(kZero);
  // An Ack of 0.0.0.0 (RFC 1877: "tell me") leaves us with no server: l2tpns Acks a
  // secondary it does not have.
  if (req_dns1_ && *req_dns1_ != kZero) dns1_ = req_dns1_;
  if (req_dns2_ && *req_dns2_ != kZero) dns2_ = req_dns2_;
  return true;
}

bool Ipcp::handle_nak(Bytes options) {
  OptionReader r(options);
  while (auto next = r.next()) {
    if (!*next) return false;
    const Option& o = next->value();
    const auto v = ipv4_value(o);
    switch (o.type) {
      case kIpAddress:
        if (!v || *v == kZero) break;  // no usable suggestion; ask again
        if (cfg_.local && *v != *cfg_.local) {
          fail(Stop::NegotiationFailed, "IPCP: peer Naks our IP-Address " +
                                            address_of(*cfg_.local).to_string() + " proposing " +
                                            address_of(*v).to_string() + "; the local address is fixed");
          break;
        }
        req_local_ = *v;
        req_address_ = true;
        break;
      case kPrimaryDns:
        if (v && *v != kZero && cfg_.request_dns) req_dns1_ = v;
        break;
      case kSecondaryDns:
        if (v && *v != kZero && cfg_.request_dns) req_dns2_ = v;
        break;
      default:
        break;  // solicited options we do not do (VJ, NBNS): not requesting them is our answer
    }
  }
  return true;
}

bool Ipcp::handle_reject(Bytes options) {
  OptionReader r(options);
  while (auto next = r.next()) {
    if (!*next) return false;
    switch (next->value().type) {
      case kIpAddress:
        req_address_ = false;
        if (!cfg_.local && !cfg_.address_optional)
          fail(Stop::NegotiationFailed,
               "IPCP: peer Configure-Rejects IP-Address and we have no address of our own");
        break;
      case kPrimaryDns:
        req_dns1_.reset();
        break;
      case kSecondaryDns:
        req_dns2_.reset();
        break;
      default:
        break;
    }
  }
  return true;
}

std::string Ipcp::option_name(std::uint8_t type) const {
  switch (type) {
    case kIpAddresses:
      return "IP-Addresses";
    case kIpCompression:
      return "IP-Compression-Protocol";
    case kIpAddress:
      return "IP-Address";
    case kPrimaryDns:
      return "Primary-DNS";
    case kPrimaryNbns:
      return "Primary-NBNS";
    case kSecondaryDns:
      return "Secondary-DNS";
    case kSecondaryNbns:
      return "Secondary-NBNS";
  }
  return OptionPolicy::option_name(type);
}

}  // namespace l2tp::ppp
