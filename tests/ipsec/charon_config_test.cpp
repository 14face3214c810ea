#include "ipsec/charon_config.hpp"

#include <gtest/gtest.h>

namespace l2tp::ipsec {
namespace L2TPSIM_FILE_ID {

TEST(CharonConfig, PrivateSocketLogAndPlugins) {
  CharonConfig c;
  c.run_dir = "/tmp/l2tpsim-charon-x";
  const auto conf = strongswan_conf(c);
  EXPECT_NE(conf.find("socket = unix:///tmp/l2tpsim-charon-x/charon.vici"), std::string::npos) << conf;
  EXPECT_NE(conf.find("path = /tmp/l2tpsim-charon-x/charon.log"), std::string::npos);
  EXPECT_NE(conf.find("load_modular = no"), std::string::npos);
  EXPECT_EQ(conf.find("kernel-libipsec"), std::string::npos);
  EXPECT_EQ(conf.find("include"), std::string::npos);  // nothing of /etc/strongswan.d
  c.userspace_esp = true;
  // libipsec's backend must come before kernel-netlink's to be the one charon uses.
  const auto tunnel = strongswan_conf(c);
  ASSERT_NE(tunnel.find("kernel-libipsec"), std::string::npos);
  EXPECT_LT(tunnel.find("kernel-libipsec"), tunnel.find("kernel-netlink"));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ipsec
