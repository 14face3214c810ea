// Reassembly of IPv4 and IPv6 fragments read from a capture file. Bounded: at most
// Limits::max_datagrams incomplete datagrams and Limits::max_bytes of fragment data are held;
// beyond that the oldest incomplete datagram is dropped. No timers: a capture is finite, and
// whatever is still held at the end is dropped by discard_all().
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "capture/packet.hpp"
#include "engine/util/bytes.hpp"

namespace l2tp::capture {

// RFC 791 / RFC 8200: a datagram is identified by source, destination, identification and
// protocol (for IPv6, the Next Header after the Fragment header).
struct FragmentKey {
  IpAddress src, dst;
  std::uint32_t id = 0;
  std::uint8_t protocol = 0;
  bool operator==(const FragmentKey&) const = default;
};

struct Fragment {
  FragmentKey key;
  std::uint32_t offset = 0;  // in bytes (the header field times 8)
  bool more = false;         // MF / M flag
  Bytes data;                // the fragment's payload, copied by add()
  std::uint64_t frame = 0;
  std::int64_t time_ns = 0;
};

struct ReassembledDatagram {
  FragmentKey key;
  Buffer payload;            // the IP payload (for IPv6, what followed the Fragment header)
  std::uint64_t frame = 0;   // of the fragment that completed it
  std::int64_t time_ns = 0;  // of the fragment that completed it
  std::uint32_t fragment_count = 0;
};

struct ReassemblyStats {
  std::uint64_t completed = 0;          // datagrams rebuilt
  std::uint64_t invalid_fragments = 0;  // refused by add(): bad length or offset
  std::uint64_t dropped_fragments = 0;  // accepted once, then dropped with an incomplete datagram
  std::uint64_t dropped_datagrams = 0;  // incomplete datagrams dropped (evicted, conflict, discard_all)
};

class IpReassembler {
 public:
  struct Limits {
    std::size_t max_datagrams = 64;
    std::size_t max_bytes = std::size_t{4} << 20;
  };

  enum class Outcome : std::uint8_t {
    Held,      // kept, the datagram is not complete yet
    Complete,  // this fragment completed a datagram
    Invalid,   // refused: not a well-formed fragment; nothing kept
  };

  // The largest IP payload a datagram may reassemble to (16-bit length fields).
  static constexpr std::uint32_t kMaxPayload = 65535;

  IpReassembler() : IpReassembler(Limits{}) {}
  explicit IpReassembler(Limits limits) : limits_(limits) {}

  // Takes one fragment. On Outcome::Complete, `out` holds the datagram. Overlapping data: the
  // copy received first wins. A fragment that contradicts the datagram's known end (a second,
  // different last fragment, or data past the end) drops the whole datagram and is refused.
  Outcome add(const Fragment& fragment, ReassembledDatagram& out);

  // Drops every incomplete datagram (end of the capture), counting them in stats().
  void discard_all();

  std::size_t pending_datagrams() const { return pending_.size(); }
  std::size_t pending_bytes() const { return held_bytes_; }
  const ReassemblyStats& stats() const { return stats_; }

 private:
  struct Piece {
    std::uint32_t offset;
    Buffer data;
  };
  struct Pending {
    FragmentKey key;
    std::uint64_t arrival = 0;         // order of the first fragment, for eviction
    std::optional<std::uint32_t> end;  // total payload length, once the last fragment is seen
    std::vector<Piece> pieces;         // in arrival order
    std::size_t bytes = 0;
  };

  void drop(std::size_t index);
  void make_room(std::size_t incoming_bytes, bool new_datagram);
  bool complete(const Pending& p) const;
  static Buffer assemble(const Pending& p);

  Limits limits_;
  std::vector<Pending> pending_;  // small (<= max_datagrams): linear search is fine
  std::size_t held_bytes_ = 0;
  std::uint64_t next_arrival_ = 0;
  ReassemblyStats stats_;
};

}  // namespace l2tp::capture
