// Shared by the fault layer's tests (fault_test, fault_match_test): encoded sample messages,
// datagrams and rules, and feeding a FaultLayer.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "engine/ppp/frame.hpp"
#include "engine/wire/message.hpp"
#include "scenarios/fault.hpp"
#include "tests/support/sample_messages.hpp"
#include "tests/support/test_endpoints.hpp"

namespace l2tp::scenario::fault_testing {

inline Time at_ms(std::int64_t ms) {
  return Time{} + std::chrono::milliseconds(ms);
}

inline Buffer encode(const wire::ControlMessage& m, const wire::EncodeOptions& opt = {}) {
  Buffer out;
  EXPECT_TRUE(wire::encode_control(m, opt, out));
  return out;
}

// The sample message of `type` (every AVP the matrix allows), with or without hidden AVPs.
inline wire::ControlMessage sample(MessageType type, bool hidden = false) {
  for (auto& m : l2tp::testing::sample_messages(hidden))
    if (m.known_type() == type) return m;
  ADD_FAILURE() << "no sample";
  return {};
}

inline Buffer sample_bytes(MessageType type) {
  return encode(sample(type));
}

inline Buffer hello(std::uint16_t tunnel, std::uint16_t ns) {
  auto m = wire::make_control(MessageType::Hello, TunnelId{tunnel}, SessionId{});
  m.header.ns = Seq{ns};
  return encode(m);
}

inline Buffer zlb(std::uint16_t tunnel = 7) {
  return encode(wire::make_zlb(TunnelId{tunnel}, Seq{3}, Seq{4}));
}

// A data message carrying a PPP control packet (or, with no code, an IPv4 payload).
inline Buffer data(std::uint16_t tunnel, std::uint16_t session, std::uint16_t protocol,
                   std::optional<ppp::Code> code = std::nullopt) {
  Buffer packet;
  const std::uint8_t magic[] = {1, 2, 3, 4};
  if (code)
    ppp::write_packet(packet, *code, 9, magic);
  else
    packet = {0x45, 0, 0, 20, 0, 0, 0, 0, 64, 1, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
  Buffer frame;
  ppp::write_frame(frame, protocol, packet);
  wire::Header h;
  h.has_length = true;
  h.tunnel = TunnelId{tunnel};
  h.session = SessionId{session};
  Buffer out;
  EXPECT_TRUE(wire::encode_data(h, frame, out));
  return out;
}

inline Datagram dg(Buffer bytes, Direction dir = Direction::Out) {
  Datagram d;
  d.direction = dir;
  d.from = dir == Direction::Out ? loopback_ep(2) : loopback_ep(3);
  d.to = dir == Direction::Out ? loopback_ep(3) : loopback_ep(2);
  d.bytes = std::move(bytes);
  return d;
}

inline FaultRule rule(FaultAction action, std::string message = {}) {
  FaultRule r;
  r.action = action;
  r.match.message = std::move(message);
  return r;
}

// Everything the layer lets cross at `now`, in order.
inline std::vector<Buffer> drain(FaultLayer& layer, Time now) {
  std::vector<Buffer> out;
  while (auto d = layer.poll(now)) out.push_back(std::move(d->bytes));
  return out;
}

// Feeds one datagram at `now` and drains.
inline std::vector<Buffer> pass(FaultLayer& layer, Buffer bytes, Time now = Time{},
                                Direction dir = Direction::Out) {
  layer.handle(dg(std::move(bytes), dir), now);
  return drain(layer, now);
}

inline wire::ControlMessage decoded(const Buffer& b) {
  auto m = wire::decode_control(b);
  EXPECT_TRUE(m) << (m ? "" : describe(m.error()));
  return m ? *m : wire::ControlMessage{};
}

inline std::uint16_t u16_at(const Buffer& b, std::size_t at) {
  return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

}  // namespace l2tp::scenario::fault_testing
