#include "replay/ppp_steps.hpp"

#include "engine/ppp/frame.hpp"

namespace l2tp::replay {
namespace {

std::string auth_code(std::uint16_t protocol, std::uint8_t code) {
  if (protocol == ppp::proto::kPap) {
    switch (code) {
      case 1:
        return "Authenticate-Request";
      case 2:
        return "Authenticate-Ack";
      case 3:
        return "Authenticate-Nak";
      default:
        break;
    }
  } else {
    switch (code) {
      case 1:
        return "Challenge";
      case 2:
        return "Response";
      case 3:
        return "Success";
      case 4:
        return "Failure";
      default:
        break;
    }
  }
  return "code " + std::to_string(code);
}

// LCP's codes beyond RFC 1661's own by name too (Identification, Time-Remaining: RFC 1570),
// since Windows sends them.
std::string lcp_code(ppp::Code c) {
  switch (static_cast<std::uint8_t>(c)) {
    case 12:
      return "Identification";
    case 13:
      return "Time-Remaining";
    default:
      return ppp::to_string(c);
  }
}

bool is_control_protocol(std::uint16_t p) {
  // RFC 1661 2: 0x8xxx network control protocols, 0xCxxx link-layer control protocols.
  return (p & 0xC000) == 0xC000 || (p & 0xC000) == 0x8000;
}

}  // namespace

std::optional<PppStep> ppp_step(const capture::PppRecord& r) {
  auto frame = ppp::parse_frame(r.ppp);
  if (!frame || !is_control_protocol(frame->protocol)) return std::nullopt;
  auto pkt = ppp::parse_packet(frame->payload);
  if (!pkt) return std::nullopt;
  PppStep s;
  s.protocol = frame->protocol;
  s.code = static_cast<std::uint8_t>(pkt->code);
  s.id = pkt->id;
  const bool auth = s.protocol == ppp::proto::kPap || s.protocol == ppp::proto::kChap;
  s.label =
      ppp::protocol_name(s.protocol) + " " + (auth ? auth_code(s.protocol, s.code) : lcp_code(pkt->code));
  s.echo =
      s.protocol == ppp::proto::kLcp && (pkt->code == ppp::Code::EchoReq || pkt->code == ppp::Code::EchoRep);
  return s;
}

bool ppp_answers(const PppStep& answer, const PppStep& request) {
  if (answer.protocol != request.protocol || answer.id != request.id) return false;
  if (request.protocol == ppp::proto::kPap)
    return request.code == 1 && (answer.code == 2 || answer.code == 3);
  if (request.protocol == ppp::proto::kChap)
    return (request.code == 1 && answer.code == 2) ||
           (request.code == 2 && (answer.code == 3 || answer.code == 4));
  using ppp::Code;
  const auto q = static_cast<Code>(request.code), a = static_cast<Code>(answer.code);
  return (q == Code::ConfReq && (a == Code::ConfAck || a == Code::ConfNak || a == Code::ConfRej)) ||
         (q == Code::TermReq && a == Code::TermAck) || (q == Code::EchoReq && a == Code::EchoRep);
}

}  // namespace l2tp::replay
