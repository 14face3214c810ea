// Admission of datagrams that may open a tunnel (control messages to Tunnel ID 0: SCCRQs) when
// tunnels in wait-ctl-conn pile up, as under a flood of SCCRQs. Below `soft_cap` half-open
// tunnels everything is admitted (RFC behaviour unchanged). Above it each source address
// spends from its own token bucket (`per_source_rate` a second, up to `per_source_burst`), so
// one flooding address cannot crowd out the others: a new legitimate peer still finds its
// bucket full. From `hard_cap` on only sources that have been quiet (a full bucket) get in.
// Datagrams for existing tunnels never pass through here. No clock: time is passed in.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>

#include "engine/net/address.hpp"
#include "engine/time.hpp"

namespace l2tp::peers {

struct NewPeerLimits {
  // High enough that a LAC opening a thousand tunnels at once is not held back: its tunnels
  // complete within milliseconds and the count is taken afresh every 50 ms.
  std::size_t soft_cap = 1024;
  std::size_t hard_cap = 4096;
  double per_source_rate = 50;    // tunnels a second, under pressure
  double per_source_burst = 100;  // what a quiet source may open at once, under pressure
};

class NewPeerGate {
 public:
  explicit NewPeerGate(NewPeerLimits limits = {}) : limits_(limits) {}

  // A datagram to Tunnel ID 0 from `source`, with `half_open` tunnels waiting for an SCCCN.
  bool admit(const net::IpAddress& source, std::size_t half_open, Time now);

  const NewPeerLimits& limits() const { return limits_; }
  std::uint64_t admitted() const { return admitted_; }
  std::uint64_t refused() const { return refused_; }
  std::size_t sources() const { return buckets_.size(); }

 private:
  struct Key {
    bool v6;
    std::array<std::uint8_t, 16> bytes;
    auto operator<=>(const Key&) const = default;
  };
  struct Bucket {
    double tokens;
    Time at;
  };
  double tokens_at(const Bucket& b, Time now) const;
  void prune(Time now);

  NewPeerLimits limits_;
  std::map<Key, Bucket> buckets_;
  std::size_t prune_at_ = 4096;
  std::uint64_t admitted_ = 0, refused_ = 0;
};

}  // namespace l2tp::peers
