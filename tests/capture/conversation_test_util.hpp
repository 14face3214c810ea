// Hand-made L2TP traffic for the conversation tests: control and data messages encoded by the
// engine, as captured packets between chosen endpoints, one frame and one millisecond apart.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "capture/conversation.hpp"
#include "engine/wire/message.hpp"

namespace l2tp::capture::test {

inline Endpoint at(std::uint8_t last, std::uint16_t port = 1701) {
  return Endpoint{IpAddress::v4(192, 0, 2, last), port};
}

inline wire::Avp assigned_tunnel(std::uint16_t id) {
  return wire::make_avp(AvpType::AssignedTunnelId, id);
}
inline wire::Avp assigned_session(std::uint16_t id) {
  return wire::make_avp(AvpType::AssignedSessionId, id);
}
inline wire::Avp host_name(const std::string& name) {
  return wire::make_avp(AvpType::HostName, name);
}
inline wire::Avp result(std::uint16_t r, std::optional<std::uint16_t> e = std::nullopt) {
  return wire::make_avp(AvpType::ResultCode, avp::ResultCode{r, e, {}});
}

// A capture being written by hand.
struct Traffic {
  std::vector<CapturedPacket> packets;

  CapturedPacket& add(const Endpoint& from, const Endpoint& to, Buffer bytes) {
    CapturedPacket p;
    p.frame = packets.size() + 1;
    p.time_ns = 1'700'000'000'000'000'000 + static_cast<std::int64_t>(packets.size()) * 1'000'000;
    p.src = from;
    p.dst = to;
    p.wire_length = static_cast<std::uint32_t>(bytes.size());
    p.payload = std::move(bytes);
    packets.push_back(std::move(p));
    return packets.back();
  }

  static Buffer encode(MessageType type, std::uint16_t tunnel, std::uint16_t session, std::uint16_t ns,
                       std::uint16_t nr, std::vector<wire::Avp> avps) {
    wire::ControlMessage m = wire::make_control(type, TunnelId{tunnel}, SessionId{session});
    m.header.ns = Seq{ns};
    m.header.nr = Seq{nr};
    for (auto& a : avps) m.avps.push_back(std::move(a));
    Buffer out;
    EXPECT_TRUE(wire::encode_control(m, {}, out).has_value());
    return out;
  }

  CapturedPacket& control(const Endpoint& from, const Endpoint& to, MessageType type, std::uint16_t tunnel,
                          std::uint16_t session, std::uint16_t ns, std::uint16_t nr,
                          std::vector<wire::Avp> avps = {}) {
    return add(from, to, encode(type, tunnel, session, ns, nr, std::move(avps)));
  }

  CapturedPacket& zlb(const Endpoint& from, const Endpoint& to, std::uint16_t tunnel, std::uint16_t ns,
                      std::uint16_t nr) {
    Buffer out;
    EXPECT_TRUE(
        wire::encode_control(wire::make_zlb(TunnelId{tunnel}, Seq{ns}, Seq{nr}), {}, out).has_value());
    return add(from, to, std::move(out));
  }

  // A data message; `offset` > 0 sets the O bit with that much padding, `priority` the P bit.
  CapturedPacket& data(const Endpoint& from, const Endpoint& to, std::uint16_t tunnel, std::uint16_t session,
                       Buffer ppp, std::uint16_t offset = 0, bool priority = false) {
    wire::Header h;
    h.has_length = true;
    h.tunnel = TunnelId{tunnel};
    h.session = SessionId{session};
    h.has_offset = offset > 0;
    h.offset_size = offset;
    h.priority = priority;
    Buffer out;
    EXPECT_TRUE(wire::encode_data(h, ppp, out).has_value());
    return add(from, to, std::move(out));
  }

  Conversations extract(const ConversationOptions& options = {}) const {
    ConversationBuilder b(options);
    for (const auto& p : packets) b.add(p);
    return b.finish();
  }
};

// PPP frames: FF 03, protocol, then a control packet.
inline Buffer ppp_frame(std::uint16_t protocol, std::uint8_t code, std::uint8_t id, const Buffer& data) {
  Buffer f = {0xFF,
              0x03,
              static_cast<std::uint8_t>(protocol >> 8),
              static_cast<std::uint8_t>(protocol),
              code,
              id,
              static_cast<std::uint8_t>((data.size() + 4) >> 8),
              static_cast<std::uint8_t>(data.size() + 4)};
  f.insert(f.end(), data.begin(), data.end());
  return f;
}
inline Buffer chap_response(const std::string& name) {
  Buffer d = {16};
  d.insert(d.end(), 16, 0xAB);
  d.insert(d.end(), name.begin(), name.end());
  return ppp_frame(0xC223, 2, 1, d);
}
inline Buffer pap_request(const std::string& user, const std::string& password) {
  Buffer d = {static_cast<std::uint8_t>(user.size())};
  d.insert(d.end(), user.begin(), user.end());
  d.push_back(static_cast<std::uint8_t>(password.size()));
  d.insert(d.end(), password.begin(), password.end());
  return ppp_frame(0xC023, 1, 1, d);
}
inline Buffer lcp_echo() {
  return ppp_frame(0xC021, 9, 7, {0, 0, 0, 1});
}

inline bool has_note(const std::vector<std::string>& notes, const std::string& part) {
  return std::any_of(notes.begin(), notes.end(),
                     [&](const std::string& n) { return n.find(part) != std::string::npos; });
}
inline std::string all_notes(const std::vector<std::string>& notes) {
  std::string out;
  for (const auto& n : notes) out += "\n  " + n;
  return out;
}

}  // namespace l2tp::capture::test
