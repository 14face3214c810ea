#include "capture/pcap_merge.hpp"

#include <gtest/gtest.h>

#include "capture/pcap_reader.hpp"
#include "capture/pcap_writer.hpp"
#include "capture_test_util.hpp"

namespace l2tp::capture {
namespace L2TPSIM_FILE_ID {

using test::TempFile;

const Endpoint kA{IpAddress::v4(127, 0, 0, 1), 1701};
const Endpoint kB{IpAddress::v4(127, 0, 0, 2), 1701};

void write(const std::string& path, const std::vector<std::int64_t>& times, std::uint8_t tag) {
  auto w = PcapWriter::open(path);
  ASSERT_TRUE(w) << w.error();
  for (auto t : times) w->write(t, kA, kB, Buffer{tag, static_cast<std::uint8_t>(t)});
  w->flush();
}

// Two shards' captures become one in time order, and each shard's frame k is renumbered.
TEST(PcapMerge, InterleavesByTimeAndMapsEveryFrame) {
  TempFile a("shard0"), b("shard1"), out("merged");
  write(a.path(), {10, 30, 50}, 0xa0);
  write(b.path(), {20, 30, 60, 70}, 0xb0);
  auto map = merge_pcaps({a.path(), b.path()}, out.path());
  ASSERT_TRUE(map) << map.error();
  EXPECT_EQ((*map)[0], (std::vector<std::uint64_t>{1, 3, 5}));  // the tie at 30: the earlier input first
  EXPECT_EQ((*map)[1], (std::vector<std::uint64_t>{2, 4, 6, 7}));
  auto r = PcapReader::open(out.path());
  ASSERT_TRUE(r) << r.error();
  std::vector<std::int64_t> times;
  std::vector<std::uint8_t> tags;
  while (auto p = r->next()) {
    times.push_back(p->time_ns);
    tags.push_back(p->payload.at(0));
  }
  EXPECT_EQ(times, (std::vector<std::int64_t>{10, 20, 30, 30, 50, 60, 70}));
  EXPECT_EQ(tags, (std::vector<std::uint8_t>{0xa0, 0xb0, 0xa0, 0xb0, 0xa0, 0xb0, 0xb0}));
}

TEST(PcapMerge, AMissingInputIsAnErrorNamingIt) {
  TempFile out("merged");
  auto map = merge_pcaps({"/nonexistent/shard0"}, out.path());
  ASSERT_FALSE(map);
  EXPECT_NE(map.error().find("/nonexistent/shard0"), std::string::npos) << map.error();
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::capture
