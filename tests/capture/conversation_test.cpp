// Conversation extraction (capture/conversation) on the public captures in tests/data/captures,
// with the numbers checked against tshark's view of them.
#include "capture/conversation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "capture_test_util.hpp"

namespace l2tp::capture {
namespace L2TPSIM_FILE_ID {

using namespace test;  // NOLINT: test helpers

const std::string kWindowsCisco = "jnetpcap-legacy_test-l2tp.pcap";
const Endpoint kWindows{IpAddress::v4(192, 168, 101, 233), 1701};
const Endpoint kCisco{IpAddress::v4(192, 168, 98, 222), 1701};

Conversations read(const std::string& name) {
  auto r = read_conversations(data_file(name));
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error());
  if (!r) return {};
  EXPECT_EQ(r->read_error, "") << name;
  return std::move(r->conversations);
}

bool has_note(const std::vector<std::string>& notes, const std::string& part) {
  return std::any_of(notes.begin(), notes.end(),
                     [&](const std::string& n) { return n.find(part) != std::string::npos; });
}

std::string all_notes(const std::vector<std::string>& notes) {
  std::string out;
  for (const auto& n : notes) out += "\n  " + n;
  return out;
}

std::vector<std::string> types(const Tunnel& t) {
  std::vector<std::string> out;
  for (const MessageRef& r : t.control_order) out.push_back(t.at(r).type_name());
  return out;
}

std::vector<std::uint64_t> frames_of(const TunnelSide& s) {
  std::vector<std::uint64_t> out;
  for (const ControlRecord& r : s.control) out.push_back(r.frame);
  return out;
}

void expect_counts(const TunnelSide& s, std::size_t control, std::size_t retransmissions, std::size_t zlbs,
                   std::size_t data) {
  EXPECT_EQ(s.counts.control, control);
  EXPECT_EQ(s.counts.retransmissions, retransmissions);
  EXPECT_EQ(s.counts.zlbs, zlbs);
  EXPECT_EQ(s.counts.data, data);
}

// The Windows LAC / Cisco LNS capture: the end of an old tunnel (data, CDN, StopCCN: frames
// 1-44), then a whole new tunnel (frames 45-168). Every number below was read with tshark:
//   tshark -r jnetpcap-legacy_test-l2tp.pcap -Y l2tp -T fields -e frame.number -e ip.src
//     -e l2tp.type -e l2tp.tunnel -e l2tp.session -e l2tp.Ns -e l2tp.Nr -e l2tp.avp.message_type
//     -e l2tp.avp.assigned_tunnel_id -e l2tp.avp.assigned_session_id -e l2tp.result_code
//     -e l2tp.avp.error_code -e pap.peer_id
TEST(ConversationCaptures, WindowsCiscoHasTwoTunnels) {
  const Conversations c = read(kWindowsCisco);
  EXPECT_EQ(c.counts.packets, 168u);
  EXPECT_EQ(c.counts.l2tpv2, 168u);
  EXPECT_EQ(c.counts.unattributed, 0u);
  EXPECT_EQ(c.counts.l2tpv3, 0u);
  EXPECT_TRUE(c.notes.empty()) << all_notes(c.notes);
  ASSERT_EQ(c.tunnels.size(), 2u);
}

TEST(ConversationCaptures, WindowsCiscoOldTunnelIsOnlyItsEnd) {
  const Conversations c = read(kWindowsCisco);
  ASSERT_EQ(c.tunnels.size(), 2u);
  const Tunnel& t = c.tunnels[0];
  EXPECT_EQ(t.first_frame, 1u);
  EXPECT_EQ(t.last_frame, 44u);
  // Windows sends with Tunnel ID 56152 / Session 24 (Cisco's), Cisco with 1 / 1 (Windows's); the
  // StopCCN in frame 43 carries Windows's Assigned Tunnel ID 1 and so pairs the directions.
  EXPECT_EQ(t.sides[0].endpoint, kWindows);
  EXPECT_EQ(t.sides[0].tunnel_id, TunnelId{1});
  EXPECT_EQ(t.sides[1].endpoint, kCisco);
  EXPECT_EQ(t.sides[1].tunnel_id, TunnelId{56152});
  EXPECT_TRUE(has_note(t.notes, "Assigned Tunnel ID of the StopCCN in frame 43")) << all_notes(t.notes);
  // Nothing here says who is the LAC: borrowed from the next tunnel, and said to be a guess.
  EXPECT_EQ(t.sides[0].role, PeerRole::Lac);
  EXPECT_EQ(t.sides[1].role, PeerRole::Lns);
  EXPECT_TRUE(t.role_guessed);
  EXPECT_TRUE(has_note(t.notes, "roles guessed from tunnel 2")) << all_notes(t.notes);
  EXPECT_FALSE(t.has_sccrq || t.has_sccrp || t.has_scccn);
  EXPECT_FALSE(t.replayable);
  EXPECT_EQ(t.not_replayable.rfind("starts mid-tunnel: no SCCRQ captured", 0), 0u) << t.not_replayable;
  EXPECT_FALSE(t.sides[0].playable || t.sides[1].playable);
  EXPECT_TRUE(has_note(t.notes, "starts mid-tunnel")) << all_notes(t.notes);
  // Frames 1-40 are data, 20 each way; Windows sends CDN (41) and StopCCN (43), Cisco ZLBs.
  expect_counts(t.sides[0], 2, 0, 0, 20);
  expect_counts(t.sides[1], 0, 0, 2, 20);
  EXPECT_EQ(types(t), (std::vector<std::string>{"CDN", "ZLB", "StopCCN", "ZLB"}));
  EXPECT_EQ(frames_of(t.sides[0]), (std::vector<std::uint64_t>{41, 43}));
  EXPECT_EQ(frames_of(t.sides[1]), (std::vector<std::uint64_t>{42, 44}));
  ASSERT_TRUE(t.stop);
  EXPECT_EQ(t.stop->side, 0);
  EXPECT_EQ(t.stop->frame, 43u);
  ASSERT_TRUE(t.stop->result);
  EXPECT_EQ(t.stop->result->result, 6);  // requester is being shut down
  EXPECT_EQ(t.stop->result->error, std::optional<std::uint16_t>(0));

  ASSERT_EQ(t.sessions.size(), 1u);
  const Session& s = t.sessions[0];
  EXPECT_EQ(s.id[0], SessionId{1});
  EXPECT_EQ(s.id[1], SessionId{24});
  EXPECT_FALSE(s.opened_by);
  EXPECT_TRUE(has_note(s.notes, "starts mid-call")) << all_notes(s.notes);
  EXPECT_EQ(s.ppp_count[0], 20u);
  EXPECT_EQ(s.ppp_count[1], 20u);
  EXPECT_EQ(s.user, "");
  ASSERT_TRUE(s.cdn);
  EXPECT_EQ(s.cdn->side, 0);
  EXPECT_EQ(s.cdn->frame, 41u);
  ASSERT_TRUE(s.cdn->result);
  EXPECT_EQ(s.cdn->result->result, 3);  // administrative
  EXPECT_EQ(s.cdn->result->error, std::optional<std::uint16_t>(0));
  EXPECT_EQ(s.first_frame, 1u);
  EXPECT_EQ(s.last_frame, 41u);
}

TEST(ConversationCaptures, WindowsCiscoNewTunnelIsWhole) {
  const Conversations c = read(kWindowsCisco);
  ASSERT_EQ(c.tunnels.size(), 2u);
  const Tunnel& t = c.tunnels[1];
  EXPECT_EQ(t.first_frame, 45u);
  EXPECT_EQ(t.last_frame, 168u);
  const TunnelSide& lac = t.sides[0];
  const TunnelSide& lns = t.sides[1];
  EXPECT_EQ(lac.endpoint, kWindows);
  EXPECT_EQ(lac.tunnel_id, TunnelId{2});  // SCCRQ frame 45
  EXPECT_EQ(lac.role, PeerRole::Lac);     // it sent ICRQ and ICCN
  EXPECT_EQ(lac.host_name, "albatross.dev.hsd.com.au");
  EXPECT_EQ(lac.vendor_name, "Microsoft");
  EXPECT_EQ(lns.endpoint, kCisco);
  EXPECT_EQ(lns.tunnel_id, TunnelId{3257});  // SCCRP frame 46
  EXPECT_EQ(lns.role, PeerRole::Lns);
  EXPECT_EQ(lns.host_name, "lac@test2.hsd.com.au");
  EXPECT_EQ(lns.vendor_name, "Cisco Systems, Inc.");
  EXPECT_FALSE(t.role_guessed);
  EXPECT_FALSE(t.sccrq_target);
  EXPECT_TRUE(t.has_sccrq && t.has_sccrp && t.has_scccn);
  EXPECT_TRUE(t.replayable);
  EXPECT_TRUE(lac.playable) << lac.not_playable;
  EXPECT_TRUE(lns.playable) << lns.not_playable;
  EXPECT_TRUE(t.notes.empty()) << all_notes(t.notes);

  EXPECT_EQ(types(t), (std::vector<std::string>{"SCCRQ", "SCCRP", "SCCCN", "ICRQ", "ZLB", "ZLB", "ICRP",
                                                "ICCN", "ZLB", "ZLB", "CDN", "ZLB", "StopCCN", "ZLB"}));
  EXPECT_EQ(frames_of(lac), (std::vector<std::uint64_t>{45, 47, 48, 49, 52, 53, 165, 167}));
  EXPECT_EQ(frames_of(lns), (std::vector<std::uint64_t>{46, 50, 51, 55, 166, 168}));
  expect_counts(lac, 6, 0, 2, 65);
  expect_counts(lns, 2, 0, 4, 45);
  // Ns/Nr as sent: SCCRQ 0/0, SCCCN 1/1, ICRQ 2/1; Cisco's ICRP 1/3.
  EXPECT_EQ(lac.control[1].message.header.ns, Seq{1});
  EXPECT_EQ(lac.control[1].message.header.nr, Seq{1});
  EXPECT_EQ(lns.control[2].message.header.ns, Seq{1});
  EXPECT_EQ(lns.control[2].message.header.nr, Seq{3});

  // Tunnel authentication: a Challenge in the SCCRP, its Response in the SCCCN, kept as sent.
  const ControlRecord& sccrp = lns.control[0];
  ASSERT_TRUE(sccrp.is(MessageType::Sccrp));
  EXPECT_NE(sccrp.message.find(AvpType::Challenge), nullptr);
  const ControlRecord& scccn = lac.control[1];
  ASSERT_TRUE(scccn.is(MessageType::Scccn));
  EXPECT_NE(scccn.message.find(AvpType::ChallengeResponse), nullptr);

  ASSERT_TRUE(t.stop);
  EXPECT_EQ(t.stop->side, 0);
  EXPECT_EQ(t.stop->frame, 167u);
  ASSERT_TRUE(t.stop->result);
  EXPECT_EQ(t.stop->result->result, 6);
  EXPECT_EQ(t.stop->result->error, std::optional<std::uint16_t>(0));

  ASSERT_EQ(t.sessions.size(), 1u);
  const Session& s = t.sessions[0];
  EXPECT_EQ(s.id[0], SessionId{1});   // ICRQ frame 48
  EXPECT_EQ(s.id[1], SessionId{25});  // ICRP frame 51
  EXPECT_EQ(s.opened_by, std::optional<MessageType>(MessageType::Icrq));
  EXPECT_EQ(s.opener, 0);
  EXPECT_TRUE(s.connected);
  EXPECT_EQ(s.user, "markw");
  EXPECT_EQ(s.user_from, "PAP");
  EXPECT_EQ(s.ppp_count[0], 65u);
  EXPECT_EQ(s.ppp_count[1], 45u);
  std::vector<std::uint64_t> calls;
  for (const MessageRef& r : s.calls) calls.push_back(t.at(r).frame);
  EXPECT_EQ(calls, (std::vector<std::uint64_t>{48, 51, 52, 165}));
  ASSERT_TRUE(s.cdn);
  EXPECT_EQ(s.cdn->side, 0);
  EXPECT_EQ(s.cdn->frame, 165u);
  ASSERT_TRUE(s.cdn->result);
  EXPECT_EQ(s.cdn->result->result, 3);
  EXPECT_EQ(s.first_frame, 48u);
  EXPECT_EQ(s.last_frame, 165u);
  // Data messages keep their header: Windows sets the L bit, Cisco the P bit on LCP.
  ASSERT_FALSE(s.ppp.empty());
  EXPECT_TRUE(s.ppp.front().header.has_length);
  EXPECT_EQ(s.ppp.front().protocol, std::optional<std::uint16_t>(0xc021));
}

// What a replayer resends: each AVP's octets exactly as captured (flags, vendor, type, value),
// which put together after the header give the captured message back.
TEST(ConversationCaptures, WindowsCiscoAvpsKeepTheirOctets) {
  const Conversations c = read(kWindowsCisco);
  ASSERT_EQ(c.tunnels.size(), 2u);
  for (const Tunnel& t : c.tunnels)
    for (const TunnelSide& side : t.sides)
      for (const ControlRecord& r : side.control) {
        EXPECT_FALSE(r.error) << "frame " << r.frame;
        Buffer rebuilt(r.bytes.begin(), r.bytes.begin() + r.message.header.header_size);
        for (std::size_t i = 0; i < r.message.avps.size(); ++i) {
          const Bytes b = r.avp_bytes(i);
          ASSERT_EQ(b.size(), r.message.avps[i].wire_length) << "frame " << r.frame;
          rebuilt.insert(rebuilt.end(), b.begin(), b.end());
        }
        EXPECT_EQ(rebuilt, r.bytes) << "frame " << r.frame;
      }
}

// The frames of each side and the PAP user, as tshark sees them.
TEST(ConversationCaptures, WindowsCiscoAgreesWithTshark) {
  if (!have_tshark()) return;
  const Conversations c = read(kWindowsCisco);
  ASSERT_EQ(c.tunnels.size(), 2u);
  const std::string file = data_file(kWindowsCisco);
  auto frames = [&](const std::string& filter) {
    std::vector<std::uint64_t> out;
    for (const auto& line : lines_of(
             run_command("tshark -n -r '" + file + "' -Y '" + filter + "' -T fields -e frame.number").out))
      out.push_back(std::stoull(line));
    return out;
  };
  for (std::size_t i = 0; i < 2; ++i) {
    const Tunnel& t = c.tunnels[i];
    const std::string span = "frame.number >= " + std::to_string(t.first_frame) +
                             " && frame.number <= " + std::to_string(t.last_frame);
    for (std::uint8_t s = 0; s < 2; ++s) {
      const std::string from = "ip.src == " + t.sides[s].endpoint.addr.to_string() + " && " + span;
      EXPECT_EQ(frames_of(t.sides[s]), frames("l2tp.type == 1 && " + from))
          << "tunnel " << i + 1 << " side " << +s;
      EXPECT_EQ(t.sides[s].counts.data, frames("l2tp.type == 0 && " + from).size()) << "tunnel " << i + 1;
    }
  }
  const auto pap = run_command("tshark -n -r '" + file + "' -Y 'pap.code == 1' -T fields -e pap.peer_id").out;
  EXPECT_EQ(pap, "markw\n");
}

TEST(ConversationCaptures, IpsecCaptureHasNothingToExtract) {
  const Conversations c = read("flowcontainer_l2tp.pcap");
  EXPECT_TRUE(c.tunnels.empty());
  EXPECT_EQ(c.counts.l2tpv2, 0u);
  EXPECT_EQ(c.counts.ipsec, 2350u);  // 2342 ESP, 4 IKE, 4 NAT-T keepalives: UDP 500 or 4500
  EXPECT_TRUE(has_note(c.notes, "IPsec")) << all_notes(c.notes);
  EXPECT_TRUE(has_note(c.notes, "no L2TPv2")) << all_notes(c.notes);
}

TEST(ConversationCaptures, L2tpv3IsCountedNotExtracted) {
  const Conversations c = read("xdp2_l2tp.pcap");
  EXPECT_TRUE(c.tunnels.empty());
  EXPECT_EQ(c.counts.l2tpv3, 25u);  // tshark: 25 frames eth:ethertype:ip:l2tp
  EXPECT_TRUE(has_note(c.notes, "25 L2TPv3 packets")) << all_notes(c.notes);
}

// Four data messages, two each way, of one session: nothing ties the directions but their
// addresses, and the notes say so.
TEST(ConversationCaptures, DataOnlyCaptureIsPairedByAddressAndSaysSo) {
  const Conversations c = read("xdp2_l7_l2tp.pcap");
  ASSERT_EQ(c.tunnels.size(), 1u);
  const Tunnel& t = c.tunnels[0];
  EXPECT_EQ(t.sides[0].tunnel_id, TunnelId{1527});
  EXPECT_EQ(t.sides[1].tunnel_id, TunnelId{18994});
  EXPECT_TRUE(has_note(t.notes, "paired by their addresses only")) << all_notes(t.notes);
  EXPECT_TRUE(has_note(t.notes, "roles unknown")) << all_notes(t.notes);
  EXPECT_EQ(t.sides[0].role, PeerRole::Unknown);
  EXPECT_FALSE(t.replayable);
  ASSERT_EQ(t.sessions.size(), 1u);
  EXPECT_EQ(t.sessions[0].id[0], SessionId{8298});
  EXPECT_EQ(t.sessions[0].id[1], SessionId{54110});
  EXPECT_EQ(t.sessions[0].ppp_count[0], 2u);
  EXPECT_EQ(t.sessions[0].ppp_count[1], 2u);
}

TEST(ConversationCaptures, OneDataMessageIsOneDirectionOfATunnel) {
  const Conversations c = read("packetnet_l2tp.pcap");
  ASSERT_EQ(c.tunnels.size(), 1u);
  const Tunnel& t = c.tunnels[0];
  EXPECT_TRUE(has_note(t.notes, "one direction only")) << all_notes(t.notes);
  EXPECT_FALSE(t.replayable);
  ASSERT_EQ(t.sessions.size(), 1u);
  ASSERT_EQ(t.sessions[0].ppp.size(), 1u);
  const PppRecord& p = t.sessions[0].ppp[0];
  EXPECT_TRUE(p.header.has_offset);  // O and P bits (README)
  EXPECT_TRUE(p.header.priority);
  EXPECT_EQ(p.protocol, std::optional<std::uint16_t>(0xc021));
}

// The fuzzed reproducer: truncated control frames with broken AVPs. Nothing crashes, nothing
// is replayable, and the truncation is said.
TEST(ConversationCaptures, TruncatedFuzzedFramesAreNotedNotReplayed) {
  const Conversations c = read("tcpdump_l2tp-avp-overflow.pcap");
  EXPECT_EQ(c.counts.l2tpv2, 16u);
  EXPECT_EQ(c.counts.truncated, 16u);
  EXPECT_TRUE(has_note(c.notes, "cut short by the capture")) << all_notes(c.notes);
  for (const Tunnel& t : c.tunnels) {
    EXPECT_FALSE(t.replayable);
    EXPECT_GT(t.truncated, 0u);
  }
}

TEST(ConversationCaptures, UnreadableFileIsAnErrorNamingIt) {
  auto r = read_conversations("/nonexistent/capture.pcap");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().find("/nonexistent/capture.pcap"), std::string::npos) << r.error();
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::capture
