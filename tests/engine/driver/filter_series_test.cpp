// FilterSeries: what the node sends crosses the node-side filter first, what arrives crosses the
// wire-side filter first, and a datagram one stage drops never reaches the other.
#include "engine/driver/filter_series.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "engine/driver/pass_through_filter.hpp"

namespace l2tp {
namespace L2TPSIM_FILE_ID {

// Passes everything but datagrams whose first octet is `drop`, and logs what it took.
class Stage final : public PassThroughFilter {
 public:
  Stage(std::string name, std::vector<std::string>& log, std::uint8_t drop)
      : name_(std::move(name)), log_(log), drop_(drop) {}
  void take(WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst, Bytes bytes,
            Time) override {
    log_.push_back(name_ + (dir == WireDirection::Out ? " out " : " in ") + std::to_string(bytes[0]));
    if (bytes[0] != drop_) pass(dir, src, dst, bytes);
  }

 private:
  std::string name_;
  std::vector<std::string>& log_;
  std::uint8_t drop_;
};

struct Passed {
  WireDirection dir;
  std::uint8_t first;
};

std::vector<Passed> drain(FilterSeries& f) {
  std::vector<Passed> out;
  WireDirection dir{};
  net::Endpoint src, dst;
  Buffer bytes;
  while (f.poll(Time{}, dir, src, dst, bytes)) out.push_back({dir, bytes.at(0)});
  return out;
}

TEST(FilterSeries, OutCrossesTheNodeSideFirstAndInTheWireSideFirst) {
  std::vector<std::string> log;
  Stage wire("wire", log, 0xee), node("node", log, 0xff);
  FilterSeries series(wire, node);
  const net::Endpoint a, b;
  const Buffer out1{1}, in2{2};
  series.take(WireDirection::Out, a, b, out1, Time{});
  series.take(WireDirection::In, b, a, in2, Time{});
  const auto passed = drain(series);
  ASSERT_EQ(passed.size(), 2u);
  auto at = [&](const std::string& entry) { return std::find(log.begin(), log.end(), entry) - log.begin(); };
  ASSERT_EQ(log.size(), 4u);
  EXPECT_LT(at("node out 1"), at("wire out 1"));
  EXPECT_LT(at("wire in 2"), at("node in 2"));
  EXPECT_LT(at("node in 2"), 4);
  for (const auto& p : passed) EXPECT_EQ(p.dir, p.first == 1 ? WireDirection::Out : WireDirection::In);
}

TEST(FilterSeries, WhatOneStageDropsNeverReachesTheOther) {
  std::vector<std::string> log;
  Stage wire("wire", log, 0xee), node("node", log, 0xff);
  FilterSeries series(wire, node);
  const net::Endpoint a, b;
  const Buffer node_drops{0xff}, wire_drops{0xee}, fine{3};
  series.take(WireDirection::Out, a, b, node_drops, Time{});  // stops at the node side
  series.take(WireDirection::In, b, a, wire_drops, Time{});   // stops at the wire side
  series.take(WireDirection::In, b, a, fine, Time{});
  const auto passed = drain(series);
  ASSERT_EQ(passed.size(), 1u);
  EXPECT_EQ(passed[0].first, 3);
  EXPECT_EQ(passed[0].dir, WireDirection::In);
  EXPECT_EQ(log, (std::vector<std::string>{"node out 255", "wire in 238", "wire in 3", "node in 3"}));
  EXPECT_FALSE(series.poll_timeout().has_value());
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
