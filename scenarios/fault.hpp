// The fault layer: sits between the engine (Node) and the wire, in both directions, and does
// to datagrams what a scenario's `faults:` rules say (drop, delay, duplicate, reorder, corrupt,
// edit AVPs, headers and lengths, withhold acknowledgements). Faults live here, not as `if`s in
// the state machines: the engine always behaves correctly, and the layer makes the wire lie.
//
// Sans-I/O like the engine: handle() takes a datagram and the time, poll() hands out what may
// cross now (in order), poll_timeout() says when a delayed or held datagram falls due. The
// transport calls poll() after every handle() and when the timeout fires.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "engine/net/address.hpp"
#include "engine/time.hpp"
#include "engine/util/bytes.hpp"
#include "engine/util/rng.hpp"

namespace l2tp::scenario {

// Out: from us (the engine) to the peer. In: from the peer to us.
enum class Direction : std::uint8_t { Out, In };
const char* to_string(Direction d);

struct Datagram {
  Direction direction = Direction::Out;
  net::Endpoint from, to;
  Buffer bytes;
};

// Which datagrams a rule applies to. Every field that is set must match.
struct FaultMatch {
  Direction direction = Direction::Out;
  // Message kind: a control message name as l2tpsim prints it ("SCCRQ", "StopCCN", "HELLO", ...),
  // "ZLB", "control" (any control message but a ZLB), "data" (any data message), or empty (any).
  std::string message;
  std::optional<std::uint16_t> avp;           // control: carries an AVP of this type (vendor 0)
  std::optional<std::uint16_t> tunnel;        // header Tunnel ID
  std::optional<std::uint16_t> session;       // header Session ID
  std::optional<std::uint16_t> ns;            // header Ns (control)
  std::optional<std::uint16_t> ppp_protocol;  // data: PPP protocol (0xc021 LCP, ...)
  std::optional<std::uint8_t> ppp_code;       // data: code of an LCP/NCP/auth packet
  unsigned skip = 0;                          // let this many matching datagrams pass untouched first
  std::optional<unsigned> count;              // then act on at most this many (default: every one)
};

// An AVP edit. `type` selects the AVP (vendor 0 unless `vendor` is set) for remove/alter; for
// add it is the new AVP's type.
struct AvpEdit {
  std::uint16_t vendor = 0;
  std::uint16_t type = 0;
  std::optional<bool> mandatory;              // set/clear the M bit (add: default true)
  std::optional<bool> hidden;                 // set/clear the H bit (no re-encryption: only the flag)
  std::optional<Buffer> value;                // replace the value bytes (add: default empty)
  std::optional<std::uint16_t> length_field;  // write this AVP Length instead of the true one
  std::optional<std::size_t> position;        // add: index among the AVPs (default: at the end)
};

// A header edit on a control or data message.
struct HeaderEdit {
  std::optional<std::uint16_t> tunnel, session, ns, nr;
  std::optional<std::uint8_t> version;
  std::optional<std::uint16_t> length_field;  // written instead of the true Length
  std::optional<std::uint16_t> set_flags;     // OR into the 16-bit flags/version word
  std::optional<std::uint16_t> clear_flags;   // AND NOT
};

enum class FaultAction : std::uint8_t {
  Drop,         // never delivered
  Delay,        // delivered after `delay`
  Duplicate,    // delivered, and `copies` more copies right after
  Reorder,      // held until the next datagram in the same direction has gone (or `delay`
                // passes), then delivered after it
  Corrupt,      // `corrupt_bytes` octets XORed with `xor_mask` from `corrupt_offset`
  AddAvp,       // avp edit: insert
  RemoveAvp,    // avp edit: remove every AVP of that type
  AlterAvp,     // avp edit: flags, value, length field
  AlterHeader,  // header edit
  Truncate,     // cut the datagram to `truncate_to` octets
};
const char* to_string(FaultAction a);

struct FaultRule {
  std::string name;  // for reports ("lost-hello", or "rule 2")
  FaultMatch match;
  FaultAction action = FaultAction::Drop;
  Duration delay{};                // Delay; Reorder's longest hold (default 1 s when zero);
                                   // Duplicate: the copies follow this much later (zero: at once)
  unsigned copies = 1;             // Duplicate
  std::size_t corrupt_offset = 0;  // Corrupt
  std::size_t corrupt_bytes = 1;
  std::uint8_t xor_mask = 0xff;
  std::size_t truncate_to = 0;  // Truncate
  AvpEdit avp;                  // AddAvp, RemoveAvp, AlterAvp
  HeaderEdit header;            // AlterHeader
  // False: a safeguard that may never apply (the case is still conclusive without it).
  bool required = true;
};

struct FaultStats {
  std::string name;
  std::uint64_t matched = 0;  // datagrams that matched (skip included)
  std::uint64_t applied = 0;  // datagrams the action was applied to
  bool required = true;       // FaultRule::required
};

class FaultLayer {
 public:
  explicit FaultLayer(std::vector<FaultRule> rules);

  // A datagram crossing the layer at `now`. Rules are tried in order; the first rule that
  // matches and still has count left acts on it (one action per datagram).
  void handle(Datagram d, Time now);
  // The next datagram that may cross now, in order (nullopt when none is due).
  std::optional<Datagram> poll(Time now);
  // When the earliest delayed or held datagram falls due.
  std::optional<Time> poll_timeout() const;

  const std::vector<FaultStats>& stats() const { return stats_; }
  bool empty() const { return rules_.empty(); }

 private:
  std::vector<FaultRule> rules_;
  std::vector<FaultStats> stats_;
  // Implementation detail: ready queue, timed queue, held (reorder) datagrams.
  std::deque<Datagram> ready_;
  std::vector<std::pair<Time, Datagram>> timed_;
  std::vector<std::pair<Time, Datagram>> held_;  // Reorder: per direction, released after the next
  std::vector<unsigned> skipped_;                // per rule: matching datagrams let through by `skip`

  // Queues a datagram to cross now, then releases what Reorder holds in its direction.
  void deliver(Datagram d);
  void release_held(Direction dir);
};

}  // namespace l2tp::scenario
