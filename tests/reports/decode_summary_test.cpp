#include "reports/decode_summary.hpp"

#include <gtest/gtest.h>

namespace l2tp::reports {
namespace L2TPSIM_FILE_ID {

PacketRecord control(std::string src, std::string dst, std::uint16_t tunnel, std::uint16_t session,
                     std::optional<std::uint16_t> assigned_tunnel,
                     std::optional<std::uint16_t> assigned_session) {
  PacketRecord r;
  r.kind = PacketKind::L2tpv2;
  r.control = true;
  r.msg_type = 1;
  r.src_addr = std::move(src);
  r.dst_addr = std::move(dst);
  r.tunnel = tunnel;
  r.session = session;
  r.assigned_tunnel = assigned_tunnel;
  r.assigned_session = assigned_session;
  return r;
}

TEST(DecodeSummary, PairsTunnelAndSessionIdsAcrossDirections) {
  DecodeSummary s;
  s.add(control("lac", "lns", 0, 0, 10, std::nullopt));             // SCCRQ: LAC's ID 10
  s.add(control("lns", "lac", 10, 0, 20, std::nullopt));            // SCCRP: LNS's ID 20
  s.add(control("lac", "lns", 20, 0, std::nullopt, 5));             // ICRQ: LAC session 5
  s.add(control("lns", "lac", 10, 5, std::nullopt, 6));             // ICRP: LNS session 6
  s.add(control("lac", "lns", 20, 6, std::nullopt, std::nullopt));  // ICCN
  EXPECT_EQ(s.tunnels(), 1u);
  EXPECT_EQ(s.sessions(), 1u);
  s.add(control("lac", "lns", 20, 0, std::nullopt, 7));  // a second ICRQ
  EXPECT_EQ(s.sessions(), 2u);
  s.add(control("lac2", "lns", 0, 0, 10, std::nullopt));  // another LAC reusing ID 10
  EXPECT_EQ(s.tunnels(), 2u);
}

TEST(DecodeSummary, CountsMessagesAndViolations) {
  DecodeSummary s;
  auto r = control("a", "b", 1, 0, std::nullopt, std::nullopt);
  r.violations.push_back({Rule::R039, std::nullopt, "x"});
  s.add(r);
  PacketRecord zlb = control("b", "a", 1, 0, std::nullopt, std::nullopt);
  zlb.zlb = true;
  zlb.msg_type.reset();
  s.add(zlb);
  const auto j = s.to_json()["summary"];
  EXPECT_EQ(j["packets"], 2);
  EXPECT_EQ(j["zlb"], 1);
  EXPECT_EQ(j["messages"]["SCCRQ"], 1);
  EXPECT_EQ(j["violations_by_rule"]["R039"], 1);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::reports
