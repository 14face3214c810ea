// Latencies as a histogram, HdrHistogram-style: values in microseconds into log-linear buckets
// (exact from 0 to 127 µs, then every power of two split into 64 equal buckets), so a bucket is
// never wider than 1/64 of the values in it and a value read back (the bucket's middle, kept
// within the exact minimum and maximum) is within 0.8% of every value it stands for, from 1 µs
// to far beyond an hour. Memory is a count per bucket up to the largest value seen (about 14 KB
// for an hour), whatever the number of samples.
//
// Two histograms merge exactly, bucket by bucket (the shards of a run, or the runs of several
// agents, issue 12): the merged histogram equals the one the union of their samples would have
// made. Percentiles come from the buckets, never from averaging other percentiles.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "engine/time.hpp"

namespace l2tp {

class LatencyHistogram {
 public:
  // Buckets per power of two above the exact range (kSubBuckets / 2): 64, so 1.6% wide at most.
  static constexpr unsigned kSubBucketBits = 7;
  static constexpr std::uint64_t kSubBuckets = std::uint64_t{1} << kSubBucketBits;  // 128
  static constexpr std::uint64_t kHalf = kSubBuckets / 2;

  void record(Duration d) {
    const auto us = std::chrono::duration_cast<std::chrono::duration<double, std::micro>>(d).count();
    record_us(us <= 0        ? 0
              : us >= 1.8e19 ? std::numeric_limits<std::uint64_t>::max()
                             : static_cast<std::uint64_t>(std::llround(us)));
  }
  void record_ms(double ms) {
    record(std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(ms)));
  }
  void record_us(std::uint64_t us, std::uint64_t n = 1) {
    if (n == 0) return;
    const std::size_t i = index_of(us);
    if (i >= counts_.size()) counts_.resize(i + 1, 0);
    counts_[i] += n;
    if (count_ == 0 || us < min_) min_ = us;
    if (count_ == 0 || us > max_) max_ = us;
    count_ += n;
    sum_us_ += static_cast<double>(us) * static_cast<double>(n);
  }

  // Another histogram's samples into this one, exactly.
  void merge(const LatencyHistogram& o) {
    if (o.count_ == 0) return;
    if (o.counts_.size() > counts_.size()) counts_.resize(o.counts_.size(), 0);
    for (std::size_t i = 0; i < o.counts_.size(); ++i) counts_[i] += o.counts_[i];
    if (count_ == 0 || o.min_ < min_) min_ = o.min_;
    if (count_ == 0 || o.max_ > max_) max_ = o.max_;
    count_ += o.count_;
    sum_us_ += o.sum_us_;
  }

  std::uint64_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  std::uint64_t min_us() const { return count_ ? min_ : 0; }
  std::uint64_t max_us() const { return count_ ? max_ : 0; }
  double mean_us() const { return count_ ? sum_us_ / static_cast<double>(count_) : 0.0; }

  // Nearest rank: the value of the smallest sample with at least q of the samples at or below
  // it (q in [0, 1]), read as its bucket's middle within [min, max]. 0 when empty.
  double percentile_us(double q) const {
    if (count_ == 0) return 0;
    const auto rank = std::clamp<std::uint64_t>(
        static_cast<std::uint64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(count_))), 1,
        count_);
    if (rank == count_) return static_cast<double>(max_);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
      seen += counts_[i];
      if (seen >= rank) {
        const double mid = (static_cast<double>(lowest_of(i)) + static_cast<double>(highest_of(i))) / 2.0;
        return std::clamp(mid, static_cast<double>(min_), static_cast<double>(max_));
      }
    }
    return static_cast<double>(max_);
  }
  double percentile_ms(double q) const { return percentile_us(q) / 1000.0; }

  // The non-empty buckets, in order: f(lowest µs, highest µs, count). The lowest value names a
  // bucket exactly (record_us(lowest, count) puts the count back in the same bucket).
  template <typename F>
  void for_each_bucket(F&& f) const {
    for (std::size_t i = 0; i < counts_.size(); ++i)
      if (counts_[i]) f(lowest_of(i), highest_of(i), counts_[i]);
  }

  // Rebuilds a histogram from its buckets (for_each_bucket's output), with the exact minimum,
  // maximum and sum it had; false when a bucket's count or the extremes do not fit.
  struct Bucket {
    std::uint64_t lowest_us = 0, count = 0;
  };
  static bool restore(const std::vector<Bucket>& buckets, std::uint64_t min_us, std::uint64_t max_us,
                      double sum_us, LatencyHistogram& out) {
    LatencyHistogram h;
    for (const auto& b : buckets) {
      if (b.count == 0) continue;
      const std::size_t i = index_of(b.lowest_us);
      if (i >= h.counts_.size()) h.counts_.resize(i + 1, 0);
      h.counts_[i] += b.count;
      h.count_ += b.count;
    }
    if (h.count_ == 0) {
      out = LatencyHistogram{};
      return buckets.empty() ||
             std::all_of(buckets.begin(), buckets.end(), [](const Bucket& b) { return b.count == 0; });
    }
    if (min_us > max_us || index_of(min_us) != h.first_index() || index_of(max_us) + 1 != h.counts_.size())
      return false;
    h.min_ = min_us;
    h.max_ = max_us;
    h.sum_us_ = sum_us;
    out = std::move(h);
    return true;
  }
  double sum_us() const { return sum_us_; }

  bool operator==(const LatencyHistogram& o) const {
    if (count_ != o.count_ || min_us() != o.min_us() || max_us() != o.max_us()) return false;
    const std::size_t n = std::max(counts_.size(), o.counts_.size());
    for (std::size_t i = 0; i < n; ++i)
      if ((i < counts_.size() ? counts_[i] : 0) != (i < o.counts_.size() ? o.counts_[i] : 0)) return false;
    return true;
  }

  // The bucket of a value, and the values a bucket holds.
  static std::size_t index_of(std::uint64_t us) {
    if (us < kSubBuckets) return static_cast<std::size_t>(us);
    // Octave b >= 1 holds [64 << b, 128 << b) in 64 buckets of width 1 << b.
    const unsigned b = static_cast<unsigned>(std::bit_width(us)) - kSubBucketBits;
    return static_cast<std::size_t>(kSubBuckets + (b - 1) * kHalf + ((us >> b) - kHalf));
  }
  static std::uint64_t lowest_of(std::size_t i) {
    if (i < kSubBuckets) return i;
    const std::uint64_t b = (i - kSubBuckets) / kHalf + 1, sub = (i - kSubBuckets) % kHalf + kHalf;
    return sub << b;
  }
  static std::uint64_t highest_of(std::size_t i) {
    if (i < kSubBuckets) return i;
    const std::uint64_t b = (i - kSubBuckets) / kHalf + 1;
    return lowest_of(i) + ((std::uint64_t{1} << b) - 1);
  }

 private:
  std::size_t first_index() const {
    for (std::size_t i = 0; i < counts_.size(); ++i)
      if (counts_[i]) return i;
    return counts_.size();
  }

  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0, min_ = 0, max_ = 0;
  double sum_us_ = 0;
};

}  // namespace l2tp
