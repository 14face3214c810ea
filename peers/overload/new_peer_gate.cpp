#include "peers/overload/new_peer_gate.hpp"

#include <algorithm>

namespace l2tp::peers {

double NewPeerGate::tokens_at(const Bucket& b, Time now) const {
  if (now <= b.at) return b.tokens;
  return std::min(limits_.per_source_burst, b.tokens + to_seconds(now - b.at) * limits_.per_source_rate);
}

bool NewPeerGate::admit(const net::IpAddress& source, std::size_t half_open, Time now) {
  // Buckets are spent even without pressure, so a source that was flooding before the pressure
  // began has nothing left when it does.
  auto [it, fresh] =
      buckets_.try_emplace(Key{source.v6, source.bytes}, Bucket{limits_.per_source_burst, now});
  Bucket& b = it->second;
  const double tokens = tokens_at(b, now);
  bool ok = true;
  if (half_open >= limits_.hard_cap)
    ok = tokens >= limits_.per_source_burst;
  else if (half_open >= limits_.soft_cap)
    ok = tokens >= 1;
  b.tokens = std::max(0.0, tokens - 1);
  b.at = std::max(b.at, now);
  ok ? ++admitted_ : ++refused_;
  if (fresh && buckets_.size() >= prune_at_) prune(now);
  return ok;
}

void NewPeerGate::prune(Time now) {
  // Full buckets say nothing a new one would not: forget them. The map stays about as large as
  // the number of sources active in the last few seconds.
  std::erase_if(buckets_,
                [&](const auto& kv) { return tokens_at(kv.second, now) >= limits_.per_source_burst; });
  prune_at_ = std::max<std::size_t>(4096, 2 * buckets_.size());
}

}  // namespace l2tp::peers
