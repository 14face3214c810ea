// One address pool's free list at run time. Addresses go out lowest first (in the order of the
// pool's ranges), and a released address is the first to go out again, so runs repeat exactly.
// The pool does not know who else uses an address (a fixed remote-address inside its ranges,
// another pool overlapping it): the caller says so through `taken`, and hands an address back
// with give_back() when its last user is gone.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <vector>

#include "peers/users/ipv4.hpp"

namespace l2tp::peers {

class PoolAllocator {
 public:
  explicit PoolAllocator(std::vector<Ipv4Range> ranges);

  // The first free address for which `taken` is false, now marked as handed out; nullopt when
  // every address is handed out or taken. Addresses skipped because they were taken come back
  // through give_back() once they are free.
  std::optional<std::uint32_t> allocate(const std::function<bool(std::uint32_t)>& taken);
  // `addr` is free again (no-op for addresses outside this pool or never handed out).
  void give_back(std::uint32_t addr);

  bool contains(std::uint32_t addr) const;
  std::uint64_t size() const { return size_; }

 private:
  std::optional<std::uint64_t> offset_of(std::uint32_t addr) const;
  std::uint32_t at(std::uint64_t offset) const;

  std::vector<Ipv4Range> ranges_;
  std::uint64_t size_ = 0;
  std::uint64_t next_ = 0;            // offsets below this have been looked at before
  std::set<std::uint64_t> returned_;  // free offsets below next_
};

}  // namespace l2tp::peers
