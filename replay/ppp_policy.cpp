#include "replay/ppp_policy.hpp"

#include "engine/ppp/frame.hpp"
#include "engine/ppp/lcp.hpp"
#include "engine/ppp/options.hpp"

namespace l2tp::replay {
namespace {

// A Nak's value means something on another link only for these LCP options.
bool nak_replayable(std::uint16_t protocol, std::uint8_t type) {
  return protocol == ppp::proto::kLcp &&
         (type == ppp::lcp_option::kMru || type == ppp::lcp_option::kAccm || type == ppp::lcp_option::kMrru);
}

}  // namespace

ppp::AnswerPolicy captured_answers(const capture::Session& s, std::uint8_t side, std::uint16_t protocol) {
  ppp::AnswerPolicy refused, acked;
  for (const capture::PppRecord& r : s.ppp) {
    if (r.side != side) continue;
    auto frame = ppp::parse_frame(r.ppp);
    if (!frame || frame->protocol != protocol) continue;
    auto pkt = ppp::parse_packet(frame->payload);
    if (!pkt || (pkt->code != ppp::Code::ConfAck && pkt->code != ppp::Code::ConfNak &&
                 pkt->code != ppp::Code::ConfRej))
      continue;
    auto opts = ppp::parse_options(pkt->data);
    if (!opts) continue;
    for (const ppp::Option& o : *opts) {
      if (pkt->code == ppp::Code::ConfAck) {
        if (!acked.find(o.type)) acked.set(o.type, ppp::Answer::Ack);
      } else if (!refused.find(o.type)) {
        if (pkt->code == ppp::Code::ConfRej)
          refused.set(o.type, ppp::Answer::Reject);
        else if (nak_replayable(protocol, o.type))
          refused.set(o.type, ppp::Answer::Nak, o.value);
      }
    }
  }
  for (const ppp::OptionAnswer& a : acked.options)
    if (!refused.find(a.type)) refused.options.push_back(a);
  return refused;
}

std::string describe(const ppp::AnswerPolicy& policy) {
  std::string out;
  for (const ppp::OptionAnswer& a : policy.options) {
    if (!out.empty()) out += ", ";
    out += std::string(ppp::to_string(a.answer)) + " " + std::to_string(a.type);
    if (a.answer == ppp::Answer::Nak) {
      std::uint64_t v = 0;
      for (const std::uint8_t b : a.value) v = v << 8 | b;
      out += " " + std::to_string(v);
    }
  }
  return out;
}

}  // namespace l2tp::replay
