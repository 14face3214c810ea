// Shared by the steps of conversation extraction (conversation.cpp groups datagrams into
// tunnels, conversation_tunnel.cpp assembles one tunnel, conversation_verdict.cpp judges roles
// and replayability). Not for use outside capture/.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capture/conversation.hpp"

namespace l2tp::capture::detail {

// One side of one tunnel: the address and port it receives at, and its Assigned Tunnel ID.
struct TunnelEnd {
  Endpoint ep;
  std::uint16_t id = 0;
  bool operator==(const TunnelEnd&) const = default;
};
struct TunnelEndHash {
  std::size_t operator()(const TunnelEnd& e) const noexcept {
    return std::hash<Endpoint>{}(e.ep) * 31 + e.id;
  }
};

// One L2TPv2 datagram, kept from add() until finish().
struct Datagram {
  std::uint64_t frame = 0;
  std::int64_t time_ns = 0;
  Endpoint src, dst;
  Buffer bytes;  // the message up to Length, or what was captured of it
  bool truncated = false;
  std::uint32_t wire_length = 0;
  bool control = false;
  wire::Header header;
  std::optional<DecodeError> error;
  wire::ControlMessage message;              // control: the AVPs that could be read
  std::size_t ppp_offset = 0, ppp_size = 0;  // data: the PPP frame within `bytes`
  std::optional<TunnelEnd> to;               // the receiver's end: header Tunnel ID (not 0)
  std::optional<TunnelEnd> from;             // the sender's end: its Assigned Tunnel ID
  std::size_t group = 0;
};

// What the grouping step learned about a tunnel besides its datagrams.
struct GroupFacts {
  std::vector<std::string> notes;
  std::optional<Endpoint> sccrq_target;  // where the SCCRQ went
};

// A control message's octets with its Nr zeroed: two sends of one message compare equal even
// when the retransmission acknowledges more (RFC 2661 5.8 lets Nr move on).
Buffer content_key(const Datagram& d);

// The text of a Host Name, Vendor Name... AVP; empty when absent or unreadable.
std::string text_avp(const wire::ControlMessage& m, AvpType t);
// A StopCCN or CDN as an Ending.
Ending ending_of(const ControlRecord& r, std::uint8_t side);

// Groups a tunnel's call messages and PPP frames into sessions (conversation_sessions.cpp).
class SessionGrouper {
 public:
  SessionGrouper();
  ~SessionGrouper();
  SessionGrouper(const SessionGrouper&) = delete;
  SessionGrouper& operator=(const SessionGrouper&) = delete;

  // A call message (ICRQ, ICRP, ICCN, OCRQ, OCRP, OCCN, CDN, WEN, SLI), control record `ref`;
  // `repeat`: a retransmission. False when it names no session (no Session ID of either end).
  bool add_call(MessageRef ref, const wire::ControlMessage& m, MessageType type, bool repeat);
  // A data message to a non-zero header Session ID.
  void add_data(PppRecord p, std::uint16_t session);
  // Fills t.sessions (by first frame) and each call's ControlRecord::session; once, after the
  // tunnel's control records are all in place.
  void build(Tunnel& t);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Builds one tunnel from its datagrams (in capture order).
Tunnel assemble_tunnel(const std::vector<const Datagram*>& datagrams, GroupFacts facts);

// Roles, notes on what is missing, and whether each side can be played.
void judge_tunnel(Tunnel& t);
// Only whether each side can be played (after roles changed).
void judge_playability(Tunnel& t);
// Roles for tunnels nothing in themselves decides, from a tunnel between the same two
// addresses whose roles are known; then re-judges them.
void borrow_roles(std::vector<Tunnel>& tunnels);

// "frame 12" / "frames 3, 4, 9" / "frames 3, 4, 9 and 17 more".
std::string frame_list(const std::vector<std::uint64_t>& frames);

}  // namespace l2tp::capture::detail
