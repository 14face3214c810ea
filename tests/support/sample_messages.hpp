// Complete, valid control messages of every RFC 2661 type, each carrying every AVP the
// message matrix allows (reference/rfc2661_message_avps.tsv), for round-trip, tshark
// cross-check, fuzz seeds and benchmarks.
#pragma once

#include <string>
#include <vector>

#include "engine/wire/message.hpp"

namespace l2tp::testing {

inline constexpr char kTestSecret[] = "l2tpsim-test-secret";

// One message per type in kAllMessageTypes order. With `hidden`, a 16-octet Random Vector
// follows the Message Type AVP and every AVP that may be hidden is marked hidden.
std::vector<wire::ControlMessage> sample_messages(bool hidden);

// The AVPs the matrix allows in `type`, with representative values.
std::vector<wire::Avp> sample_avps(MessageType type);

}  // namespace l2tp::testing
