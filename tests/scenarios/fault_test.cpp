// The fault layer's actions on real encoded messages (drop, delay, duplicate, reorder, corrupt,
// truncate, the AVP and header edits). Matching: fault_match_test; in the simulated network:
// fault_sim_test.
#include "scenarios/fault.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tests/scenarios/fault_harness.hpp"

namespace l2tp::scenario {
namespace L2TPSIM_FILE_ID {

using namespace fault_testing;

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

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::scenario
