#include "replay/ppp_steps.hpp"

#include "engine/ppp/frame.hpp"
#include "engine/wire/ppp_summary.hpp"

namespace l2tp::replay {
namespace {

// The code's name as the decoder gives it (RFC 1661's, RFC 1570's Identification and
// Time-Remaining, which Windows sends, PAP's and CHAP's), else its number.
std::string code_name(std::uint16_t protocol, std::uint8_t code) {
  const std::string_view name = wire::ppp_code_name(protocol, code);
  return name.empty() ? "code " + std::to_string(code) : std::string(name);
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
  s.label = ppp::protocol_name(s.protocol) + " " + code_name(s.protocol, s.code);
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
