// The run-wide number `{n}` of a LAC's calls (the user name `user{n}`), when the run is split
// into parts: the shards of one process (--threads) and the agents of a run on many machines
// (--agent I/N), each part splitting again for its own shards.
//
// A part numbers its first `block` calls first, first+1, ... (its share of the whole run's
// `total` initial calls: the parts' blocks tile 1..total exactly, as one unsplit run would
// number them). Calls beyond its block (redials, a shard that got more calls than its share)
// take numbers above `total`, every `stride`-th from `offset`: each part its own residue, so
// no two parts ever give the same number, however many calls they make.
#pragma once

#include <cstdint>
#include <limits>

namespace l2tp {

struct CallNumbers {
  std::uint64_t first = 1;  // the number of the part's first call
  std::uint64_t block = 0;  // how many calls get first, first+1, ...
  std::uint64_t total = 0;  // the whole run's initial calls: numbers 1..total are the blocks'
  std::uint64_t stride = 1, offset = 0;

  // A whole, unsplit run of `calls` initial calls: call k is number k.
  static CallNumbers whole(std::uint64_t calls) { return CallNumbers{1, calls, calls, 1, 0}; }

  // The number of this part's k-th call (1-based).
  std::uint64_t number(std::uint64_t k) const {
    if (k >= 1 && k <= block) return first + k - 1;
    const std::uint64_t beyond = k > block ? k - block - 1 : 0;
    return total + beyond * stride + offset + 1;
  }

  // Part j of n of this one: its block is `calls` numbers after the `before` calls of the parts
  // ahead of it (inside this one's block), its numbers beyond every n-th of this one's.
  CallNumbers part(std::uint64_t before, std::uint64_t calls, std::uint64_t j, std::uint64_t n) const {
    return CallNumbers{first + before, calls, total, stride * n, offset + j * stride};
  }
};

}  // namespace l2tp
