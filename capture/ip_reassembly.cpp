#include "capture/ip_reassembly.hpp"

#include <algorithm>
#include <utility>

namespace l2tp::capture {

IpReassembler::Outcome IpReassembler::add(const Fragment& fragment, ReassembledDatagram& out) {
  const std::size_t size = fragment.data.size();
  const std::uint64_t last_byte = std::uint64_t{fragment.offset} + size;
  // RFC 791 / RFC 8200 4.5: every fragment but the last carries a multiple of 8 octets.
  if (size == 0 || (fragment.more && size % 8 != 0) || last_byte > kMaxPayload || size > limits_.max_bytes ||
      limits_.max_datagrams == 0) {
    ++stats_.invalid_fragments;
    return Outcome::Invalid;
  }

  auto find = [&]() -> std::size_t {
    for (std::size_t i = 0; i < pending_.size(); ++i) {
      if (pending_[i].key == fragment.key) return i;
    }
    return pending_.size();
  };

  std::size_t index = find();
  if (index < pending_.size()) {
    const Pending& p = pending_[index];
    bool conflict = false;
    if (!fragment.more) {
      if (p.end && *p.end != last_byte) conflict = true;
      for (const Piece& piece : p.pieces) {
        if (piece.offset + piece.data.size() > last_byte) conflict = true;
      }
    } else if (p.end && last_byte > *p.end) {
      conflict = true;
    }
    if (conflict) {
      drop(index);
      ++stats_.invalid_fragments;
      return Outcome::Invalid;
    }
  }

  make_room(size, index == pending_.size());
  index = find();  // make_room may have evicted this datagram's earlier fragments
  if (index == pending_.size()) {
    Pending fresh;
    fresh.key = fragment.key;
    fresh.arrival = next_arrival_++;
    pending_.push_back(std::move(fresh));
  }

  Pending& p = pending_[index];
  p.pieces.push_back(Piece{fragment.offset, Buffer(fragment.data.begin(), fragment.data.end())});
  p.bytes += size;
  held_bytes_ += size;
  if (!fragment.more) p.end = static_cast<std::uint32_t>(last_byte);

  if (!complete(p)) return Outcome::Held;

  out.key = p.key;
  out.payload = assemble(p);
  out.frame = fragment.frame;
  out.time_ns = fragment.time_ns;
  out.fragment_count = static_cast<std::uint32_t>(p.pieces.size());
  held_bytes_ -= p.bytes;
  pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(index));
  ++stats_.completed;
  return Outcome::Complete;
}

void IpReassembler::discard_all() {
  while (!pending_.empty()) drop(pending_.size() - 1);
}

void IpReassembler::drop(std::size_t index) {
  Pending& p = pending_[index];
  stats_.dropped_fragments += p.pieces.size();
  ++stats_.dropped_datagrams;
  held_bytes_ -= p.bytes;
  pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(index));
}

// Evicts the oldest incomplete datagrams until one more fragment of `incoming_bytes` fits the
// byte limit and, if it starts a new datagram, the datagram limit.
void IpReassembler::make_room(std::size_t incoming_bytes, bool new_datagram) {
  while (!pending_.empty() && ((new_datagram && pending_.size() >= limits_.max_datagrams) ||
                               held_bytes_ + incoming_bytes > limits_.max_bytes)) {
    auto oldest = std::min_element(pending_.begin(), pending_.end(),
                                   [](const Pending& a, const Pending& b) { return a.arrival < b.arrival; });
    drop(static_cast<std::size_t>(oldest - pending_.begin()));
  }
}

bool IpReassembler::complete(const Pending& p) const {
  if (!p.end) return false;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> spans;  // [begin, end)
  spans.reserve(p.pieces.size());
  for (const Piece& piece : p.pieces) {
    spans.emplace_back(piece.offset, static_cast<std::uint32_t>(piece.offset + piece.data.size()));
  }
  std::sort(spans.begin(), spans.end());
  std::uint32_t covered = 0;
  for (const auto& [begin, end] : spans) {
    if (begin > covered) return false;
    covered = std::max(covered, end);
  }
  return covered >= *p.end;
}

Buffer IpReassembler::assemble(const Pending& p) {
  Buffer out(*p.end);
  // Reverse arrival order, so where pieces overlap the first one received is written last.
  for (auto it = p.pieces.rbegin(); it != p.pieces.rend(); ++it) {
    std::copy(it->data.begin(), it->data.end(), out.begin() + it->offset);
  }
  return out;
}

}  // namespace l2tp::capture
