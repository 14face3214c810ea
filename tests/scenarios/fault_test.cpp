// The fault layer: every action on real encoded messages, the matching rules and statistics,
// then the layer on one node's output in the simulated network.
#include "scenarios/fault.hpp"

#include <gtest/gtest.h>

#include <string>

#include "engine/ppp/frame.hpp"
#include "engine/sim/sim_net.hpp"
#include "engine/wire/message.hpp"
#include "scenarios/fault_filter.hpp"
#include "tests/support/sample_messages.hpp"
#include "tests/support/test_endpoints.hpp"

namespace l2tp::scenario {
namespace L2TPSIM_FILE_ID {

Time at_ms(std::int64_t ms) {
  return Time{} + std::chrono::milliseconds(ms);
}

Buffer encode(const wire::ControlMessage& m, const wire::EncodeOptions& opt = {}) {
  Buffer out;
  EXPECT_TRUE(wire::encode_control(m, opt, out));
  return out;
}

// The sample message of `type` (every AVP the matrix allows), with or without hidden AVPs.
wire::ControlMessage sample(MessageType type, bool hidden = false) {
  for (auto& m : l2tp::testing::sample_messages(hidden))
    if (m.known_type() == type) return m;
  ADD_FAILURE() << "no sample";
  return {};
}

Buffer sample_bytes(MessageType type) {
  return encode(sample(type));
}

Buffer hello(std::uint16_t tunnel, std::uint16_t ns) {
  auto m = wire::make_control(MessageType::Hello, TunnelId{tunnel}, SessionId{});
  m.header.ns = Seq{ns};
  return encode(m);
}

Buffer zlb(std::uint16_t tunnel = 7) {
  return encode(wire::make_zlb(TunnelId{tunnel}, Seq{3}, Seq{4}));
}

// A data message carrying a PPP control packet (or, with no code, an IPv4 payload).
Buffer data(std::uint16_t tunnel, std::uint16_t session, std::uint16_t protocol,
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

Datagram dg(Buffer bytes, Direction dir = Direction::Out) {
  Datagram d;
  d.direction = dir;
  d.from = dir == Direction::Out ? loopback_ep(2) : loopback_ep(3);
  d.to = dir == Direction::Out ? loopback_ep(3) : loopback_ep(2);
  d.bytes = std::move(bytes);
  return d;
}

FaultRule rule(FaultAction action, std::string message = {}) {
  FaultRule r;
  r.action = action;
  r.match.message = std::move(message);
  return r;
}

// Everything the layer lets cross at `now`, in order.
std::vector<Buffer> drain(FaultLayer& layer, Time now) {
  std::vector<Buffer> out;
  while (auto d = layer.poll(now)) out.push_back(std::move(d->bytes));
  return out;
}

// Feeds one datagram at `now` and drains.
std::vector<Buffer> pass(FaultLayer& layer, Buffer bytes, Time now = Time{}, Direction dir = Direction::Out) {
  layer.handle(dg(std::move(bytes), dir), now);
  return drain(layer, now);
}

wire::ControlMessage decoded(const Buffer& b) {
  auto m = wire::decode_control(b);
  EXPECT_TRUE(m) << (m ? "" : describe(m.error()));
  return m ? *m : wire::ControlMessage{};
}

std::uint16_t u16_at(const Buffer& b, std::size_t at) {
  return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

// ---- actions ----

TEST(FaultLayer, WithoutRulesEverythingPassesUntouched) {
  FaultLayer layer({});
  EXPECT_TRUE(layer.empty());
  const Buffer sccrq = sample_bytes(MessageType::Sccrq);
  const auto out = pass(layer, sccrq);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], sccrq);
  EXPECT_FALSE(layer.poll_timeout());
}

TEST(FaultLayer, DropNeverDelivers) {
  FaultLayer layer({rule(FaultAction::Drop, "SCCRQ")});
  EXPECT_TRUE(pass(layer, sample_bytes(MessageType::Sccrq)).empty());
  EXPECT_FALSE(layer.poll_timeout());
  EXPECT_EQ(pass(layer, sample_bytes(MessageType::Sccrp)).size(), 1u);
  EXPECT_EQ(layer.stats()[0].matched, 1u);
  EXPECT_EQ(layer.stats()[0].applied, 1u);
}

TEST(FaultLayer, DelayReleasesExactlyAtTheDueTimeNotBefore) {
  auto r = rule(FaultAction::Delay, "HELLO");
  r.delay = std::chrono::milliseconds(200);
  FaultLayer layer({r});
  const Buffer h = hello(7, 1);
  EXPECT_TRUE(pass(layer, h, at_ms(1000)).empty());
  EXPECT_EQ(layer.poll_timeout(), at_ms(1200));
  // Others are not held up meanwhile.
  const Buffer z = zlb();
  const auto passed = pass(layer, z, at_ms(1100));
  ASSERT_EQ(passed.size(), 1u);
  EXPECT_EQ(passed[0], z);
  EXPECT_TRUE(drain(layer, at_ms(1200) - std::chrono::nanoseconds(1)).empty());
  const auto out = drain(layer, at_ms(1200));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], h);
  EXPECT_FALSE(layer.poll_timeout());
}

TEST(FaultLayer, DelayedDatagramsLeaveByDueTimeThenArrival) {
  auto slow = rule(FaultAction::Delay, "HELLO");
  slow.match.tunnel = 1;
  slow.delay = std::chrono::milliseconds(300);
  auto fast = rule(FaultAction::Delay, "HELLO");
  fast.delay = std::chrono::milliseconds(100);
  FaultLayer layer({slow, fast});
  layer.handle(dg(hello(1, 0)), at_ms(0));    // due 300
  layer.handle(dg(hello(2, 0)), at_ms(100));  // due 200
  layer.handle(dg(hello(3, 0)), at_ms(200));  // due 300, after tunnel 1's
  EXPECT_EQ(layer.poll_timeout(), at_ms(200));
  const auto out = drain(layer, at_ms(1000));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0], hello(2, 0));
  EXPECT_EQ(out[1], hello(1, 0));
  EXPECT_EQ(out[2], hello(3, 0));
}

TEST(FaultLayer, DuplicateDeliversTheOriginalThenCopies) {
  auto r = rule(FaultAction::Duplicate, "ICRQ");
  r.copies = 2;
  FaultLayer layer({r});
  const Buffer icrq = sample_bytes(MessageType::Icrq);
  layer.handle(dg(icrq), Time{});
  layer.handle(dg(zlb()), Time{});
  const auto out = drain(layer, Time{});
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0], icrq);
  EXPECT_EQ(out[1], icrq);
  EXPECT_EQ(out[2], icrq);
  EXPECT_EQ(out[3], zlb());
  EXPECT_EQ(layer.stats()[0].applied, 1u);
}

TEST(FaultLayer, DuplicateWithADelaySendsTheCopiesLater) {
  auto r = rule(FaultAction::Duplicate, "ICRQ");
  r.delay = std::chrono::seconds(1);  // a stale copy, as the named fault stale-ns asks
  FaultLayer layer({r});
  const Buffer icrq = sample_bytes(MessageType::Icrq);
  EXPECT_EQ(pass(layer, icrq, at_ms(0)).size(), 1u);
  EXPECT_EQ(layer.poll_timeout(), at_ms(1000));
  EXPECT_TRUE(drain(layer, at_ms(999)).empty());
  const auto out = drain(layer, at_ms(1000));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], icrq);
}

TEST(FaultLayer, ReorderHoldsUntilTheNextDatagramHasGone) {
  FaultLayer layer({rule(FaultAction::Reorder, "SCCCN")});
  const Buffer a = sample_bytes(MessageType::Scccn);
  const Buffer b = hello(7, 2);
  EXPECT_TRUE(pass(layer, a, at_ms(0)).empty());
  EXPECT_EQ(layer.poll_timeout(), at_ms(1000));  // the default longest hold: 1 s
  // A datagram the other way does not release it.
  EXPECT_EQ(pass(layer, zlb(), at_ms(10), Direction::In).size(), 1u);
  EXPECT_TRUE(drain(layer, at_ms(20)).empty());
  const auto out = pass(layer, b, at_ms(30));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], b);
  EXPECT_EQ(out[1], a);
  EXPECT_FALSE(layer.poll_timeout());
}

TEST(FaultLayer, ReorderReleasesAfterItsDelayWhenNothingFollows) {
  auto r = rule(FaultAction::Reorder, "SCCCN");
  r.delay = std::chrono::milliseconds(50);
  FaultLayer layer({r});
  const Buffer a = sample_bytes(MessageType::Scccn);
  EXPECT_TRUE(pass(layer, a, at_ms(100)).empty());
  EXPECT_EQ(layer.poll_timeout(), at_ms(150));
  EXPECT_TRUE(drain(layer, at_ms(149)).empty());
  const auto out = drain(layer, at_ms(150));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], a);

  FaultLayer dflt({rule(FaultAction::Reorder, "SCCCN")});
  EXPECT_TRUE(pass(dflt, a, at_ms(0)).empty());
  EXPECT_TRUE(drain(dflt, at_ms(999)).empty());
  EXPECT_EQ(drain(dflt, at_ms(1000)).size(), 1u);
}

TEST(FaultLayer, ReorderedDatagramFollowsADelayedOneWhenThatIsDelivered) {
  auto hold = rule(FaultAction::Reorder, "SCCCN");
  auto late = rule(FaultAction::Delay, "HELLO");
  late.delay = std::chrono::milliseconds(100);
  FaultLayer layer({hold, late});
  const Buffer a = sample_bytes(MessageType::Scccn);
  const Buffer h = hello(7, 1);
  layer.handle(dg(h), at_ms(0));
  layer.handle(dg(a), at_ms(10));
  EXPECT_TRUE(drain(layer, at_ms(50)).empty());  // delayed, dropped or held: nothing has gone
  const auto out = drain(layer, at_ms(100));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], h);
  EXPECT_EQ(out[1], a);
}

TEST(FaultLayer, CorruptXorsOctetsClampedToTheDatagram) {
  auto r = rule(FaultAction::Corrupt, "HELLO");
  r.corrupt_offset = 12;
  r.corrupt_bytes = 2;
  r.xor_mask = 0x0f;
  FaultLayer layer({r});
  const Buffer h = hello(7, 1);
  auto out = pass(layer, h);
  ASSERT_EQ(out.size(), 1u);
  Buffer want = h;
  want[12] ^= 0x0f;
  want[13] ^= 0x0f;
  EXPECT_EQ(out[0], want);

  r.corrupt_offset = h.size() - 1;
  r.corrupt_bytes = 100;
  r.xor_mask = 0xff;
  FaultLayer tail({r});
  out = pass(tail, h);
  want = h;
  want.back() ^= 0xff;
  EXPECT_EQ(out.at(0), want);

  r.corrupt_offset = h.size() + 5;
  FaultLayer beyond({r});
  EXPECT_EQ(pass(beyond, h).at(0), h);
}

TEST(FaultLayer, TruncateCutsClampedToTheDatagram) {
  auto r = rule(FaultAction::Truncate, "SCCRQ");
  r.truncate_to = 10;
  FaultLayer layer({r});
  const Buffer sccrq = sample_bytes(MessageType::Sccrq);
  auto out = pass(layer, sccrq);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], Buffer(sccrq.begin(), sccrq.begin() + 10));

  r.truncate_to = 5000;
  FaultLayer longer({r});
  EXPECT_EQ(pass(longer, sccrq).at(0), sccrq);
}

TEST(FaultLayer, AddAvpInsertsAnUnknownMandatoryAvpAndFixesTheLength) {
  auto r = rule(FaultAction::AddAvp, "ICRQ");
  r.avp.type = 99;
  r.avp.value = Buffer{0xde, 0xad};
  FaultLayer layer({r});
  const auto original = sample(MessageType::Icrq);
  const auto out = pass(layer, encode(original));
  ASSERT_EQ(out.size(), 1u);
  const auto m = decoded(out[0]);
  EXPECT_EQ(m.header.length, out[0].size());
  EXPECT_EQ(m.header.trailing, 0u);
  ASSERT_EQ(m.avps.size(), original.avps.size() + 1);
  const wire::Avp& added = m.avps.back();  // at the end by default
  EXPECT_EQ(added.vendor, 0);
  EXPECT_EQ(added.type, 99);
  EXPECT_TRUE(added.mandatory);
  EXPECT_FALSE(added.hidden);
  EXPECT_EQ(added.wire_length, 8);
  ASSERT_TRUE(added.get<avp::Raw>());
  EXPECT_EQ(added.get<avp::Raw>()->bytes, (Buffer{0xde, 0xad}));
  EXPECT_EQ(m.known_type(), MessageType::Icrq);
  EXPECT_EQ(layer.stats()[0].applied, 1u);
}

TEST(FaultLayer, AddAvpAtAPositionWithFlagsAndAVendor) {
  auto r = rule(FaultAction::AddAvp, "SCCRQ");
  r.avp.vendor = 9999;
  r.avp.type = 1;
  r.avp.mandatory = false;
  r.avp.position = 1;
  FaultLayer layer({r});
  const auto m = decoded(pass(layer, sample_bytes(MessageType::Sccrq)).at(0));
  ASSERT_GE(m.avps.size(), 3u);
  EXPECT_TRUE(m.avps[0].is(AvpType::MessageType));
  EXPECT_EQ(m.avps[1].vendor, 9999);
  EXPECT_EQ(m.avps[1].type, 1);
  EXPECT_FALSE(m.avps[1].mandatory);
  EXPECT_EQ(m.avps[1].wire_length, 6);  // empty value by default
  EXPECT_TRUE(m.avps[2].is(AvpType::ProtocolVersion));
}

// Hidden AVPs decoded without the secret stay concealed; the layer edits bytes, so they cross
// byte for byte and still reveal with the secret.
TEST(FaultLayer, AvpEditsKeepConcealedHiddenAvpsByteExact) {
  const std::string secret = l2tp::testing::kTestSecret;
  const auto original = sample(MessageType::Sccrq, true);
  const Buffer bytes = encode(original, wire::EncodeOptions::hiding(as_bytes(secret)));
  auto r = rule(FaultAction::AddAvp, "SCCRQ");
  r.avp.type = 99;
  r.avp.mandatory = false;
  FaultLayer layer({r});
  const Buffer out = pass(layer, bytes).at(0);
  ASSERT_EQ(out.size(), bytes.size() + 6);
  // Everything but the header Length is the same, then the new AVP.
  EXPECT_EQ(u16_at(out, 2), out.size());
  EXPECT_TRUE(std::equal(bytes.begin() + 4, bytes.end(), out.begin() + 4));
  auto m = wire::decode_control(out, as_bytes(secret));
  ASSERT_TRUE(m);
  ASSERT_EQ(m->avps.size(), original.avps.size() + 1);
  for (std::size_t i = 0; i < original.avps.size(); ++i) {
    EXPECT_EQ(m->avps[i].value, original.avps[i].value) << i;
    if (original.avps[i].hidden) {
      EXPECT_EQ(m->avps[i].hidden_state, wire::HiddenState::Revealed) << i;
    }
  }
}

TEST(FaultLayer, RemoveAvpRemovesEveryInstance) {
  auto original = sample(MessageType::Icrq);
  original.avps.push_back(wire::make_avp(AvpType::CalledNumber, std::string("second")));
  ASSERT_EQ(original.count(AvpType::CalledNumber), 2u);
  auto r = rule(FaultAction::RemoveAvp, "ICRQ");
  r.avp.type = static_cast<std::uint16_t>(AvpType::CalledNumber);
  FaultLayer layer({r});
  const Buffer out = pass(layer, encode(original)).at(0);
  const auto m = decoded(out);
  EXPECT_EQ(m.header.length, out.size());
  EXPECT_EQ(m.count(AvpType::CalledNumber), 0u);
  EXPECT_EQ(m.avps.size(), original.avps.size() - 2);
  EXPECT_TRUE(m.find(AvpType::CallingNumber));
  EXPECT_EQ(layer.stats()[0].applied, 1u);

  // Nothing to remove: the datagram passes untouched and the count is not used.
  const Buffer hello_bytes = hello(7, 0);
  auto any = rule(FaultAction::RemoveAvp);
  any.avp.type = static_cast<std::uint16_t>(AvpType::CalledNumber);
  any.match.count = 1;
  FaultLayer absent({any});
  EXPECT_EQ(pass(absent, hello_bytes).at(0), hello_bytes);
  EXPECT_EQ(absent.stats()[0].matched, 1u);
  EXPECT_EQ(absent.stats()[0].applied, 0u);
  EXPECT_EQ(decoded(pass(absent, encode(original)).at(0)).count(AvpType::CalledNumber), 0u);
}

TEST(FaultLayer, AlterAvpSetsFlagsAndValue) {
  auto r = rule(FaultAction::AlterAvp, "ICRQ");
  r.avp.type = static_cast<std::uint16_t>(AvpType::AssignedSessionId);
  r.avp.mandatory = false;
  r.avp.hidden = true;
  r.avp.value = Buffer{0x01, 0x02, 0x03};
  FaultLayer layer({r});
  const auto original = sample(MessageType::Icrq);
  const Buffer out = pass(layer, encode(original)).at(0);
  const auto m = decoded(out);
  EXPECT_EQ(m.header.length, out.size());
  const wire::Avp* a = m.find(AvpType::AssignedSessionId);
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->mandatory);
  EXPECT_TRUE(a->hidden);  // the flag only: no Random Vector precedes it
  EXPECT_EQ(a->hidden_state, wire::HiddenState::NoVector);
  EXPECT_EQ(a->wire_length, 9);
  ASSERT_TRUE(a->get<avp::Raw>());
  EXPECT_EQ(a->get<avp::Raw>()->bytes, (Buffer{0x01, 0x02, 0x03}));
  EXPECT_EQ(m.avps.size(), original.avps.size());

  // Clearing H and setting M on a plain value: a readable, typed value again.
  auto back = rule(FaultAction::AlterAvp, "ICRQ");
  back.avp.type = static_cast<std::uint16_t>(AvpType::CallingNumber);
  back.avp.mandatory = true;
  back.avp.hidden = false;
  back.avp.value = Buffer{'1', '2'};
  FaultLayer plain({back});
  const auto m2 = decoded(pass(plain, encode(original)).at(0));
  const wire::Avp* c = m2.find(AvpType::CallingNumber);
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->mandatory);
  ASSERT_TRUE(c->get<std::string>());
  EXPECT_EQ(*c->get<std::string>(), "12");
}

TEST(FaultLayer, AlterAvpWritesAWrongLengthField) {
  auto r = rule(FaultAction::AlterAvp, "ICRQ");
  r.avp.type = static_cast<std::uint16_t>(AvpType::AssignedSessionId);
  r.avp.length_field = 5;
  FaultLayer layer({r});
  const auto original = sample(MessageType::Icrq);
  const Buffer in = encode(original);
  const Buffer out = pass(layer, in).at(0);
  ASSERT_EQ(out.size(), in.size());  // only the field lies
  auto m = wire::decode_control(out);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, DecodeErrorKind::AvpLengthBelowSix);
  // The AVP after Message Type: its flags word carries M and Length 5.
  const auto good = decoded(in);
  const std::size_t at = good.find(AvpType::AssignedSessionId)->offset;
  EXPECT_EQ(u16_at(out, at), wire::kAvpFlagM | 5);
  EXPECT_EQ(u16_at(out, 2), in.size());  // the header Length stays true

  // An added AVP may lie too.
  auto add = rule(FaultAction::AddAvp, "ICRQ");
  add.avp.type = 99;
  add.avp.value = Buffer{1, 2, 3, 4};
  add.avp.length_field = 60;
  FaultLayer adder({add});
  auto m2 = wire::decode_control(pass(adder, in).at(0));
  ASSERT_FALSE(m2);
  EXPECT_EQ(m2.error().kind, DecodeErrorKind::AvpBeyondMessage);
}

TEST(FaultLayer, AlterHeaderRewritesIdsAndSequenceNumbers) {
  auto r = rule(FaultAction::AlterHeader, "HELLO");
  r.header.tunnel = 0x1111;
  r.header.session = 0x2222;
  r.header.ns = 0x3333;
  r.header.nr = 0x4444;
  FaultLayer layer({r});
  const Buffer out = pass(layer, hello(7, 1)).at(0);
  const auto m = decoded(out);
  EXPECT_EQ(m.header.tunnel.value, 0x1111);
  EXPECT_EQ(m.header.session.value, 0x2222);
  EXPECT_EQ(m.header.ns.value, 0x3333);
  EXPECT_EQ(m.header.nr.value, 0x4444);
  EXPECT_EQ(m.header.length, out.size());
  EXPECT_EQ(m.known_type(), MessageType::Hello);
}

TEST(FaultLayer, AlterHeaderWritesAWrongLengthFlagsAndVersion) {
  const Buffer h = hello(7, 1);
  auto len = rule(FaultAction::AlterHeader, "HELLO");
  len.header.length_field = 200;
  FaultLayer lying({len});
  const Buffer out = pass(lying, h).at(0);
  EXPECT_EQ(out.size(), h.size());
  EXPECT_EQ(u16_at(out, 2), 200);
  auto d = wire::decode_control(out);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().kind, DecodeErrorKind::LengthBeyondDatagram);

  auto flags = rule(FaultAction::AlterHeader, "HELLO");
  flags.header.set_flags = wire::kFlagP;
  flags.header.clear_flags = wire::kFlagS;
  FaultLayer noseq({flags});
  const Buffer out2 = pass(noseq, h).at(0);
  EXPECT_EQ(u16_at(out2, 0), wire::kFlagT | wire::kFlagL | wire::kFlagP | wire::kVersion);
  auto d2 = wire::decode_control(out2);
  ASSERT_FALSE(d2);
  EXPECT_EQ(d2.error().kind, DecodeErrorKind::ControlWithoutSequence);

  auto ver = rule(FaultAction::AlterHeader, "HELLO");
  ver.header.version = 3;
  FaultLayer v3({ver});
  auto d3 = wire::decode_control(pass(v3, h).at(0));
  ASSERT_FALSE(d3);
  EXPECT_EQ(d3.error().kind, DecodeErrorKind::L2tpv3);
}

TEST(FaultLayer, AlterHeaderOnADataMessage) {
  auto r = rule(FaultAction::AlterHeader, "data");
  r.header.session = 77;
  r.header.ns = 5;  // a data header without S has no Ns: left alone
  FaultLayer layer({r});
  const Buffer in = data(7, 8, ppp::proto::kLcp, ppp::Code::EchoReq);
  const Buffer out = pass(layer, in).at(0);
  ASSERT_EQ(out.size(), in.size());
  auto d = wire::decode_data(out);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->header.tunnel.value, 7);
  EXPECT_EQ(d->header.session.value, 77);
  EXPECT_FALSE(d->header.has_sequence);
}

// ---- matching ----

TEST(FaultMatch, DirectionMustMatch) {
  auto r = rule(FaultAction::Drop);
  r.match.direction = Direction::In;
  FaultLayer layer({r});
  EXPECT_EQ(pass(layer, zlb(), Time{}, Direction::Out).size(), 1u);
  EXPECT_TRUE(pass(layer, zlb(), Time{}, Direction::In).empty());
  EXPECT_STREQ(to_string(Direction::In), "in");
  EXPECT_STREQ(to_string(FaultAction::AddAvp), "add-avp");
}

TEST(FaultMatch, MessageNamesAreCaseInsensitive) {
  const Buffer stop = sample_bytes(MessageType::StopCcn);
  const Buffer h = hello(7, 0);
  const Buffer z = zlb();
  const Buffer d = data(7, 8, ppp::proto::kIp);
  struct Case {
    const char* message;
    bool stop, hello, zlb, data;
  };
  for (const Case& c : {Case{"StopCCN", true, false, false, false},
                        Case{"stopccn", true, false, false, false}, Case{"hello", false, true, false, false},
                        Case{"HELLO", false, true, false, false}, Case{"zlb", false, false, true, false},
                        Case{"control", true, true, false, false}, Case{"data", false, false, false, true},
                        Case{"", true, true, true, true}, Case{"SCCRQ", false, false, false, false}}) {
    FaultLayer layer({rule(FaultAction::Drop, c.message)});
    EXPECT_EQ(pass(layer, stop).empty(), c.stop) << c.message;
    EXPECT_EQ(pass(layer, h).empty(), c.hello) << c.message;
    EXPECT_EQ(pass(layer, z).empty(), c.zlb) << c.message;
    EXPECT_EQ(pass(layer, d).empty(), c.data) << c.message;
  }
}

TEST(FaultMatch, AvpTunnelSessionAndNs) {
  auto by_avp = rule(FaultAction::Drop);
  by_avp.match.avp = static_cast<std::uint16_t>(AvpType::ResultCode);
  FaultLayer avp_layer({by_avp});
  EXPECT_TRUE(pass(avp_layer, sample_bytes(MessageType::StopCcn)).empty());
  EXPECT_EQ(pass(avp_layer, sample_bytes(MessageType::Sccrq)).size(), 1u);

  auto by_tunnel = rule(FaultAction::Drop);
  by_tunnel.match.tunnel = 9;
  FaultLayer tunnel_layer({by_tunnel});
  EXPECT_TRUE(pass(tunnel_layer, hello(9, 0)).empty());
  EXPECT_TRUE(pass(tunnel_layer, data(9, 1, ppp::proto::kIp)).empty());
  EXPECT_EQ(pass(tunnel_layer, hello(8, 0)).size(), 1u);

  auto by_session = rule(FaultAction::Drop);
  by_session.match.session = 33;  // the sample ICCN's session; ICRQ has none yet
  FaultLayer session_layer({by_session});
  EXPECT_TRUE(pass(session_layer, sample_bytes(MessageType::Iccn)).empty());
  EXPECT_EQ(pass(session_layer, sample_bytes(MessageType::Icrq)).size(), 1u);
  EXPECT_TRUE(pass(session_layer, data(7, 33, ppp::proto::kIp)).empty());

  auto by_ns = rule(FaultAction::Drop, "HELLO");
  by_ns.match.ns = 4;
  FaultLayer ns_layer({by_ns});
  EXPECT_EQ(pass(ns_layer, hello(7, 3)).size(), 1u);
  EXPECT_TRUE(pass(ns_layer, hello(7, 4)).empty());
  EXPECT_EQ(pass(ns_layer, data(7, 1, ppp::proto::kIp)).size(), 1u);  // no Ns at all
}

TEST(FaultMatch, DataByPppProtocolAndCode) {
  auto echo = rule(FaultAction::Drop, "data");
  echo.match.ppp_protocol = ppp::proto::kLcp;
  echo.match.ppp_code = static_cast<std::uint8_t>(ppp::Code::EchoReq);
  auto ipcp = rule(FaultAction::Drop);
  ipcp.match.ppp_protocol = ppp::proto::kIpcp;
  auto code1 = rule(FaultAction::Drop);
  code1.match.ppp_code = 1;
  FaultLayer layer({echo, ipcp, code1});
  EXPECT_TRUE(pass(layer, data(7, 8, ppp::proto::kLcp, ppp::Code::EchoReq)).empty());
  EXPECT_EQ(pass(layer, data(7, 8, ppp::proto::kLcp, ppp::Code::EchoRep)).size(), 1u);
  EXPECT_TRUE(pass(layer, data(7, 8, ppp::proto::kIpcp, ppp::Code::ConfAck)).empty());
  EXPECT_TRUE(pass(layer, data(7, 8, ppp::proto::kChap, ppp::Code::ConfReq)).empty());  // code 1
  // An IPv4 packet has no code, whatever its first octet.
  EXPECT_EQ(pass(layer, data(7, 8, ppp::proto::kIp)).size(), 1u);
  EXPECT_EQ(pass(layer, hello(7, 0)).size(), 1u);
  EXPECT_EQ(layer.stats()[0].applied, 1u);
  EXPECT_EQ(layer.stats()[1].applied, 1u);
  EXPECT_EQ(layer.stats()[2].applied, 1u);
}

TEST(FaultMatch, UndecodableDatagramsMatchOnlyRulesThatAskNothingOfThem) {
  const Buffer junk{0x12, 0x34, 0x56};  // version 4, truncated
  auto named = rule(FaultAction::Drop, "SCCRQ");
  auto with_tunnel = rule(FaultAction::Drop);
  with_tunnel.match.tunnel = 0;
  auto with_avp = rule(FaultAction::Drop);
  with_avp.match.avp = 0;
  auto with_ns = rule(FaultAction::Drop);
  with_ns.match.ns = 0;
  FaultLayer picky({named, with_tunnel, with_avp, with_ns});
  EXPECT_EQ(pass(picky, junk).at(0), junk);

  auto bare = rule(FaultAction::Corrupt);
  bare.corrupt_bytes = 1;
  FaultLayer any({bare});
  EXPECT_EQ(pass(any, junk).at(0), (Buffer{0xed, 0x34, 0x56}));
  // A control message whose AVPs are broken still matches by name (read before the break).
  Buffer broken = hello(7, 0);
  broken.insert(broken.end(), {0x00, 0x02, 0, 0, 0, 0});  // an AVP of Length 2
  broken[3] = static_cast<std::uint8_t>(broken.size());
  FaultLayer by_name({rule(FaultAction::Drop, "HELLO")});
  EXPECT_TRUE(pass(by_name, broken).empty());
}

TEST(FaultMatch, SkipThenCountAndStatistics) {
  auto r = rule(FaultAction::Drop, "HELLO");
  r.match.skip = 1;
  r.match.count = 2;
  FaultLayer layer({r});
  std::vector<std::size_t> crossed;
  for (std::uint16_t ns = 0; ns < 5; ++ns) crossed.push_back(pass(layer, hello(7, ns)).size());
  EXPECT_EQ(crossed, (std::vector<std::size_t>{1, 0, 0, 1, 1}));
  EXPECT_EQ(pass(layer, zlb()).size(), 1u);  // does not match at all
  ASSERT_EQ(layer.stats().size(), 1u);
  EXPECT_EQ(layer.stats()[0].name, "rule 1");
  EXPECT_EQ(layer.stats()[0].matched, 5u);
  EXPECT_EQ(layer.stats()[0].applied, 2u);
}

TEST(FaultMatch, FirstFittingRuleActsAndAUsedUpRuleLetsLaterRulesAct) {
  auto first = rule(FaultAction::Drop, "HELLO");
  first.name = "lost-hello";
  first.match.count = 1;
  auto second = rule(FaultAction::Duplicate, "control");
  FaultLayer layer({first, second});
  EXPECT_TRUE(pass(layer, hello(7, 0)).empty());
  EXPECT_EQ(pass(layer, hello(7, 1)).size(), 2u);
  EXPECT_EQ(pass(layer, sample_bytes(MessageType::Sccrq)).size(), 2u);
  EXPECT_EQ(layer.stats()[0].name, "lost-hello");
  EXPECT_EQ(layer.stats()[0].matched, 2u);
  EXPECT_EQ(layer.stats()[0].applied, 1u);
  EXPECT_EQ(layer.stats()[1].name, "rule 2");
  EXPECT_EQ(layer.stats()[1].matched, 2u);
  EXPECT_EQ(layer.stats()[1].applied, 2u);
}

TEST(FaultMatch, ASkippingRuleTakesTheDatagram) {
  auto first = rule(FaultAction::Drop, "HELLO");
  first.match.skip = 1;
  auto second = rule(FaultAction::Drop, "HELLO");
  FaultLayer layer({first, second});
  EXPECT_EQ(pass(layer, hello(7, 0)).size(), 1u);  // passed untouched by the first rule
  EXPECT_TRUE(pass(layer, hello(7, 1)).empty());
  EXPECT_EQ(layer.stats()[1].matched, 0u);
}

// ---- in the simulated network (the fault layer between a node and the network: FaultFilter) ----

NodeConfig lac_config() {
  NodeConfig c;
  c.tunnel.role = tunnel::Role::Lac;
  c.tunnel.host_name = "lac";
  c.accept_tunnels = false;
  return c;
}

NodeConfig lns_config() {
  NodeConfig c;
  c.tunnel.role = tunnel::Role::Lns;
  c.tunnel.host_name = "lns";
  return c;
}

template <typename T>
std::vector<T> of(const std::vector<NodeEvent>& evs) {
  std::vector<T> out;
  for (const auto& e : evs)
    if (const auto* v = std::get_if<T>(&e.event.body)) out.push_back(*v);
  return out;
}

// The control messages of `type` on the wire from `from`.
std::vector<sim::Delivered> sent(const sim::SimNet& net, const net::Endpoint& from, MessageType type) {
  std::vector<sim::Delivered> out;
  for (const auto& d : net.wire_log()) {
    if (!(d.from == from)) continue;
    auto m = wire::decode_control(d.bytes);
    if (m && m->known_type() == type) out.push_back(d);
  }
  return out;
}

TEST(FaultSim, WithheldScccnAcksMakeTheLacRetransmitAndTheTunnelStillComesUp) {
  sim::SimNet net(11, sim::LinkConfig{});
  Node& lac = net.add_node(loopback_ep(2), lac_config());
  Node& lns = net.add_node(loopback_ep(3), lns_config());
  auto r = rule(FaultAction::Drop, "ZLB");
  r.name = "withheld-ack";
  r.match.count = 2;
  FaultFilter hook({r});
  net.set_filter(lns, &hook);
  const TunnelId t = lac.open_tunnel(loopback_ep(2), loopback_ep(3), net.now());
  net.run(Time{} + std::chrono::seconds(20));
  EXPECT_EQ(hook.layer().stats()[0].applied, 2u);
  // The SCCCN went three times: twice its acknowledgement was lost.
  EXPECT_EQ(sent(net, loopback_ep(2), MessageType::Scccn).size(), 3u);
  ASSERT_EQ(of<TunnelUp>(net.events(lns)).size(), 1u);
  ASSERT_EQ(of<TunnelUp>(net.events(lac)).size(), 1u);
  EXPECT_TRUE(of<TunnelDown>(net.events(lac)).empty());
  EXPECT_TRUE(of<TunnelDown>(net.events(lns)).empty());
  ASSERT_TRUE(lac.tunnel(t));
  EXPECT_EQ(lac.tunnel(t)->state(), tunnel::TunnelState::Established);
}

TEST(FaultSim, R023_UnknownMandatoryAvpInIcrqMakesTheLnsClearTheCall) {
  sim::SimNet net(12, sim::LinkConfig{});
  Node& lac = net.add_node(loopback_ep(2), lac_config());
  Node& lns = net.add_node(loopback_ep(3), lns_config());
  auto r = rule(FaultAction::AddAvp, "ICRQ");
  r.avp.type = 99;  // M=1 by default
  FaultFilter hook({r});
  net.set_filter(lac, &hook);
  const TunnelId t = lac.open_tunnel(loopback_ep(2), loopback_ep(3), net.now());
  ASSERT_TRUE(lac.open_session(t, net.now()));
  net.run(Time{} + std::chrono::seconds(5));
  EXPECT_EQ(hook.layer().stats()[0].applied, 1u);
  const auto icrq = sent(net, loopback_ep(2), MessageType::Icrq);
  ASSERT_EQ(icrq.size(), 1u);
  ASSERT_TRUE(decoded(icrq[0].bytes).avps.back().mandatory);
  // The LNS answers with CDN Result 2 (general error), Error 8 (unknown mandatory AVP).
  const auto cdn = sent(net, loopback_ep(3), MessageType::Cdn);
  ASSERT_EQ(cdn.size(), 1u);
  const auto cdn_message = decoded(cdn[0].bytes);  // rc points into it
  const auto* rc = cdn_message.find(AvpType::ResultCode);
  ASSERT_TRUE(rc);
  ASSERT_TRUE(rc->get<avp::ResultCode>());
  EXPECT_EQ(rc->get<avp::ResultCode>()->result, 2);
  EXPECT_EQ(rc->get<avp::ResultCode>()->error, 8);
  EXPECT_TRUE(of<SessionUp>(net.events(lns)).empty());
  const auto down = of<SessionDown>(net.events(lac));
  ASSERT_EQ(down.size(), 1u);
  EXPECT_TRUE(down[0].by_peer);
  ASSERT_TRUE(down[0].result);
  EXPECT_EQ(down[0].result->result, 2);
  EXPECT_EQ(down[0].result->error, 8);
  // Only the call: the tunnel stays.
  EXPECT_TRUE(of<TunnelDown>(net.events(lac)).empty());
  EXPECT_EQ(lac.live_tunnels(), 1u);
  EXPECT_EQ(lns.live_tunnels(), 1u);
}

TEST(FaultSim, AnAvpAddedToAHiddenSccrqLeavesAuthenticationAndHidingIntact) {
  sim::SimNet net(13, sim::LinkConfig{});
  auto lc = lac_config();
  auto nc = lns_config();
  lc.tunnel.secret = nc.tunnel.secret = "s3cret";
  lc.tunnel.hidden_avps = {AvpType::AssignedTunnelId, AvpType::AssignedSessionId, AvpType::VendorName};
  lc.tunnel.hidden_padding = 3;
  Node& lac = net.add_node(loopback_ep(2), lc);
  Node& lns = net.add_node(loopback_ep(3), nc);
  auto r = rule(FaultAction::AddAvp, "control");
  r.avp.vendor = 9999;
  r.avp.type = 1;
  r.avp.mandatory = false;
  r.avp.value = Buffer{'x'};
  r.avp.position = 1;  // before the Random Vector
  FaultFilter hook({r});
  net.set_filter(lac, &hook);
  const TunnelId t = lac.open_tunnel(loopback_ep(2), loopback_ep(3), net.now());
  ASSERT_TRUE(lac.open_session(t, net.now()));
  net.run(Time{} + std::chrono::seconds(2));
  EXPECT_GE(hook.layer().stats()[0].applied, 3u);  // SCCRQ, SCCCN, ICRQ, ICCN
  EXPECT_EQ(of<SessionUp>(net.events(lns)).size(), 1u);
  const auto sccrq = sent(net, loopback_ep(2), MessageType::Sccrq);
  ASSERT_EQ(sccrq.size(), 1u);
  auto m = wire::decode_control(sccrq[0].bytes, as_bytes(std::string("s3cret")));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->avps[1].vendor, 9999);
  const wire::Avp* id = m->find(AvpType::AssignedTunnelId);
  ASSERT_TRUE(id);
  EXPECT_EQ(id->hidden_state, wire::HiddenState::Revealed);
}

TEST(FaultSim, ADelayedSccrpArrivesLateAndTheTunnelComesUp) {
  sim::SimNet net(14, sim::LinkConfig{});
  Node& lac = net.add_node(loopback_ep(2), lac_config());
  Node& lns = net.add_node(loopback_ep(3), lns_config());
  auto r = rule(FaultAction::Delay, "SCCRP");
  r.delay = std::chrono::milliseconds(400);
  FaultFilter hook({r});
  net.set_filter(lns, &hook);
  lac.open_tunnel(loopback_ep(2), loopback_ep(3), net.now());
  net.run(Time{} + std::chrono::seconds(3));
  const auto sccrp = sent(net, loopback_ep(3), MessageType::Sccrp);
  ASSERT_FALSE(sccrp.empty());
  // 5 ms to the LNS, 400 ms held, 5 ms back.
  EXPECT_EQ(sccrp[0].at, Time{} + std::chrono::milliseconds(410));
  EXPECT_EQ(of<TunnelUp>(net.events(lac)).size(), 1u);
  EXPECT_EQ(of<TunnelUp>(net.events(lns)).size(), 1u);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::scenario
