// Accounting-Request contents per status (RFC 2866 5, RFC 2869 5.1-5.2).
#include "engine/radius/accounting.hpp"

#include <gtest/gtest.h>

#include "engine/radius/authenticators.hpp"

namespace l2tp::radius {
namespace L2TPSIM_FILE_ID {

AccountingRecord record(AcctStatus status) {
  AccountingRecord r;
  r.status = status;
  r.session_id = "0001-abcd";
  r.user = "alice";
  r.framed_ip = net::IpAddress::v4(10, 0, 0, 5);
  r.session_time = std::chrono::seconds(125);
  r.input_octets = 1000;
  r.output_octets = 2000;
  r.input_packets = 10;
  r.output_packets = 20;
  r.terminate_cause = TerminateCause::UserRequest;
  r.classes = {Buffer{'g', 'o', 'l', 'd'}};
  r.context.nas_identifier = "l2tpsim";
  return r;
}

std::optional<std::uint32_t> u32(const Packet& p, AttrType t) {
  const Attribute* a = p.find(t);
  return a ? as_u32(*a) : std::nullopt;
}

TEST(RadiusAccounting, StartHasNoCounters) {
  auto p = build_accounting_request(record(AcctStatus::Start), 4);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->code, Code::AccountingRequest);
  EXPECT_EQ(p->identifier, 4);
  EXPECT_EQ(u32(*p, AttrType::AcctStatusType), 1u);
  EXPECT_EQ(as_text(*p->find(AttrType::AcctSessionId)), "0001-abcd");
  EXPECT_EQ(as_text(*p->find(AttrType::UserName)), "alice");
  EXPECT_EQ(as_ipv4(*p->find(AttrType::FramedIpAddress))->to_string(), "10.0.0.5");
  EXPECT_EQ(u32(*p, AttrType::AcctAuthentic), 1u);
  EXPECT_EQ(as_text(*p->find(AttrType::Class)), "gold");
  EXPECT_EQ(as_text(*p->find(AttrType::NasIdentifier)), "l2tpsim");
  for (AttrType t : {AttrType::AcctSessionTime, AttrType::AcctInputOctets, AttrType::AcctOutputPackets,
                     AttrType::AcctTerminateCause})
    EXPECT_FALSE(p->find(t)) << to_string(t);
}

TEST(RadiusAccounting, StopHasCountersAndCause) {
  auto p = build_accounting_request(record(AcctStatus::Stop), 5);
  ASSERT_TRUE(p);
  EXPECT_EQ(u32(*p, AttrType::AcctStatusType), 2u);
  EXPECT_EQ(u32(*p, AttrType::AcctSessionTime), 125u);
  EXPECT_EQ(u32(*p, AttrType::AcctInputOctets), 1000u);
  EXPECT_EQ(u32(*p, AttrType::AcctOutputOctets), 2000u);
  EXPECT_EQ(u32(*p, AttrType::AcctInputPackets), 10u);
  EXPECT_EQ(u32(*p, AttrType::AcctOutputPackets), 20u);
  EXPECT_EQ(u32(*p, AttrType::AcctTerminateCause), 1u);
  EXPECT_FALSE(p->find(AttrType::AcctInputGigawords));
}

TEST(RadiusAccounting, InterimHasCountersButNoCause) {
  auto p = build_accounting_request(record(AcctStatus::InterimUpdate), 5);
  ASSERT_TRUE(p);
  EXPECT_EQ(u32(*p, AttrType::AcctStatusType), 3u);
  EXPECT_EQ(u32(*p, AttrType::AcctSessionTime), 125u);
  EXPECT_FALSE(p->find(AttrType::AcctTerminateCause));
}

TEST(RadiusAccounting, OctetsAboveFourGigabytesUseGigawords) {
  AccountingRecord r = record(AcctStatus::Stop);
  r.input_octets = (std::uint64_t{3} << 32) + 17;
  auto p = build_accounting_request(r, 1);
  ASSERT_TRUE(p);
  EXPECT_EQ(u32(*p, AttrType::AcctInputOctets), 17u);
  EXPECT_EQ(u32(*p, AttrType::AcctInputGigawords), 3u);
  EXPECT_FALSE(p->find(AttrType::AcctOutputGigawords));
}

TEST(RadiusAccounting, SignedRequestPassesServerCheck) {
  auto p = build_accounting_request(record(AcctStatus::Stop), 1);
  ASSERT_TRUE(p);
  auto wire = encode(*p);
  ASSERT_TRUE(wire);
  ASSERT_TRUE(sign_request(*wire, "testing123"));
  EXPECT_TRUE(verify_request(*wire, "testing123"));
}

TEST(RadiusAccounting, RefusesRecordsWithoutSessionOrNas) {
  AccountingRecord r = record(AcctStatus::Start);
  r.session_id.clear();
  EXPECT_FALSE(build_accounting_request(r, 1));
  r = record(AcctStatus::Start);
  r.context = {};
  EXPECT_FALSE(build_accounting_request(r, 1));
  r = record(AcctStatus::AccountingOn);  // NAS-wide: no session needed
  r.session_id.clear();
  EXPECT_TRUE(build_accounting_request(r, 1));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::radius
