// The listing of conversations (capture/conversation_report): result code meanings as the
// reference table words them, and the text and JSON of the Windows/Cisco capture.
#include "capture/conversation_report.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "capture_test_util.hpp"

#ifndef L2TPSIM_SOURCE_DIR
#error "L2TPSIM_SOURCE_DIR must be defined"
#endif

namespace l2tp::capture {
namespace L2TPSIM_FILE_ID {

// reference/rfc2661_avps.tsv rows stopccn-result, cdn-result and error-code: the code and its
// meaning (last column), which the report must repeat word for word.
TEST(ConversationReport, ResultMeaningsMatchTheReferenceTable) {
  std::ifstream in(std::string(L2TPSIM_SOURCE_DIR) + "/reference/rfc2661_avps.tsv");
  ASSERT_TRUE(in);
  std::string line;
  std::size_t rows = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, '\t');) f.push_back(cell);
    if (f.size() < 3) continue;
    std::string_view (*meaning)(std::uint16_t) = nullptr;
    if (f[0] == "stopccn-result") meaning = stopccn_result_meaning;
    if (f[0] == "cdn-result") meaning = cdn_result_meaning;
    if (f[0] == "error-code") meaning = general_error_meaning;
    if (meaning == nullptr) continue;
    const auto code = static_cast<std::uint16_t>(std::stoi(f[2].substr(f[2].find_last_of(' ') + 1)));
    EXPECT_EQ(meaning(code), f.back()) << line;
    ++rows;
  }
  EXPECT_EQ(rows, 8u + 12u + 9u);
  EXPECT_EQ(cdn_result_meaning(12), "");
}

TEST(ConversationReport, DescribeResult) {
  EXPECT_EQ(
      describe_result(MessageType::StopCcn, avp::ResultCode{2, 4, "busy"}),
      "result 2 (General error; Error Code indicates the problem), error 4 (Insufficient resources to handle "
      "this operation now), message \"busy\"");
  // With Result Code 5 the Error Code is a version, not a general error (4.4.2).
  EXPECT_EQ(
      describe_result(MessageType::StopCcn, avp::ResultCode{5, 0x0100, {}}),
      "result 5 (Protocol version of the requester is not supported; Error Code carries the highest version "
      "supported), error 256");
  EXPECT_EQ(describe_result(MessageType::Cdn, avp::ResultCode{99, std::nullopt, {}}), "result 99");
}

TEST(ConversationReport, WindowsCiscoText) {
  auto r = read_conversations(test::data_file("jnetpcap-legacy_test-l2tp.pcap"));
  ASSERT_TRUE(r.has_value());
  const std::string text = conversations_text(r->conversations, "w.pcap");
  for (const char* part : {
           "w.pcap: 168 packets read, 168 L2TPv2 datagrams; 2 tunnels, 2 sessions\n",
           "tunnel 1: frames 1-44, 0.000-25.101 s (25.101 s)\n",
           "  LAC (guessed) 192.168.101.233:1701, Tunnel ID 1\n    sent 2 control, 0 retransmitted, 0 ZLB, "
           "20 data\n",
           "  replayable: no: starts mid-tunnel: no SCCRQ captured",
           "tunnel 2: frames 45-168, 71.172-129.637 s (58.465 s)\n",
           "  LAC 192.168.101.233:1701, Tunnel ID 2, host albatross.dev.hsd.com.au, vendor Microsoft, "
           "initiator\n",
           "  LNS 192.168.98.222:1701, Tunnel ID 3257, host lac@test2.hsd.com.au, vendor Cisco Systems, "
           "Inc.\n",
           "  control: LAC SCCRQ, LNS SCCRP, LAC SCCCN, LAC ICRQ, LNS ICRP, LAC ICCN, LAC CDN, LAC StopCCN\n",
           "  ended: StopCCN from the LAC in frame 167 at 129.531 s: result 6 (Requester is being shut "
           "down), error 0\n",
           "  replayable: yes (LAC and LNS sides)\n",
           "    user: markw (PAP)\n",
           "    ended: CDN from the LAC in frame 165 at 129.473 s: result 3 (Call disconnected for "
           "administrative "
           "reasons), error 0\n",
       })
    EXPECT_NE(text.find(part), std::string::npos) << "missing: " << part << "\nin:\n" << text;
}

TEST(ConversationReport, WindowsCiscoJson) {
  auto r = read_conversations(test::data_file("jnetpcap-legacy_test-l2tp.pcap"));
  ASSERT_TRUE(r.has_value());
  const auto j = conversations_json(r->conversations, "w.pcap");
  ASSERT_EQ(j["tunnels"].size(), 2u);
  const auto& t = j["tunnels"][1];
  EXPECT_EQ(t["replayable"], true);
  EXPECT_EQ(t["sides"][0]["role"], "LAC");
  EXPECT_EQ(t["sides"][0]["tunnel_id"], 2);
  EXPECT_EQ(t["sides"][1]["tunnel_id"], 3257);
  EXPECT_EQ(t["sides"][0]["data"], 65);
  EXPECT_EQ(t["stop"]["result"], 6);
  EXPECT_EQ(t["stop"]["by"], "LAC");
  EXPECT_EQ(t["messages"].size(), 14u);
  EXPECT_EQ(t["messages"][0]["type"], "SCCRQ");
  ASSERT_EQ(t["sessions"].size(), 1u);
  EXPECT_EQ(t["sessions"][0]["user"], "markw");
  EXPECT_EQ(t["sessions"][0]["sides"][1]["session_id"], 25);
  EXPECT_EQ(t["sessions"][0]["cdn"]["result"], 3);
  EXPECT_EQ(j["tunnels"][0]["replayable"], false);
  EXPECT_EQ(j["tunnels"][0]["roles_guessed"], true);
  EXPECT_EQ(j["counts"]["l2tpv2"], 168);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::capture
