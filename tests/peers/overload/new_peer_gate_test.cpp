#include "peers/overload/new_peer_gate.hpp"

#include <gtest/gtest.h>

namespace l2tp::peers {
namespace L2TPSIM_FILE_ID {

using std::chrono::milliseconds;

const Time t0{};
const auto flood = net::IpAddress::v4(127, 0, 22, 50);
const auto legit = net::IpAddress::v4(127, 0, 22, 2);

TEST(NewPeerGate, AdmitsEverythingBelowTheSoftCap) {
  NewPeerGate gate(
      NewPeerLimits{.soft_cap = 10, .hard_cap = 20, .per_source_rate = 1, .per_source_burst = 2});
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(gate.admit(flood, 9, t0));
  EXPECT_EQ(gate.admitted(), 1000u);
}

TEST(NewPeerGate, UnderPressureAFloodingSourceIsHeldToItsRateAndANewOneGetsIn) {
  NewPeerGate gate(
      NewPeerLimits{.soft_cap = 10, .hard_cap = 1000, .per_source_rate = 10, .per_source_burst = 5});
  for (int i = 0; i < 100; ++i) gate.admit(flood, 0, t0);  // spent before the pressure began
  EXPECT_FALSE(gate.admit(flood, 10, t0));
  EXPECT_TRUE(gate.admit(legit, 10, t0));
  // A second at 1000 datagrams a second: about the bucket's rate gets in, far below the flood.
  int in = 0;
  for (int i = 1; i <= 1000; ++i) in += gate.admit(flood, 10, t0 + milliseconds(i));
  EXPECT_LE(in, 10);
  EXPECT_TRUE(gate.admit(legit, 10, t0 + milliseconds(1000)));
}

TEST(NewPeerGate, AtTheHardCapOnlyQuietSourcesGetIn) {
  NewPeerGate gate(
      NewPeerLimits{.soft_cap = 10, .hard_cap = 20, .per_source_rate = 1, .per_source_burst = 4});
  EXPECT_TRUE(gate.admit(legit, 20, t0));  // quiet: a full bucket
  EXPECT_FALSE(gate.admit(legit, 20, t0 + milliseconds(1)));
  EXPECT_TRUE(gate.admit(legit, 15, t0 + milliseconds(2)));           // below the hard cap a token is enough
  EXPECT_TRUE(gate.admit(legit, 20, t0 + std::chrono::seconds(10)));  // quiet again
}

TEST(NewPeerGate, ForgetsQuietSources) {
  NewPeerGate gate(
      NewPeerLimits{.soft_cap = 1, .hard_cap = 2, .per_source_rate = 100, .per_source_burst = 1});
  for (unsigned i = 0; i < 5000; ++i)
    gate.admit(net::IpAddress::v4(127, 1, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)), 0,
               t0 + milliseconds(i));
  EXPECT_LT(gate.sources(), 4096u);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::peers
