// RouterOS property values: addresses, address-or-pool, ranges, DNS lists, times, yes/no.
#include <gtest/gtest.h>

#include "peers/users/routeros_values.hpp"

namespace l2tp::peers {
namespace L2TPSIM_FILE_ID {

std::uint32_t ip(const char* text) {
  return to_u32(*parse_ipv4(text));
}

TEST(RouterOsValues, Ipv4IsStrict) {
  ASSERT_TRUE(parse_ipv4("10.0.0.1"));
  EXPECT_EQ(parse_ipv4("10.0.0.1")->to_string(), "10.0.0.1");
  EXPECT_EQ(ip("10.0.0.1"), 0x0A000001u);
  EXPECT_FALSE(parse_ipv4("10.0.0"));
  EXPECT_FALSE(parse_ipv4("10.0.0.256"));
  EXPECT_FALSE(parse_ipv4("10.0.0.01"));
  EXPECT_FALSE(parse_ipv4("::1"));
  EXPECT_FALSE(parse_ipv4(""));
}

TEST(RouterOsValues, AddressOrPool) {
  auto a = parse_address_or_pool("10.0.0.2");
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->address);
  EXPECT_EQ(a->address->to_string(), "10.0.0.2");
  EXPECT_TRUE(a->pool.empty());

  auto p = parse_address_or_pool("POOL1");
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->address);
  EXPECT_EQ(p->pool, "POOL1");

  auto unset = parse_address_or_pool("");
  ASSERT_TRUE(unset);
  EXPECT_TRUE(unset->empty());

  for (const char* bad : {"10.0.0", "10.0.0.300", "1.2.3.4/24", "fe80::1"}) {
    auto e = parse_address_or_pool(bad);
    ASSERT_FALSE(e) << bad;
    EXPECT_EQ(e.error().message, std::string("expected an IPv4 address or a pool name, got \"") + bad + "\"");
  }
}

TEST(RouterOsValues, RangesCidrAndSingles) {
  auto r = parse_ranges("10.1.0.10-10.1.0.250,10.2.0.0/30,10.3.0.7,10.4.0.0/31,10.5.0.9/32");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 5u);
  EXPECT_EQ((*r)[0], (Ipv4Range{ip("10.1.0.10"), ip("10.1.0.250")}));
  EXPECT_EQ((*r)[0].size(), 241u);
  // A /30 has two hosts: network and broadcast are left out.
  EXPECT_EQ((*r)[1], (Ipv4Range{ip("10.2.0.1"), ip("10.2.0.2")}));
  EXPECT_EQ((*r)[2], (Ipv4Range{ip("10.3.0.7"), ip("10.3.0.7")}));
  // /31 (RFC 3021) and /32 have no network or broadcast address to leave out.
  EXPECT_EQ((*r)[3], (Ipv4Range{ip("10.4.0.0"), ip("10.4.0.1")}));
  EXPECT_EQ((*r)[4], (Ipv4Range{ip("10.5.0.9"), ip("10.5.0.9")}));
}

TEST(RouterOsValues, RangeErrorsPointAtTheItem) {
  auto backwards = parse_ranges("10.1.0.1-10.1.0.9,10.2.0.9-10.2.0.1");
  ASSERT_FALSE(backwards);
  EXPECT_EQ(backwards.error().offset, 18u);
  EXPECT_EQ(backwards.error().message, "range \"10.2.0.9-10.2.0.1\" runs backwards");

  auto host_bits = parse_ranges("10.2.0.1/30");
  ASSERT_FALSE(host_bits);
  EXPECT_EQ(host_bits.error().message, "\"10.2.0.1/30\" has host bits set (the prefix is 10.2.0.0/30)");

  auto overlap = parse_ranges("10.1.0.0/24,10.1.0.5-10.1.0.10");
  ASSERT_FALSE(overlap);
  EXPECT_EQ(overlap.error().offset, 12u);
  EXPECT_EQ(overlap.error().message, "\"10.1.0.5-10.1.0.10\" overlaps \"10.1.0.0/24\" in the same pool");

  for (const char* bad : {"10.1.0.0/33", "10.1.0.1-", "", "10.1.0.1,", "pool", "10.1.0.0/x"}) {
    auto e = parse_ranges(bad);
    ASSERT_FALSE(e) << bad;
    EXPECT_NE(e.error().message.find("expected a range"), std::string::npos)
        << bad << ": " << e.error().message;
  }
  auto trailing = parse_ranges("10.1.0.1,");
  ASSERT_FALSE(trailing);
  EXPECT_EQ(trailing.error().offset, 9u);
}

TEST(RouterOsValues, DnsListHasAtMostTwo) {
  auto two = parse_ipv4_list("8.8.8.8,1.1.1.1", 2);
  ASSERT_TRUE(two);
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[1].to_string(), "1.1.1.1");
  auto three = parse_ipv4_list("8.8.8.8,1.1.1.1,9.9.9.9", 2);
  ASSERT_FALSE(three);
  EXPECT_EQ(three.error().offset, 16u);
  EXPECT_EQ(three.error().message, "at most 2 addresses are allowed");
  auto bad = parse_ipv4_list("8.8.8.8,dns.google", 2);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().offset, 8u);
  EXPECT_EQ(bad.error().message, "expected an IPv4 address, got \"dns.google\"");
  EXPECT_TRUE(parse_ipv4_list("", 2)->empty());
}

TEST(RouterOsValues, Times) {
  using std::chrono::milliseconds;
  EXPECT_EQ(*parse_routeros_time("90"), milliseconds(90'000));
  EXPECT_EQ(*parse_routeros_time("30s"), milliseconds(30'000));
  EXPECT_EQ(*parse_routeros_time("1h30m"), milliseconds(5'400'000));
  EXPECT_EQ(*parse_routeros_time("1w2d"), milliseconds(9LL * 86'400'000));
  EXPECT_EQ(*parse_routeros_time("500ms"), milliseconds(500));
  EXPECT_EQ(*parse_routeros_time("1m500ms"), milliseconds(60'500));
  EXPECT_EQ(*parse_routeros_time("00:30:00"), milliseconds(1'800'000));
  EXPECT_EQ(*parse_routeros_time("1d 02:00:00"), milliseconds(93'600'000));
  EXPECT_EQ(*parse_routeros_time("0s"), milliseconds(0));
  for (const char* bad : {"", "1x", "1h30", "00:61:00", "1:00:00", "abc", "h"}) {
    auto e = parse_routeros_time(bad);
    ASSERT_FALSE(e) << bad;
    EXPECT_EQ(e.error().message,
              std::string("expected a time such as 30s, 1h30m, 1d or 00:30:00, got \"") + bad + "\"");
  }
}

TEST(RouterOsValues, YesNoAndCounts) {
  EXPECT_TRUE(*parse_yes_no("yes"));
  EXPECT_FALSE(*parse_yes_no("no"));
  EXPECT_EQ(parse_yes_no("true").error().message, "expected yes or no, got \"true\"");
  EXPECT_EQ(*parse_count("18446744073709551615"), 18446744073709551615ULL);
  EXPECT_FALSE(parse_count("18446744073709551616"));
  EXPECT_FALSE(parse_count("-1"));
  EXPECT_FALSE(parse_count(""));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::peers
