#include "replay/ppp_facts.hpp"

#include <algorithm>
#include <map>

#include "engine/ppp/frame.hpp"
#include "engine/ppp/lcp.hpp"
#include "engine/ppp/options.hpp"
#include "engine/ppp/protocol.hpp"
#include "replay/ppp_steps.hpp"

namespace l2tp::replay {
namespace {

using ppp::Code;

// The last Configure-Request of `side` for `protocol` that the other side acknowledged (by
// Identifier, RFC 1661 5.2), else the last one it sent.
struct Request {
  Buffer options;
  std::uint64_t frame = 0;
};

// The first Configure-Request of `side` for `protocol`.
std::optional<Buffer> first_request(const capture::Session& s, std::uint8_t side, std::uint16_t protocol) {
  for (const capture::PppRecord& r : s.ppp) {
    if (r.side != side) continue;
    auto frame = ppp::parse_frame(r.ppp);
    if (!frame || frame->protocol != protocol) continue;
    if (auto pkt = ppp::parse_packet(frame->payload); pkt && pkt->code == Code::ConfReq)
      return Buffer(pkt->data.begin(), pkt->data.end());
  }
  return std::nullopt;
}

std::optional<Request> acked_request(const capture::Session& s, std::uint8_t side, std::uint16_t protocol) {
  std::map<std::uint8_t, Request> sent;
  std::optional<Request> last, acked;
  for (const capture::PppRecord& r : s.ppp) {
    auto frame = ppp::parse_frame(r.ppp);
    if (!frame || frame->protocol != protocol) continue;
    auto pkt = ppp::parse_packet(frame->payload);
    if (!pkt) continue;
    if (r.side == side && pkt->code == Code::ConfReq) {
      Request q{Buffer(pkt->data.begin(), pkt->data.end()), r.frame};
      sent[pkt->id] = q;
      last = q;
    } else if (r.side != side && pkt->code == Code::ConfAck) {
      if (auto it = sent.find(pkt->id); it != sent.end()) acked = it->second;
    }
  }
  return acked ? acked : last;
}

net::IpAddress ipv4_of(Bytes v) {
  return net::IpAddress::v4(v[0], v[1], v[2], v[3]);
}

void read_lcp(PppFacts& f, const Request& q) {
  f.lcp_request = true;
  f.lcp_frame = q.frame;
  auto opts = ppp::parse_options(q.options);
  if (!opts) return;
  for (const ppp::Option& o : *opts) {
    switch (o.type) {
      case ppp::lcp_option::kMru:
        f.mru = ppp::option_u16(o);
        break;
      case ppp::lcp_option::kAccm:
        f.accm = ppp::option_u32(o);
        break;
      case ppp::lcp_option::kAuthProtocol:
        if (o.value.size() >= 2) {
          const std::uint16_t proto = static_cast<std::uint16_t>(o.value[0] << 8 | o.value[1]);
          const std::optional<std::uint8_t> alg =
              o.value.size() >= 3 ? std::optional<std::uint8_t>(o.value[2]) : std::nullopt;
          f.auth = ppp::auth::method_from_lcp(proto, alg);
        }
        break;
      case ppp::lcp_option::kMagicNumber:
        f.magic = true;
        break;
      case ppp::lcp_option::kPfc:
        f.pfc = true;
        break;
      case ppp::lcp_option::kAcfc:
        f.acfc = true;
        break;
      case ppp::lcp_option::kMrru:
        f.mrru = ppp::option_u16(o);
        break;
      default:
        break;
    }
  }
}

void read_ipcp(PppFacts& f, const Request& q) {
  f.ipcp_frame = q.frame;
  auto opts = ppp::parse_options(q.options);
  if (!opts) return;
  for (const ppp::Option& o : *opts) {
    if (o.type == 3 && o.value.size() == 4) f.ip_address = ipv4_of(o.value);  // IP-Address, RFC 1332 3.3
    if (o.type == 129 || o.type == 131) f.requested_dns = true;               // RFC 1877
  }
}

// A length-prefixed string at `at` (PAP Peer-ID and Passwd, RFC 1334 2.2.1).
std::string counted(Bytes b, std::size_t& at) {
  if (at >= b.size()) return {};
  const std::size_t n = b[at++];
  if (at + n > b.size()) return {};
  std::string s(reinterpret_cast<const char*>(b.data() + at), n);
  at += n;
  return s;
}

void read_auth(PppFacts& f, std::uint8_t side, const capture::PppRecord& r, const ppp::Frame& frame,
               const ppp::Packet& pkt) {
  const auto code = static_cast<std::uint8_t>(pkt.code);
  if (frame.protocol == ppp::proto::kPap) {
    if (r.side == side && code == 1 && f.user.empty()) {  // Authenticate-Request
      std::size_t at = 0;
      f.user = counted(pkt.data, at);
      f.pap_password = counted(pkt.data, at);
      f.used = ppp::auth::Method::Pap;
    } else if (r.side == side && (code == 2 || code == 3)) {  // Authenticate-Ack / -Nak
      f.auth_result = code == 2 ? "success" : "failure";
      f.auth_frame = r.frame;
    }
  } else if (frame.protocol == ppp::proto::kChap) {
    if (r.side == side && code == 2 && f.user.empty() && !pkt.data.empty()) {  // Response
      const std::size_t value = pkt.data[0];
      if (1 + value <= pkt.data.size())
        f.user.assign(reinterpret_cast<const char*>(pkt.data.data() + 1 + value),
                      pkt.data.size() - 1 - value);
    } else if (r.side == side && (code == 3 || code == 4)) {  // Success / Failure
      f.auth_result = code == 3 ? "success" : "failure";
      f.auth_frame = r.frame;
    }
  }
}

}  // namespace

PppFacts ppp_facts(const capture::Session& s, std::uint8_t side) {
  PppFacts f;
  if (auto q = acked_request(s, side, ppp::proto::kLcp)) read_lcp(f, *q);
  if (auto q = acked_request(s, side, ppp::proto::kIpcp)) read_ipcp(f, *q);
  if (auto first = first_request(s, side, ppp::proto::kIpcp)) {
    f.ipcp_request = true;
    if (auto opts = ppp::parse_options(*first))
      for (const ppp::Option& o : *opts)
        if (o.type == 3 && o.value.size() == 4) f.first_ip_address = ipv4_of(o.value);
  }
  for (const capture::PppRecord& r : s.ppp) {
    auto frame = ppp::parse_frame(r.ppp);
    if (!frame) continue;
    if (r.side == side) {
      if (std::find(f.protocols_sent.begin(), f.protocols_sent.end(), frame->protocol) ==
          f.protocols_sent.end())
        f.protocols_sent.push_back(frame->protocol);
      // Control protocols by code ("PAP Authenticate-Request"); network protocols by name only.
      const auto step = ppp_step(r);
      std::string kind = step ? step->label : ppp::protocol_name(frame->protocol);
      if (std::find(f.kinds_sent.begin(), f.kinds_sent.end(), kind) == f.kinds_sent.end())
        f.kinds_sent.push_back(std::move(kind));
    }
    auto pkt = ppp::parse_packet(frame->payload);
    if (!pkt) continue;
    if (frame->protocol == ppp::proto::kPap || frame->protocol == ppp::proto::kChap) {
      read_auth(f, side, r, *frame, *pkt);
    } else if (frame->protocol == ppp::proto::kLcp && r.side == side) {
      if (pkt->code == Code::ProtoRej && pkt->data.size() >= 2)
        f.protocol_rejects.push_back(static_cast<std::uint16_t>(pkt->data[0] << 8 | pkt->data[1]));
      if (pkt->code == Code::TermReq) f.terminate_request = true;
    }
  }
  // A CHAP client's method is the one the authenticator's LCP asked for.
  if (!f.user.empty() && !f.used)
    if (auto q = acked_request(s, static_cast<std::uint8_t>(side ^ 1), ppp::proto::kLcp)) {
      PppFacts other;
      read_lcp(other, *q);
      f.used = other.auth;
    }
  return f;
}

}  // namespace l2tp::replay
