#include "ipsec/traffic_selector.hpp"

#include <gtest/gtest.h>

namespace l2tp::ipsec {
namespace L2TPSIM_FILE_ID {

net::IpAddress ip(const char* t) {
  net::IpAddress a;
  EXPECT_TRUE(net::IpAddress::parse(t, a)) << t;
  return a;
}

TEST(TrafficSelector, ReadsCharonsListing) {
  // list-sas writes the L2TP port by its service name.
  auto p = selector_prefix("10.77.0.1/32[udp/l2f]");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->bits, 32u);
  EXPECT_TRUE(p->covers(ip("10.77.0.1")));
  EXPECT_FALSE(p->covers(ip("10.77.0.2")));
  auto net = selector_prefix("192.0.2.0/24");
  ASSERT_TRUE(net.has_value());
  EXPECT_TRUE(net->covers(ip("192.0.2.200")));
  EXPECT_FALSE(net->covers(ip("192.0.3.1")));
  auto any = selector_prefix("0.0.0.0/0[udp]");
  ASSERT_TRUE(any.has_value());
  EXPECT_TRUE(any->covers(ip("203.0.113.9")));
  EXPECT_FALSE(any->covers(ip("::1")));  // another family
  auto host = selector_prefix("198.51.100.7");
  ASSERT_TRUE(host.has_value());
  EXPECT_EQ(host->bits, 32u);
}

TEST(TrafficSelector, RefusesWhatIsNoPrefix) {
  EXPECT_FALSE(selector_prefix("dynamic[udp/1701]").has_value());
  EXPECT_FALSE(selector_prefix("10.0.0.1-10.0.0.9").has_value());
  EXPECT_FALSE(selector_prefix("10.0.0.1/33").has_value());
  EXPECT_FALSE(selector_prefix("10.0.0.1/3x").has_value());
  EXPECT_FALSE(selector_prefix("").has_value());
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ipsec
