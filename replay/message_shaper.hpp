// Shapes a control message the live engine is about to send after the captured one: the
// captured AVPs in their order with their M and H bits, vendor and unknown AVPs and values,
// except the parts that must be live (RFC 2661): our Assigned Tunnel and Session IDs, the
// Challenge and Challenge Response (5.1.1: computed with the live secret over the live
// challenge), a fresh Random Vector (4.3), the Tie Breaker the node compares (4.4.3). The
// header (Tunnel and Session IDs, Ns, Nr) is the live one. Pure: no I/O, randomness injected.
#pragma once

#include <string>
#include <vector>

#include "engine/util/result.hpp"
#include "engine/util/rng.hpp"
#include "engine/wire/message.hpp"

namespace l2tp::replay {

// AVPs whose value the live engine decides (see the top of this file).
bool is_live_avp(const wire::Avp& a);

struct ShapeOptions {
  bool have_secret = false;     // a live secret: hidden AVPs are hidden again, Challenges answered
  bool send_concealed = false;  // send AVPs the capture secret could not reveal as captured
};

struct Shaped {
  wire::ControlMessage message;
  // Indexes in message.avps of concealed AVPs sent as captured: their ciphertext goes out as
  // it is, with the H bit set (encode_shaped patches the flag).
  std::vector<std::size_t> raw_hidden;
  std::vector<std::string> notes;  // what could not be kept as captured, and why
};

// `captured` shaped with the live values of `live` (same message type).
Shaped shape_message(const wire::ControlMessage& captured, const wire::ControlMessage& live,
                     const ShapeOptions& options, Rng& rng);

// The datagram: hidden AVPs hidden with `secret` behind their (fresh) Random Vector.
Result<Buffer, std::string> encode_shaped(const Shaped& shaped, Bytes secret, Rng& rng);

}  // namespace l2tp::replay
