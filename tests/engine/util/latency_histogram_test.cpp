#include "engine/util/latency_histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "engine/util/rng.hpp"

namespace l2tp {
namespace L2TPSIM_FILE_ID {

// Nearest rank over the samples themselves: what the histogram must come within 1% of.
double exact_percentile(std::vector<std::uint64_t> v, double q) {
  std::sort(v.begin(), v.end());
  const auto k = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
  return static_cast<double>(v[std::clamp<std::size_t>(k, 1, v.size()) - 1]);
}

// Log-uniform samples from 1 µs to an hour.
std::vector<std::uint64_t> samples(std::uint64_t seed, std::size_t n) {
  SeededRng rng(seed);
  std::vector<std::uint64_t> v;
  for (std::size_t i = 0; i < n; ++i) {
    const double u = static_cast<double>(rng.next_u64() >> 11) / 9007199254740992.0;
    v.push_back(static_cast<std::uint64_t>(std::exp(u * std::log(3.6e9))));
  }
  return v;
}

TEST(LatencyHistogram, EmptyReadsZero) {
  LatencyHistogram h;
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min_us(), 0u);
  EXPECT_EQ(h.max_us(), 0u);
  EXPECT_EQ(h.percentile_us(0.5), 0.0);
  EXPECT_EQ(h.mean_us(), 0.0);
  int buckets = 0;
  h.for_each_bucket([&](std::uint64_t, std::uint64_t, std::uint64_t) { ++buckets; });
  EXPECT_EQ(buckets, 0);
  LatencyHistogram other;
  other.merge(h);
  EXPECT_TRUE(other.empty());
  EXPECT_EQ(other, h);
}

TEST(LatencyHistogram, BucketsTileTheValuesWithoutGaps) {
  // Every bucket starts one past the end of the one before, and each value lands in the bucket
  // whose bounds hold it; no bucket is wider than 1/64 of its lowest value (above 127 µs).
  for (std::size_t i = 1; i < 3000; ++i) {
    ASSERT_EQ(LatencyHistogram::lowest_of(i), LatencyHistogram::highest_of(i - 1) + 1) << i;
    const auto lo = LatencyHistogram::lowest_of(i), hi = LatencyHistogram::highest_of(i);
    ASSERT_EQ(LatencyHistogram::index_of(lo), i);
    ASSERT_EQ(LatencyHistogram::index_of(hi), i);
    if (lo >= 128) {
      ASSERT_LE(static_cast<double>(hi - lo + 1), static_cast<double>(lo) / 64.0) << i;
    }
  }
}

TEST(LatencyHistogram, PercentilesWithinOnePercentOfExact) {
  const auto v = samples(1, 20000);
  LatencyHistogram h;
  for (auto us : v) h.record_us(us);
  EXPECT_EQ(h.count(), v.size());
  EXPECT_EQ(h.min_us(), *std::min_element(v.begin(), v.end()));
  EXPECT_EQ(h.max_us(), *std::max_element(v.begin(), v.end()));
  for (double q : {0.0, 0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1.0}) {
    const double exact = exact_percentile(v, q), got = h.percentile_us(q);
    EXPECT_LE(std::abs(got - exact), 0.01 * exact + 0.5) << "q " << q << " exact " << exact << " got " << got;
  }
  EXPECT_EQ(h.percentile_us(1.0), static_cast<double>(h.max_us()));
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  LatencyHistogram h;
  for (std::uint64_t us : {3, 1, 2, 100, 127}) h.record_us(us);
  EXPECT_EQ(h.percentile_us(0.2), 1.0);
  EXPECT_EQ(h.percentile_us(0.4), 2.0);
  EXPECT_EQ(h.percentile_us(0.6), 3.0);
  EXPECT_EQ(h.percentile_us(0.8), 100.0);
  EXPECT_EQ(h.percentile_us(1.0), 127.0);
}

TEST(LatencyHistogram, MergeEqualsTheHistogramOfTheUnion) {
  const auto a = samples(2, 5000), b = samples(3, 7000);
  LatencyHistogram ha, hb, all;
  for (auto us : a) {
    ha.record_us(us);
    all.record_us(us);
  }
  for (auto us : b) {
    hb.record_us(us);
    all.record_us(us);
  }
  LatencyHistogram merged = ha;
  merged.merge(hb);
  EXPECT_EQ(merged, all);
  EXPECT_EQ(merged.count(), a.size() + b.size());
  for (double q : {0.5, 0.9, 0.99}) EXPECT_EQ(merged.percentile_us(q), all.percentile_us(q));
  // Either order, and into an empty one.
  LatencyHistogram other = hb;
  other.merge(ha);
  EXPECT_EQ(other, all);
  LatencyHistogram empty;
  empty.merge(all);
  EXPECT_EQ(empty, all);
}

TEST(LatencyHistogram, HugeValuesAndDurations) {
  LatencyHistogram h;
  h.record_us(std::numeric_limits<std::uint64_t>::max());
  h.record_us(0);
  h.record(std::chrono::hours(24 * 365));
  h.record(std::chrono::nanoseconds(-5));  // a clock step: counts as 0
  h.record(std::chrono::milliseconds(12));
  EXPECT_EQ(h.count(), 5u);
  EXPECT_EQ(h.max_us(), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(h.min_us(), 0u);
  const double year_us = 365.0 * 24 * 3600 * 1e6;
  EXPECT_NEAR(h.percentile_us(0.8), year_us, year_us * 0.01);
  EXPECT_NEAR(h.percentile_ms(0.6), 12.0, 0.12);
  EXPECT_EQ(h.percentile_us(0.4), 0.0);
}

TEST(LatencyHistogram, RestoredFromItsBucketsIsTheSame) {
  const auto v = samples(4, 3000);
  LatencyHistogram h;
  for (auto us : v) h.record_us(us);
  std::vector<LatencyHistogram::Bucket> buckets;
  h.for_each_bucket([&](std::uint64_t lo, std::uint64_t, std::uint64_t n) { buckets.push_back({lo, n}); });
  LatencyHistogram back;
  ASSERT_TRUE(LatencyHistogram::restore(buckets, h.min_us(), h.max_us(), h.sum_us(), back));
  EXPECT_EQ(back, h);
  EXPECT_EQ(back.percentile_us(0.99), h.percentile_us(0.99));
  // Extremes outside the buckets are refused.
  EXPECT_FALSE(LatencyHistogram::restore(buckets, h.max_us() + 1, h.max_us(), 0, back));
  EXPECT_FALSE(LatencyHistogram::restore(buckets, h.min_us(), h.max_us() * 4, 0, back));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
