#include "peers/teardown_pacer.hpp"

#include <gtest/gtest.h>

namespace l2tp::peers {
namespace L2TPSIM_FILE_ID {

using Call = TeardownPacer::Call;
using std::chrono::milliseconds;

struct Released {
  std::vector<Call> calls;
  std::vector<std::uint16_t> tunnels_closed;  // in the order their StopCCN would go
};

void take(TeardownPacer& p, Time now, Released& r, std::size_t max = 1000) {
  p.release(now, max, [&](const Call& c, bool last) {
    r.calls.push_back(c);
    if (last) r.tunnels_closed.push_back(c.first);
  });
}

TEST(TeardownPacer, ClearsAtTheRateTunnelByTunnel) {
  const Time t0{};
  TeardownPacer p({{1, 1}, {1, 2}, {2, 1}, {2, 2}, {2, 3}, {7, 9}}, 100.0, t0);  // one per 10 ms
  Released r;
  take(p, t0, r);
  EXPECT_EQ(r.calls, (std::vector<Call>{{1, 1}}));
  EXPECT_TRUE(r.tunnels_closed.empty());
  take(p, t0 + milliseconds(9), r);
  EXPECT_EQ(r.calls.size(), 1u);
  take(p, t0 + milliseconds(10), r);
  EXPECT_EQ(r.calls.size(), 2u);
  EXPECT_EQ(r.tunnels_closed, (std::vector<std::uint16_t>{1}));  // right after its last CDN
  take(p, t0 + milliseconds(35), r);
  EXPECT_EQ(r.calls.size(), 4u);
  EXPECT_FALSE(p.done());
  take(p, t0 + milliseconds(1000), r);
  EXPECT_TRUE(p.done());
  EXPECT_EQ(r.calls, (std::vector<Call>{{1, 1}, {1, 2}, {2, 1}, {2, 2}, {2, 3}, {7, 9}}));
  EXPECT_EQ(r.tunnels_closed, (std::vector<std::uint16_t>{1, 2, 7}));
  take(p, t0 + milliseconds(2000), r);  // nothing twice
  EXPECT_EQ(r.calls.size(), 6u);
  EXPECT_EQ(p.interval(), std::chrono::duration_cast<Duration>(milliseconds(10)));
}

TEST(TeardownPacer, RateZeroClearsEverythingAtOnce) {
  const Time t0{};
  TeardownPacer p({{3, 1}, {3, 2}, {4, 1}}, 0, t0);
  Released r;
  take(p, t0, r);
  EXPECT_TRUE(p.done());
  EXPECT_EQ(r.calls.size(), 3u);
  EXPECT_EQ(r.tunnels_closed, (std::vector<std::uint16_t>{3, 4}));
}

// The runner takes a chunk at a time (the node's events drained between chunks): what is due
// and not taken stays due, in order, and a tunnel's StopCCN still follows its last CDN.
TEST(TeardownPacer, AChunkAtATimeKeepsTheOrder) {
  const Time t0{};
  TeardownPacer p({{3, 1}, {3, 2}, {4, 1}, {4, 2}, {5, 1}}, 0, t0);
  Released r;
  take(p, t0, r, 2);
  EXPECT_EQ(r.calls.size(), 2u);
  EXPECT_EQ(r.tunnels_closed, (std::vector<std::uint16_t>{3}));
  EXPECT_TRUE(p.due(t0));
  take(p, t0, r, 2);
  take(p, t0, r, 2);
  EXPECT_TRUE(p.done());
  EXPECT_FALSE(p.due(t0));
  EXPECT_EQ(r.calls, (std::vector<Call>{{3, 1}, {3, 2}, {4, 1}, {4, 2}, {5, 1}}));
  EXPECT_EQ(r.tunnels_closed, (std::vector<std::uint16_t>{3, 4, 5}));
}

TEST(TeardownPacer, NothingToClearIsDoneAtOnceAndTheIntervalStaysBounded) {
  TeardownPacer none({}, 50.0, Time{});
  EXPECT_TRUE(none.done());
  EXPECT_EQ(TeardownPacer({}, 1e6, Time{}).interval(),
            std::chrono::duration_cast<Duration>(std::chrono::microseconds(2000)));
  EXPECT_EQ(TeardownPacer({}, 0.5, Time{}).interval(),
            std::chrono::duration_cast<Duration>(milliseconds(100)));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::peers
