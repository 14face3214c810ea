#include "peers/users/ip_pool.hpp"

namespace l2tp::peers {

PoolAllocator::PoolAllocator(std::vector<Ipv4Range> ranges) : ranges_(std::move(ranges)) {
  for (const auto& r : ranges_) size_ += r.size();
}

std::optional<std::uint32_t> PoolAllocator::allocate(const std::function<bool(std::uint32_t)>& taken) {
  for (auto it = returned_.begin(); it != returned_.end(); ++it) {
    const std::uint32_t a = at(*it);
    if (taken(a)) continue;
    returned_.erase(it);
    return a;
  }
  while (next_ < size_) {
    const std::uint32_t a = at(next_++);
    if (!taken(a)) return a;
  }
  return std::nullopt;
}

void PoolAllocator::give_back(std::uint32_t addr) {
  const auto off = offset_of(addr);
  if (off && *off < next_) returned_.insert(*off);
}

bool PoolAllocator::contains(std::uint32_t addr) const {
  return offset_of(addr).has_value();
}

std::optional<std::uint64_t> PoolAllocator::offset_of(std::uint32_t addr) const {
  std::uint64_t base = 0;
  for (const auto& r : ranges_) {
    if (r.contains(addr)) return base + (addr - r.first);
    base += r.size();
  }
  return std::nullopt;
}

std::uint32_t PoolAllocator::at(std::uint64_t offset) const {
  for (const auto& r : ranges_) {
    if (offset < r.size()) return static_cast<std::uint32_t>(r.first + offset);
    offset -= r.size();
  }
  return 0;  // unreachable: callers keep offset < size_
}

}  // namespace l2tp::peers
