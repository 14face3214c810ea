// Link layers, IP and transport decoding, fed through pcap files (PcapReader) or FrameDecoder directly.
#include "capture/frame_decoder.hpp"

#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <random>
#include <vector>

#include "capture_test_util.hpp"

namespace l2tp::capture {
namespace L2TPSIM_FILE_ID {

using namespace test;  // NOLINT: test helpers

TEST(FrameDecoder, VlanTagsAreSkipped) {
  const Buffer tagged = ethernet(
      0x88a8, concat({bytes_of({0, 10, 0x81, 0x00, 0, 20, 0x91, 0x00, 0, 30, 0x08, 0x00}), l2tp_v4()}));
  const Buffer single = ethernet(0x8100, concat({bytes_of({0x20, 5, 0x86, 0xdd}), l2tp_v6()}));
  const auto read = read_frames(DLT_EN10MB, {tagged, single});
  ASSERT_EQ(read.packets.size(), 2u);
  expect_l2tp_payload(read.packets[0], 1);
  expect_l2tp_payload(read.packets[1], 2);
}

Buffer pppoe(Bytes ppp, int length = -1) {
  Buffer out = bytes_of({0x11, 0x00, 0x3b, 0x1a});
  Writer(out).u16(static_cast<std::uint16_t>(length >= 0 ? length : ppp.size()));
  return concat({out, ppp});
}

TEST(FrameDecoder, PppoeSessionCarriesIpv4AndIpv6) {
  const Buffer v4 = ethernet(0x8864, pppoe(concat({bytes_of({0x00, 0x21}), l2tp_v4()})));
  const Buffer v6 = ethernet(0x8864, pppoe(concat({bytes_of({0x00, 0x57}), l2tp_v6()})));
  const Buffer compressed = ethernet(0x8864, pppoe(concat({bytes_of({0x21}), l2tp_v4()})));
  Buffer trailer = ethernet(0x8864, pppoe(concat({bytes_of({0x00, 0x21}), l2tp_v4()})));
  trailer.resize(trailer.size() + 9, 0);  // bytes past the PPPoE length
  const Buffer lcp = ethernet(0x8864, pppoe(bytes_of({0xc0, 0x21, 9, 1, 0, 8, 0, 0, 0, 0})));
  const Buffer discovery = ethernet(0x8863, bytes_of({0x11, 0x09, 0, 0, 0, 0}));
  const Buffer vlan_pppoe = ethernet(
      0x8100, concat({bytes_of({0, 7, 0x88, 0x64}), pppoe(concat({bytes_of({0x00, 0x21}), l2tp_v4()}))}));
  const auto read = read_frames(DLT_EN10MB, {v4, v6, compressed, trailer, lcp, discovery, vlan_pppoe});
  ASSERT_EQ(read.packets.size(), 5u);
  expect_l2tp_payload(read.packets[0], 1);
  expect_l2tp_payload(read.packets[1], 2);
  expect_l2tp_payload(read.packets[2], 3);
  expect_l2tp_payload(read.packets[3], 4);
  expect_l2tp_payload(read.packets[4], 7);
  EXPECT_EQ(read.stats.skipped_non_ip, 2u);
}

TEST(FrameDecoder, LinuxCookedV1AndV2) {
  // v1: packet type, ARPHRD_ETHER, address length, address[8], protocol
  const Buffer sll = concat({bytes_of({0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00}), l2tp_v4()});
  const Buffer sll_v6 = concat({bytes_of({0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x86, 0xdd}), l2tp_v6()});
  const Buffer sll_arp =
      concat({bytes_of({0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x06}), pattern(28)});
  auto read = read_frames(DLT_LINUX_SLL, {sll, sll_v6, sll_arp});
  EXPECT_EQ(read.link_type, DLT_LINUX_SLL);
  ASSERT_EQ(read.packets.size(), 2u);
  expect_l2tp_payload(read.packets[0], 1);
  expect_l2tp_payload(read.packets[1], 2);
  EXPECT_EQ(read.stats.skipped_non_ip, 1u);

  // v2: protocol, reserved, interface index, ARPHRD, packet type, address length, address[8]
  const Buffer sll2 =
      concat({bytes_of({0x08, 0x00, 0, 0, 0, 0, 0, 3, 0, 1, 4, 6, 2, 0, 0, 0, 0, 1, 0, 0}), l2tp_v4()});
  read = read_frames(DLT_LINUX_SLL2, {sll2});
  EXPECT_EQ(read.link_type, DLT_LINUX_SLL2);
  ASSERT_EQ(read.packets.size(), 1u);
  expect_l2tp_payload(read.packets[0], 1);
}

TEST(FrameDecoder, RawIpLinkTypes) {
  auto read = read_frames(101, {l2tp_v4(), l2tp_v6(), bytes_of({0x50, 0, 0, 0})});
  EXPECT_EQ(read.link_type, DLT_RAW);
  ASSERT_EQ(read.packets.size(), 2u);
  expect_l2tp_payload(read.packets[1], 2);
  EXPECT_EQ(read.stats.malformed, 1u) << "version 5";

  read = read_frames(228, {l2tp_v4(), l2tp_v6()});  // LINKTYPE_IPV4 holding an IPv6 packet
  ASSERT_EQ(read.packets.size(), 1u);
  EXPECT_EQ(read.stats.malformed, 1u);
  read = read_frames(229, {l2tp_v6()});
  ASSERT_EQ(read.packets.size(), 1u);
  EXPECT_TRUE(read.packets[0].src.addr.v6);
}

TEST(FrameDecoder, LoopbackNullAndLoop) {
  // DLT_NULL: host byte order of the capturing machine (either); DLT_LOOP: network order.
  auto read = read_frames(
      DLT_NULL, {concat({bytes_of({2, 0, 0, 0}), l2tp_v4()}), concat({bytes_of({0, 0, 0, 2}), l2tp_v4()}),
                 concat({bytes_of({24, 0, 0, 0}), l2tp_v6()}), concat({bytes_of({28, 0, 0, 0}), l2tp_v6()}),
                 concat({bytes_of({0, 0, 0, 30}), l2tp_v6()}), concat({bytes_of({99, 0, 0, 0}), l2tp_v4()}),
                 bytes_of({2, 0})});
  EXPECT_EQ(read.packets.size(), 5u);
  EXPECT_EQ(read.stats.skipped_non_ip, 1u);
  EXPECT_EQ(read.stats.malformed, 1u);
  read = read_frames(
      DLT_LOOP, {concat({bytes_of({0, 0, 0, 2}), l2tp_v4()}), concat({bytes_of({0, 0, 0, 30}), l2tp_v6()})});
  EXPECT_EQ(read.link_type, DLT_LOOP);
  ASSERT_EQ(read.packets.size(), 2u);
  expect_l2tp_payload(read.packets[1], 2);
}

TEST(FrameDecoder, Ipv4OptionsAreSkipped) {
  Ipv4Options options;
  options.ip_options = bytes_of({0x94, 0x04, 0, 0, 0x01, 0x01, 0x01, 0x00});  // router alert, NOPs, EOL
  const auto read = read_frames(101, {ipv4(kA, kB, 17, udp(1701, 1701, kPayload), options)});
  ASSERT_EQ(read.packets.size(), 1u);
  expect_l2tp_payload(read.packets[0], 1);
}

TEST(FrameDecoder, Ipv6ExtensionHeadersAreSkipped) {
  const IpAddress a = v6("2001:db8::1"), b = v6("2001:db8::2");
  const Buffer chain = concat({ipv6_ext(43, 0), ipv6_ext(60, 1), ipv6_ext(17, 0), udp(1, 1701, kPayload)});
  const Buffer atomic = concat({ipv6_fragment_header(17, 0, false, 99), udp(1, 1701, kPayload)});
  const Buffer to_tcp = concat({ipv6_ext(6, 0), pattern(20)});
  const Buffer runs_off = bytes_of({17, 200, 0, 0, 0, 0, 0, 0});  // claims 1608 bytes
  const auto read = read_frames(
      101, {ipv6(a, b, 0, chain), ipv6(a, b, 44, atomic), ipv6(a, b, 0, to_tcp), ipv6(a, b, 60, runs_off)});
  ASSERT_EQ(read.packets.size(), 2u);
  expect_l2tp_payload(read.packets[0], 1);
  expect_l2tp_payload(read.packets[1], 2);
  EXPECT_EQ(read.stats.skipped_other_proto, 1u);
  EXPECT_EQ(read.stats.malformed, 1u);
}

TEST(FrameDecoder, L2tpv3OverIpIsRecognised) {
  const Buffer session = bytes_of({0, 0, 0x96, 0x52, 1, 2, 3, 4});
  const auto read = read_frames(DLT_EN10MB, {ethernet(0x0800, ipv4(kA, kB, 115, session)),
                                             ethernet(0x86dd, ipv6(v6("::1"), v6("::2"), 115, session))});
  ASSERT_EQ(read.packets.size(), 2u);
  for (const auto& p : read.packets) {
    EXPECT_EQ(p.transport, Transport::L2tpv3Ip);
    EXPECT_EQ(p.payload, session);
    EXPECT_EQ(p.wire_length, session.size());
    EXPECT_EQ(p.src.port, 0);
    EXPECT_EQ(p.dst.port, 0);
  }
  EXPECT_EQ(read.packets[0].src.addr, kA);
  EXPECT_EQ(read.stats.l2tpv3_ip, 2u);
  EXPECT_EQ(read.stats.udp, 0u);
}

// IPv4 fragments of one UDP datagram: [0, 16), [16, 32), [32, end), as raw IP frames.
std::vector<Buffer> ipv4_fragments(const Buffer& udp_datagram, std::uint16_t id, std::uint8_t protocol = 17) {
  std::vector<Buffer> out;
  for (std::size_t start : {0u, 16u, 32u}) {
    const std::size_t end = start == 32 ? udp_datagram.size() : start + 16;
    Ipv4Options o;
    o.id = id;
    o.flags_offset = static_cast<std::uint16_t>((start / 8) | (end < udp_datagram.size() ? 0x2000 : 0));
    out.push_back(ipv4(kA, kB, protocol, Bytes(udp_datagram).subspan(start, end - start), o));
  }
  return out;
}

TEST(FrameDecoder, Ipv4FragmentsOutOfOrderAreReassembled) {
  const Buffer datagram = udp(1701, 1701, pattern(100));
  const auto f = ipv4_fragments(datagram, 0x4242);
  std::vector<PcapRecord> recs{{f[2], 10, 0}, {l2tp_v4(), 11, 0}, {f[0], 12, 0}, {f[1], 13, 5}};
  const auto read = read_bytes(pcap_file(101, recs));
  ASSERT_EQ(read.packets.size(), 2u);
  expect_l2tp_payload(read.packets[0], 2);
  const CapturedPacket& p = read.packets[1];
  EXPECT_TRUE(p.reassembled);
  EXPECT_EQ(p.frame, 4u) << "frame of the last fragment to arrive";
  EXPECT_EQ(p.time_ns, 13'000'005'000);
  EXPECT_EQ(p.payload, pattern(100));
  EXPECT_EQ(p.wire_length, 100u);
  EXPECT_EQ(read.stats.fragments, 3u);
  EXPECT_EQ(read.stats.reassembled, 1u);
  EXPECT_EQ(read.stats.udp, 1u);
  EXPECT_EQ(read.stats.incomplete_fragments, 0u);
  EXPECT_EQ(category_sum(read.stats), read.stats.frames);
}

TEST(FrameDecoder, Ipv6FragmentsAreReassembled) {
  const IpAddress a = v6("2001:db8::1"), b = v6("2001:db8::2");
  // The fragmentable part starts with a destination options header, then UDP.
  const Buffer part = concat({ipv6_ext(17, 0), udp(1701, 1701, pattern(60))});
  const Buffer first = concat({ipv6_fragment_header(60, 0, true, 7), Bytes(part).first(40)});
  const Buffer second = concat({ipv6_fragment_header(60, 40, false, 7), Bytes(part).subspan(40)});
  const Buffer hbh_first = concat({ipv6_ext(44, 0), first});  // hop-by-hop before the Fragment header
  const auto read = read_frames(DLT_RAW, {ipv6(a, b, 0, hbh_first), ipv6(a, b, 44, second)});
  ASSERT_EQ(read.packets.size(), 1u);
  EXPECT_TRUE(read.packets[0].reassembled);
  EXPECT_EQ(read.packets[0].frame, 2u);
  EXPECT_EQ(read.packets[0].payload, pattern(60));
  EXPECT_EQ(read.packets[0].src, (Endpoint{a, 1701}));
  EXPECT_EQ(read.stats.fragments, 2u);
}

TEST(FrameDecoder, IncompleteAndCutFragmentsAreCounted) {
  const Buffer datagram = udp(1701, 1701, pattern(100));
  const auto f = ipv4_fragments(datagram, 1);
  const auto g = ipv4_fragments(datagram, 2);
  Buffer cut = g[1];
  const int wire = static_cast<int>(cut.size());
  cut.resize(cut.size() - 4);
  std::vector<PcapRecord> recs{{f[0]}, {g[0]}, {cut, 1, 0, wire}, {g[2]}};
  const auto read = read_bytes(pcap_file(101, recs));
  EXPECT_TRUE(read.packets.empty());
  EXPECT_EQ(read.stats.fragments, 4u);
  EXPECT_EQ(read.stats.incomplete_fragments, 4u);
  EXPECT_EQ(read.stats.reassembled, 0u);
}

TEST(FrameDecoder, FragmentsOfOtherProtocolsAreSkipped) {
  const auto tcp = ipv4_fragments(pattern(64), 3, 6);
  const Buffer icmp6 =
      ipv6(v6("::1"), v6("::2"), 44, concat({ipv6_fragment_header(58, 0, true, 1), pattern(16)}));
  const auto read = read_frames(101, {tcp[0], tcp[1], tcp[2], icmp6});
  EXPECT_TRUE(read.packets.empty());
  EXPECT_EQ(read.stats.skipped_other_proto, 4u);
  EXPECT_EQ(read.stats.fragments, 0u);
}

TEST(FrameDecoder, NonIpAndOtherProtocolsAreSkippedAndCounted) {
  const Buffer arp = ethernet(0x0806, pattern(28));
  const Buffer llc = ethernet(0x0026, pattern(38));  // 802.3 length field
  const Buffer tcp = ethernet(0x0800, ipv4(kA, kB, 6, pattern(20)));
  const Buffer ospf = ethernet(0x0800, ipv4(kA, kB, 89, pattern(20)));
  const Buffer icmp6 = ethernet(0x86dd, ipv6(v6("::1"), v6("::2"), 58, pattern(8)));
  const auto read = read_frames(DLT_EN10MB, {arp, ethernet(0x0800, l2tp_v4()), llc, tcp, ospf, icmp6});
  ASSERT_EQ(read.packets.size(), 1u);
  EXPECT_EQ(read.packets[0].frame, 2u) << "frame numbers count skipped records too";
  EXPECT_EQ(read.stats.frames, 6u);
  EXPECT_EQ(read.stats.skipped_non_ip, 2u);
  EXPECT_EQ(read.stats.skipped_other_proto, 3u);
}

TEST(FrameDecoder, MalformedRecordsAreCountedNotFatal) {
  Ipv4Options short_total;
  short_total.total_length = 10;
  Buffer bad_ihl = l2tp_v4();
  bad_ihl[0] = 0x44;
  Buffer long_ihl = ipv4(kA, kB, 17, Bytes{});
  long_ihl[0] = 0x4f;
  const std::vector<Buffer> bad{
      Buffer{},
      bytes_of({1, 2, 3, 4, 5}),
      ethernet(0x0800, Bytes{}),
      ethernet(0x0800, bytes_of({0x45, 0, 0})),
      ethernet(0x0800, bad_ihl),
      ethernet(0x0800, long_ihl),
      ethernet(0x0800, ipv4(kA, kB, 17, udp(1, 2, kPayload), short_total)),
      ethernet(0x0800, ipv4(kA, kB, 17, udp(1, 2, kPayload, 7))),  // UDP length < 8
      ethernet(0x0800, ipv4(kA, kB, 17, bytes_of({0, 1, 0}))),     // UDP header cut
      ethernet(0x86dd, Bytes(l2tp_v6()).first(30)),                // IPv6 header cut
      ethernet(0x8100, bytes_of({0, 1})),                          // VLAN tag cut
      ethernet(0x8100,
               concat({bytes_of({0, 1, 0x81, 0, 0, 1, 0x81, 0, 0, 1, 0x81, 0, 0, 1, 0x81, 0, 0, 1, 0x81, 0,
                                 0, 1, 0x81, 0, 0, 1, 0x81, 0, 0, 1, 0x81, 0, 0, 1, 0x08, 0}),
                       l2tp_v4()})),                                      // nine tags
      ethernet(0x8864, bytes_of({0x11, 0, 0})),                           // PPPoE header cut
      ethernet(0x8864, bytes_of({0x11, 0, 0, 1, 0, 0})),                  // PPP protocol missing
      ethernet(0x8864, pppoe(concat({bytes_of({0, 0x21}), l2tp_v6()}))),  // PPP says IPv4, packet is v6
  };
  std::vector<PcapRecord> recs;
  for (const Buffer& b : bad) recs.push_back(PcapRecord{b});
  recs.push_back(PcapRecord{ethernet(0x0800, l2tp_v4())});
  const auto read = read_bytes(pcap_file(DLT_EN10MB, recs));
  ASSERT_EQ(read.packets.size(), 1u);
  EXPECT_EQ(read.packets[0].frame, bad.size() + 1);
  EXPECT_EQ(read.stats.malformed, bad.size());
  EXPECT_EQ(read.stats.frames, bad.size() + 1);
}

// Every prefix and every single-bit change of some deep frames decodes without harm, and the
// counters always add up (run under ASan/UBSan for the "never over-reads" part).
TEST(FrameDecoder, EveryTruncationAndBitFlipIsHandled) {
  const Buffer deep_v4 = ethernet(0x88a8, concat({bytes_of({0, 1, 0x81, 0, 0, 2, 0x88, 0x64}),
                                                  pppoe(concat({bytes_of({0, 0x21}), l2tp_v4()}))}));
  const Buffer deep_v6 = ethernet(0x86dd, ipv6(v6("::1"), v6("::2"), 0,
                                               concat({ipv6_ext(44, 0), ipv6_fragment_header(60, 0, true, 5),
                                                       ipv6_ext(17, 0), udp(1, 2, pattern(16))})));
  for (const Buffer& original : {deep_v4, deep_v6}) {
    FrameDecoder decoder(DLT_EN10MB);
    std::uint64_t frame = 0, yielded = 0;
    auto feed = [&](Bytes b) {
      if (auto p = decoder.decode(++frame, 0, b)) {
        ++yielded;
        EXPECT_LE(p->payload.size(), p->wire_length);
        EXPECT_EQ(p->truncated, p->payload.size() < p->wire_length);
      }
    };
    for (std::size_t n = 0; n <= original.size(); ++n) feed(Bytes(original).first(n));
    for (std::size_t bit = 0; bit < original.size() * 8; ++bit) {
      Buffer changed = original;
      changed[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      feed(changed);
    }
    decoder.finish();
    const ReaderStats& s = decoder.stats();
    EXPECT_EQ(s.frames, frame);
    EXPECT_EQ(category_sum(s), s.frames);
    EXPECT_EQ(s.udp + s.l2tpv3_ip + s.reassembled, yielded);
  }
  std::mt19937 rng(1701);
  for (int link : {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_NULL, 229}) {
    FrameDecoder decoder(link);
    for (std::uint64_t i = 1; i <= 2000; ++i) {
      Buffer junk(rng() % 96);
      for (auto& b : junk) b = static_cast<std::uint8_t>(rng());
      if (junk.size() > 20 && i % 2 == 0)
        junk[link == DLT_EN10MB ? 14 : 0] = 0x45;  // look like IPv4 more often
      (void)decoder.decode(i, 0, junk);
    }
    decoder.finish();
    EXPECT_EQ(category_sum(decoder.stats()), 2000u);
  }
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::capture
