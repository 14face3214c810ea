#include "replay/message_shaper.hpp"

#include <algorithm>

namespace l2tp::replay {
namespace {

bool same_attr(const wire::Avp& a, const wire::Avp& b) {
  return a.vendor == b.vendor && a.type == b.type;
}

std::string avp_name(const wire::Avp& a) {
  return avp_display_name(a.vendor, a.type);
}

}  // namespace

bool is_live_avp(const wire::Avp& a) {
  return a.is(AvpType::AssignedTunnelId) || a.is(AvpType::AssignedSessionId) || a.is(AvpType::Challenge) ||
         a.is(AvpType::ChallengeResponse) || a.is(AvpType::RandomVector) || a.is(AvpType::TieBreaker);
}

Shaped shape_message(const wire::ControlMessage& captured, const wire::ControlMessage& live,
                     const ShapeOptions& options, Rng& rng) {
  Shaped out;
  out.message.header = live.header;
  std::vector<bool> used(live.avps.size(), false);
  // The live AVP of the same attribute not taken yet (a message carries each at most once).
  auto live_of = [&](const wire::Avp& a) -> const wire::Avp* {
    for (std::size_t i = 0; i < live.avps.size(); ++i)
      if (!used[i] && same_attr(live.avps[i], a)) {
        used[i] = true;
        return &live.avps[i];
      }
    return nullptr;
  };
  for (const wire::Avp& c : captured.avps) {
    wire::Avp a = c;
    a.fault = {};
    a.reserved_bits = c.reserved_bits;  // as captured, reserved bits included (R021)
    a.hide_padding = c.hidden_padding;
    if (is_live_avp(c)) {
      const wire::Avp* l = live_of(c);
      if (c.is(AvpType::RandomVector)) {
        // RFC 2661 4.3: a new vector for every message; the hidden AVPs after it use it.
        const auto* old = c.get<avp::Octets>();
        Buffer fresh(old && !old->bytes.empty() ? old->bytes.size() : 16);
        rng.fill(fresh);
        a.value = avp::Octets{std::move(fresh)};
        a.hidden = false;
      } else if (l) {
        a.value = l->value;
      } else {
        out.notes.push_back(avp_name(c) + " left out: the live engine has none to send" +
                            (options.have_secret ? "" : " (no --secret)"));
        continue;
      }
    }
    if (a.hidden && a.hidden_state != wire::HiddenState::Revealed &&
        a.hidden_state != wire::HiddenState::Clear && !is_live_avp(c)) {
      // Concealed: only its ciphertext is known.
      if (!options.send_concealed) {
        out.notes.push_back(avp_name(c) + " left out: concealed (no capture secret)");
        continue;
      }
      a.hidden = false;
      out.raw_hidden.push_back(out.message.avps.size());
    } else if (a.hidden && !options.have_secret) {
      out.notes.push_back(avp_name(c) + " sent in the clear: no --secret to hide it with");
      a.hidden = false;
    }
    out.message.avps.push_back(std::move(a));
  }
  // What the live engine needs and the capture lacked (a Challenge or its Response when a
  // --secret is given for a tunnel captured without one): appended, or the tunnel fails.
  for (std::size_t i = 0; i < live.avps.size(); ++i) {
    const wire::Avp& l = live.avps[i];
    if (used[i] || !(l.is(AvpType::Challenge) || l.is(AvpType::ChallengeResponse))) continue;
    out.message.avps.push_back(l);
    out.message.avps.back().hidden = false;
    out.notes.push_back(avp_name(l) + " added: the live engine needs it (not in the capture)");
  }
  return out;
}

Result<Buffer, std::string> encode_shaped(const Shaped& shaped, Bytes secret, Rng& rng) {
  Buffer out;
  if (auto r = wire::encode_control(shaped.message, wire::EncodeOptions::hiding(secret, &rng), out); !r)
    return unexpected(std::string(wire::to_string(r.error())));
  if (shaped.raw_hidden.empty()) return out;
  // Set the H bit on the concealed AVPs sent as captured: walk the encoded AVPs to find them.
  auto decoded = wire::decode_control(out, std::nullopt, wire::HeaderMode::Lenient);
  if (!decoded) return unexpected(std::string("re-reading the shaped message failed"));
  for (std::size_t i : shaped.raw_hidden)
    if (i < decoded->avps.size()) out[decoded->avps[i].offset] |= 0x40;  // H bit (RFC 2661 4.1)
  return out;
}

}  // namespace l2tp::replay
