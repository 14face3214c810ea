// The --tun name pattern: what it expands to per link, and which patterns the command line
// refuses before anything starts. (The sink against a real kernel: tests/interop/tun_test.cpp.)
#include "peers/tun/tun_sink.hpp"

#include <gtest/gtest.h>

namespace l2tp::peers {
namespace L2TPSIM_FILE_ID {

TEST(TunName, PlaceholdersExpandToOrderTunnelAndSession) {
  EXPECT_EQ(expand_tun_name("l2tp{n}", 3, LinkKey{100, 2000}), "l2tp3");
  EXPECT_EQ(expand_tun_name("t{tunnel}s{session}", 1, LinkKey{100, 2000}), "t100s2000");
  EXPECT_EQ(expand_tun_name("l2tp0", 7, LinkKey{1, 2}), "l2tp0");
}

TEST(TunName, AFixedNameHasNoPlaceholder) {
  EXPECT_FALSE(tun_pattern_has_placeholder("l2tp0"));
  EXPECT_TRUE(tun_pattern_has_placeholder("l2tp{n}"));
  EXPECT_TRUE(tun_pattern_has_placeholder("x{tunnel}"));
  EXPECT_TRUE(tun_pattern_has_placeholder("x{session}"));
}

TEST(TunName, PatternsTheKernelCanUseAreAccepted) {
  EXPECT_TRUE(check_tun_pattern("l2tp0").has_value());
  EXPECT_TRUE(check_tun_pattern("l2tp{n}").has_value());
  EXPECT_TRUE(check_tun_pattern("t{tunnel}-{session}").has_value());
  EXPECT_TRUE(check_tun_pattern("fifteen-chars-x").has_value());  // IFNAMSIZ - 1
  // 14 literal characters and {n}: the shortest expansion fits.
  EXPECT_TRUE(check_tun_pattern("fourteen-chars{n}").has_value());
}

TEST(TunName, BadPatternsAreRefusedWithTheReason) {
  auto error_of = [](const std::string& p) {
    auto r = check_tun_pattern(p);
    return r.has_value() ? std::string("accepted") : r.error();
  };
  EXPECT_NE(error_of("").find("must not be empty"), std::string::npos);
  EXPECT_NE(error_of("sixteen-chars-xx").find("longer than 15"), std::string::npos);
  EXPECT_NE(error_of("fifteen-chars-x{n}").find("longer than 15"), std::string::npos);
  EXPECT_NE(error_of("l2tp{sesion}").find("placeholders are {n}, {tunnel} and {session}"), std::string::npos);
  EXPECT_NE(error_of("l2tp%d").find("cannot contain"), std::string::npos);
  EXPECT_NE(error_of("a/b").find("cannot contain"), std::string::npos);
  EXPECT_NE(error_of("a:1").find("cannot contain"), std::string::npos);
  EXPECT_NE(error_of("a b").find("cannot contain"), std::string::npos);
  EXPECT_NE(error_of("..").find("not an interface name"), std::string::npos);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::peers
