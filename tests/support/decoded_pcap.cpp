#include "tests/support/decoded_pcap.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "tests/support/child_process.hpp"

namespace l2tp::testing {

std::vector<WireMessage> decode_pcap(const std::string& binary, const std::string& pcap, int port,
                                     const std::string& secret) {
  std::string cmd = binary + " decode --json " + pcap;
  if (port != 0) cmd += " --port 1701 --port " + std::to_string(port);
  if (!secret.empty()) cmd += " --secret " + secret;
  int st = 0;
  const std::string out = run_command(cmd, &st);
  EXPECT_EQ(st, 0) << cmd;
  std::vector<WireMessage> msgs;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || j.contains("summary")) continue;
    EXPECT_FALSE(j.contains("error")) << line;
    std::string name = j.value("msg_name", "");
    if (name.empty()) name = j.value("zlb", false) ? "ZLB" : "data";
    msgs.push_back({j.value("src", ""), j.value("dst", ""), name, j});
  }
  return msgs;
}

void expect_clean_in_tshark(const std::string& pcap, int port) {
  ASSERT_TRUE(have_tool("tshark")) << "tshark is required for this test (apt-get install tshark)";
  std::string base = "tshark -n -r " + pcap + " ";
  if (port != 0) base += "-d udp.port==" + std::to_string(port) + ",l2tp ";
  int st = 0;
  const std::string v = run_command(base + "-V 2>/dev/null", &st);
  EXPECT_EQ(st, 0);
  EXPECT_NE(v.find("Layer 2 Tunneling Protocol"), std::string::npos) << "tshark saw no L2TP in " << pcap;
  EXPECT_EQ(v.find("Malformed"), std::string::npos) << pcap;
  const std::string expert =
      run_command(base + "-Y _ws.expert -T fields -e frame.number -e _ws.expert.message 2>/dev/null");
  EXPECT_TRUE(expert.empty()) << "tshark expert info in " << pcap << ":\n" << expert;
}

void expect_clean_in_tshark_replayed(const std::string& pcap, int port) {
  ASSERT_TRUE(have_tool("tshark")) << "tshark is required for this test (apt-get install tshark)";
  std::string base = "tshark -n -r " + pcap + " ";
  if (port != 0) base += "-d udp.port==" + std::to_string(port) + ",l2tp ";
  int st = 0;
  const std::string v = run_command(base + "-V 2>/dev/null", &st);
  EXPECT_EQ(st, 0);
  EXPECT_NE(v.find("Layer 2 Tunneling Protocol"), std::string::npos) << "tshark saw no L2TP in " << pcap;
  EXPECT_EQ(v.find("Malformed"), std::string::npos) << pcap;
  // count(ip) > 1: an IP packet inside the tunnel's PPP.
  const std::string expert = run_command(
      base +
      "-Y '_ws.expert && !(count(ip) > 1)' -T fields -e frame.number -e _ws.expert.message 2>/dev/null");
  EXPECT_TRUE(expert.empty()) << "tshark expert info in " << pcap << ":\n" << expert;
  // The inner packets may carry their applications' notes and warnings (duplicate ACKs, as in
  // the capture they came from), never an error (0x00800000: PI_ERROR).
  const std::string errors = run_command(
      base +
      "-Y '_ws.expert.severity >= 0x00800000' -T fields -e frame.number -e _ws.expert.message 2>/dev/null");
  EXPECT_TRUE(errors.empty()) << "tshark expert errors in " << pcap << ":\n" << errors;
  // Checksum status 0 is Bad (1 Good).
  const std::string bad = run_command(
      base +
      "-o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE "
      "-Y 'count(ip) > 1 && (ip.checksum.status == 0 || tcp.checksum.status == 0 || udp.checksum.status == 0 "
      "|| icmp.checksum.status == 0)' -T fields -e frame.number 2>/dev/null");
  EXPECT_TRUE(bad.empty()) << "bad checksums in " << pcap << " frames:\n" << bad;
}

std::string expect_only_tester_frames_flagged(const std::string& pcap, int port, const std::string& tester) {
  EXPECT_TRUE(have_tool("tshark")) << "tshark is required for this test (apt-get install tshark)";
  std::string base = "tshark -n -r " + pcap + " ";
  if (port != 0) base += "-d udp.port==" + std::to_string(port) + ",l2tp ";
  const std::string flagged = run_command(base +
                                          "-Y '_ws.expert || _ws.malformed' -T fields -e frame.number -e "
                                          "ip.src -e _ws.expert.message 2>/dev/null");
  for (const auto& line : lines_of(flagged)) {
    const auto t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
    if (t1 == std::string::npos) continue;
    const std::string src = line.substr(t1 + 1, t2 == std::string::npos ? std::string::npos : t2 - t1 - 1);
    EXPECT_EQ(src, tester) << "a frame the device sent is flagged by tshark: " << line;
  }
  return flagged;
}

}  // namespace l2tp::testing
