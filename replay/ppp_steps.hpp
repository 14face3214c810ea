// The PPP control packets of a call as steps a report shows and times: LCP, the
// authentication protocols and the NCPs, each with its code and Identifier, named as the RFCs
// name them ("LCP Configure-Request", "PAP Authenticate-Ack", "CHAP Challenge"), and which
// packet answers which (RFC 1661 5: same protocol and Identifier; RFC 1334, 1994).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "capture/conversation.hpp"

namespace l2tp::replay {

struct PppStep {
  std::uint16_t protocol = 0;
  std::uint8_t code = 0, id = 0;
  std::string label;  // "LCP Configure-Request"
  bool echo = false;  // LCP Echo-Request/Reply: keepalive, not negotiation
};

// The step a data message carries; nullopt for IP packets and unreadable frames.
std::optional<PppStep> ppp_step(const capture::PppRecord& r);

// True when `answer` (from one side) answers `request` (from the other).
bool ppp_answers(const PppStep& answer, const PppStep& request);

}  // namespace l2tp::replay
