#include "capture/ip_reassembly.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "capture_test_util.hpp"

namespace l2tp::capture {
namespace L2TPSIM_FILE_ID {

FragmentKey key(std::uint32_t id = 7, std::uint8_t protocol = 17) {
  return FragmentKey{IpAddress::v4(10, 0, 0, 1), IpAddress::v4(10, 0, 0, 2), id, protocol};
}

// Fragments of `data` at the given 8-byte-aligned cut points.
class Pieces {
 public:
  Pieces(const Buffer& data, std::vector<std::uint32_t> cuts, FragmentKey k = key()) : data_(data) {
    cuts.push_back(static_cast<std::uint32_t>(data.size()));
    std::uint32_t start = 0;
    for (std::uint32_t end : cuts) {
      Fragment f;
      f.key = k;
      f.offset = start;
      f.more = end != data.size();
      f.data = Bytes(data_).subspan(start, end - start);
      fragments_.push_back(f);
      start = end;
    }
  }
  Fragment at(std::size_t i, std::uint64_t frame = 0, std::int64_t time_ns = 0) const {
    Fragment f = fragments_[i];
    f.frame = frame;
    f.time_ns = time_ns;
    return f;
  }
  std::size_t size() const { return fragments_.size(); }

 private:
  const Buffer& data_;
  std::vector<Fragment> fragments_;
};

using Outcome = IpReassembler::Outcome;

TEST(IpReassembly, InOrderFragmentsComplete) {
  const Buffer data = test::pattern(100);
  const Pieces p(data, {32, 64});
  IpReassembler r;
  ReassembledDatagram out;
  EXPECT_EQ(r.add(p.at(0), out), Outcome::Held);
  EXPECT_EQ(r.add(p.at(1), out), Outcome::Held);
  EXPECT_EQ(r.pending_datagrams(), 1u);
  EXPECT_EQ(r.pending_bytes(), 64u);
  ASSERT_EQ(r.add(p.at(2, 9, 900), out), Outcome::Complete);
  EXPECT_EQ(out.payload, data);
  EXPECT_EQ(out.key, key());
  EXPECT_EQ(out.frame, 9u);
  EXPECT_EQ(out.time_ns, 900);
  EXPECT_EQ(out.fragment_count, 3u);
  EXPECT_EQ(r.pending_datagrams(), 0u);
  EXPECT_EQ(r.pending_bytes(), 0u);
  EXPECT_EQ(r.stats().completed, 1u);
}

TEST(IpReassembly, OutOfOrderFragmentsCompleteWithTheLastArrivalsFrameAndTime) {
  const Buffer data = test::pattern(1500);
  const Pieces p(data, {480, 960});
  IpReassembler r;
  ReassembledDatagram out;
  EXPECT_EQ(r.add(p.at(2, 1, 10), out), Outcome::Held);  // the last fragment first
  EXPECT_EQ(r.add(p.at(0, 2, 20), out), Outcome::Held);
  ASSERT_EQ(r.add(p.at(1, 3, 30), out), Outcome::Complete);
  EXPECT_EQ(out.payload, data);
  EXPECT_EQ(out.frame, 3u);
  EXPECT_EQ(out.time_ns, 30);
}

TEST(IpReassembly, MissingPieceKeepsDatagramHeldUntilDiscarded) {
  const Buffer data = test::pattern(100);
  const Pieces p(data, {32, 64});
  IpReassembler r;
  ReassembledDatagram out;
  EXPECT_EQ(r.add(p.at(0), out), Outcome::Held);
  EXPECT_EQ(r.add(p.at(2), out), Outcome::Held);
  r.discard_all();
  EXPECT_EQ(r.pending_datagrams(), 0u);
  EXPECT_EQ(r.stats().dropped_fragments, 2u);
  EXPECT_EQ(r.stats().dropped_datagrams, 1u);
  EXPECT_EQ(r.stats().completed, 0u);
}

TEST(IpReassembly, DatagramsWithDifferentKeysDoNotMix) {
  const Buffer a = test::pattern(40, 1);
  const Buffer b = test::pattern(40, 2);
  const Pieces pa(a, {16}, key(1, 17));
  const Pieces pb(b, {16}, key(1, 115));  // same id, other protocol
  FragmentKey other_src = key(1, 17);
  other_src.src = IpAddress::v4(10, 0, 0, 3);
  const Pieces pc(a, {16}, other_src);
  IpReassembler r;
  ReassembledDatagram out;
  EXPECT_EQ(r.add(pa.at(0), out), Outcome::Held);
  EXPECT_EQ(r.add(pb.at(0), out), Outcome::Held);
  EXPECT_EQ(r.add(pc.at(1), out), Outcome::Held);
  EXPECT_EQ(r.pending_datagrams(), 3u);
  ASSERT_EQ(r.add(pb.at(1), out), Outcome::Complete);
  EXPECT_EQ(out.payload, b);
  EXPECT_EQ(out.key.protocol, 115);
  ASSERT_EQ(r.add(pa.at(1), out), Outcome::Complete);
  EXPECT_EQ(out.payload, a);
  EXPECT_EQ(r.pending_datagrams(), 1u);
}

TEST(IpReassembly, DuplicatesAndOverlapsKeepTheFirstCopy) {
  const Buffer data = test::pattern(48);
  const Pieces p(data, {16, 32});
  Buffer changed = data;
  for (auto& b : changed) b ^= 0xff;
  Fragment overlap;  // covers 8..32 with different bytes, arrives after the originals there
  overlap.key = key();
  overlap.offset = 8;
  overlap.more = true;
  overlap.data = Bytes(changed).subspan(8, 24);
  IpReassembler r;
  ReassembledDatagram out;
  EXPECT_EQ(r.add(p.at(0), out), Outcome::Held);
  EXPECT_EQ(r.add(p.at(0), out), Outcome::Held);  // exact duplicate
  EXPECT_EQ(r.add(p.at(1), out), Outcome::Held);
  EXPECT_EQ(r.add(overlap, out), Outcome::Held);
  ASSERT_EQ(r.add(p.at(2), out), Outcome::Complete);
  EXPECT_EQ(out.payload, data);

  // Here the changed copy of 32..48 comes first, so it wins over the original.
  EXPECT_EQ(r.add(p.at(0), out), Outcome::Held);
  Fragment early = p.at(2);
  early.data = Bytes(changed).subspan(32, 16);
  EXPECT_EQ(r.add(early, out), Outcome::Held);
  EXPECT_EQ(r.add(p.at(2), out), Outcome::Held);
  ASSERT_EQ(r.add(p.at(1), out), Outcome::Complete);
  EXPECT_EQ(Buffer(out.payload.begin() + 32, out.payload.end()), Buffer(changed.begin() + 32, changed.end()));
  EXPECT_EQ(Buffer(out.payload.begin(), out.payload.begin() + 32), Buffer(data.begin(), data.begin() + 32));
}

TEST(IpReassembly, RefusesMalformedFragments) {
  const Buffer data = test::pattern(64);
  IpReassembler r;
  ReassembledDatagram out;
  Fragment f;
  f.key = key();
  f.more = true;
  f.data = Bytes(data).first(12);  // not a multiple of 8 and not last
  EXPECT_EQ(r.add(f, out), Outcome::Invalid);
  f.data = Bytes{};  // empty
  EXPECT_EQ(r.add(f, out), Outcome::Invalid);
  f.data = Bytes(data).first(16);
  f.offset = 65528;  // ends past 65535
  EXPECT_EQ(r.add(f, out), Outcome::Invalid);
  EXPECT_EQ(r.stats().invalid_fragments, 3u);
  EXPECT_EQ(r.pending_datagrams(), 0u);
}

TEST(IpReassembly, ContradictingTheKnownEndDropsTheDatagram) {
  const Buffer data = test::pattern(64);
  const Pieces p(data, {32});
  IpReassembler r;
  ReassembledDatagram out;
  EXPECT_EQ(r.add(p.at(1), out), Outcome::Held);  // end = 64
  Fragment past_end = p.at(0);
  past_end.offset = 64;  // a middle fragment beyond the end
  EXPECT_EQ(r.add(past_end, out), Outcome::Invalid);
  EXPECT_EQ(r.pending_datagrams(), 0u);
  EXPECT_EQ(r.stats().dropped_fragments, 1u);

  EXPECT_EQ(r.add(p.at(1), out), Outcome::Held);
  Fragment other_last = p.at(1);
  other_last.data = Bytes(data).first(8);  // a second last fragment with another end
  EXPECT_EQ(r.add(other_last, out), Outcome::Invalid);
  EXPECT_EQ(r.pending_datagrams(), 0u);
  EXPECT_EQ(r.stats().invalid_fragments, 2u);
  EXPECT_EQ(r.stats().dropped_datagrams, 2u);
}

TEST(IpReassembly, EvictsTheOldestDatagramAtTheDatagramLimit) {
  const Buffer data = test::pattern(32);
  IpReassembler r(IpReassembler::Limits{3, 1 << 20});
  ReassembledDatagram out;
  for (std::uint32_t id = 1; id <= 4; ++id) {
    EXPECT_EQ(r.add(Pieces(data, {16}, key(id)).at(0), out), Outcome::Held);
  }
  EXPECT_EQ(r.pending_datagrams(), 3u);
  EXPECT_EQ(r.stats().dropped_datagrams, 1u);
  EXPECT_EQ(r.add(Pieces(data, {16}, key(1)).at(1), out), Outcome::Held) << "id 1 was evicted";
  EXPECT_EQ(r.stats().dropped_datagrams, 2u) << "and re-adding it evicted id 2";
  ASSERT_EQ(r.add(Pieces(data, {16}, key(4)).at(1), out), Outcome::Complete);
  // A fragment joining a held datagram does not evict anything.
  ASSERT_EQ(r.add(Pieces(data, {16}, key(3)).at(1), out), Outcome::Complete);
  EXPECT_EQ(r.stats().dropped_datagrams, 2u);
}

TEST(IpReassembly, EvictsAtTheByteLimit) {
  const Buffer data = test::pattern(2048);
  IpReassembler r(IpReassembler::Limits{64, 2048});
  ReassembledDatagram out;
  EXPECT_EQ(r.add(Pieces(data, {1024}, key(1)).at(0), out), Outcome::Held);
  EXPECT_EQ(r.add(Pieces(data, {1024}, key(2)).at(0), out), Outcome::Held);
  EXPECT_EQ(r.pending_bytes(), 2048u);
  EXPECT_EQ(r.add(Pieces(data, {1024}, key(3)).at(0), out), Outcome::Held);
  EXPECT_LE(r.pending_bytes(), 2048u);
  EXPECT_EQ(r.pending_datagrams(), 2u);
  EXPECT_EQ(r.stats().dropped_fragments, 1u);
  // A single fragment bigger than the whole budget is refused.
  IpReassembler tiny(IpReassembler::Limits{64, 100});
  EXPECT_EQ(tiny.add(Pieces(data, {1024}, key(1)).at(0), out), Outcome::Invalid);
}

TEST(IpReassembly, SingleUnfragmentedPieceCompletesAtOnce) {
  const Buffer data = test::pattern(5);
  IpReassembler r;
  ReassembledDatagram out;
  ASSERT_EQ(r.add(Pieces(data, {}).at(0), out), Outcome::Complete);
  EXPECT_EQ(out.payload, data);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::capture
