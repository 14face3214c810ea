// Conversations in a capture: the L2TPv2 tunnels, their two sides and roles, each side's control
// messages (with their bytes, AVPs and times), the sessions with their call messages and PPP
// frames. This is what `l2tpsim replay --list` shows and what a replayer plays one side of.
//
// How datagrams are tied together (RFC 2661): a header's Tunnel ID is the receiver's Assigned
// Tunnel ID, so "the tunnel end (address:port, ID)" names one side of one tunnel. An SCCRQ's
// Assigned Tunnel ID names its sender's end; the SCCRP, sent to that end, names the responder's
// end, wherever it comes from (8.1: the SCCRP may come from another port or address, and the LAC
// then sends there). A StopCCN carries its sender's Assigned Tunnel ID too, which is how the two
// directions of a tunnel whose start was not captured are paired. Sessions are paired the same
// way through the Assigned Session ID of ICRQ/ICRP, OCRQ/OCRP and CDN. Everything that cannot
// be tied or read is said in a note, never guessed silently.
//
// Bad input never throws or over-reads: the engine's bounds-checked decoders read every byte.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "capture/packet.hpp"
#include "engine/util/result.hpp"
#include "engine/wire/message.hpp"

namespace l2tp::capture {

enum class PeerRole : std::uint8_t { Unknown, Lac, Lns };
std::string_view to_string(PeerRole r);  // "LAC", "LNS", "unknown"

// A control message of a tunnel: which side sent it and where it sits in that side's list.
struct MessageRef {
  std::uint8_t side = 0;
  std::size_t index = 0;
};

// One control message (ZLBs included) as one side sent it.
struct ControlRecord {
  std::uint64_t frame = 0;
  std::int64_t time_ns = 0;
  Endpoint src, dst;
  Buffer bytes;                        // the L2TP message as captured, header included, up to Length
  wire::ControlMessage message;        // header and AVPs in wire order, typed where the AVP table
                                       // knows them, Raw otherwise (vendor, unknown, hidden)
  std::optional<DecodeError> error;    // why decoding stopped; `message.avps` holds the AVPs before
  bool truncated = false;              // the capture cut the frame: `bytes` is a prefix
  bool zlb = false;                    // no AVPs: an acknowledgement (RFC 2661 5.8)
  bool retransmission = false;         // same Ns and content (all but Nr) as an earlier one of this side
  std::optional<std::size_t> session;  // index in Tunnel::sessions, for call messages

  std::optional<std::uint16_t> message_type() const { return message.message_type(); }
  bool is(MessageType t) const { return message.known_type() == t; }
  // "SCCRQ", "ZLB", "type 99" (outside RFC 2661's list), "(no Message Type)" (none readable first).
  std::string type_name() const;
  // AVP i exactly as captured: flags (M, H, reserved), Length, Vendor ID, Attribute Type, value.
  Bytes avp_bytes(std::size_t i) const;
};

// One data message: the PPP frame it carries.
struct PppRecord {
  std::uint64_t frame = 0;
  std::int64_t time_ns = 0;
  std::uint8_t side = 0;  // who sent it
  wire::Header header;    // L, S, O, P bits, Ns/Nr and Offset Size as sent
  Buffer ppp;             // the PPP frame after the header and any offset padding
  bool truncated = false;
  std::optional<std::uint16_t> protocol;  // PPP protocol, when the frame could be read
};

// A StopCCN or CDN: who sent it and what it said.
struct Ending {
  std::uint8_t side = 0;
  std::uint64_t frame = 0;
  std::int64_t time_ns = 0;
  std::optional<avp::ResultCode> result;  // none when it carried no readable Result Code
};

struct Session {
  std::array<SessionId, 2> id{};  // per side: its Assigned Session ID (the other's header Session ID)
  std::array<bool, 2> id_known{};
  std::optional<MessageType> opened_by;  // ICRQ or OCRQ, when captured
  std::uint8_t opener = 0;               // the side that sent it
  bool connected = false;                // ICCN or OCCN captured
  std::vector<MessageRef> calls;         // its call messages, capture order
  std::vector<PppRecord> ppp;            // its data messages, capture order
  std::array<std::size_t, 2> ppp_count{};
  std::string user;       // PAP Peer-ID, CHAP Name, or Proxy Authen Name, the first seen
  std::string user_from;  // "PAP", "CHAP", "Proxy Authen Name"
  std::optional<Ending> cdn;
  std::uint64_t first_frame = 0, last_frame = 0;
  std::int64_t first_ns = 0, last_ns = 0;
  std::vector<std::string> notes;
};

struct SideCounts {
  std::size_t control = 0;          // control messages, ZLBs and retransmissions excluded
  std::size_t retransmissions = 0;  // control messages flagged as retransmissions
  std::size_t zlbs = 0;
  std::size_t data = 0;  // data messages (PPP frames)
};

struct TunnelSide {
  Endpoint endpoint;  // where it sends from and receives at
  bool endpoint_known = false;
  TunnelId tunnel_id;  // its Assigned Tunnel ID: what the other side puts in its header
  bool tunnel_id_known = false;
  PeerRole role = PeerRole::Unknown;
  std::string host_name, vendor_name;  // from its SCCRQ or SCCRP
  std::vector<ControlRecord> control;  // what it sent, capture order, ZLBs and retransmissions kept
  SideCounts counts;
  bool playable = false;     // its own part of the tunnel set-up is captured, whole, and its role known
  std::string not_playable;  // why not
};

struct Tunnel {
  // sides[0] sent the SCCRQ when it was captured, else the tunnel's first datagram.
  std::array<TunnelSide, 2> sides;
  std::vector<MessageRef> control_order;  // both sides' control messages in capture order
  std::vector<Session> sessions;          // by first frame
  bool role_guessed = false;              // no call message said who is the LAC (see notes)
  bool has_sccrq = false, has_sccrp = false, has_scccn = false;
  // Where the SCCRQ went when the SCCRP came from another address or port (RFC 2661 8.1).
  std::optional<Endpoint> sccrq_target;
  std::optional<Ending> stop;  // the StopCCN
  bool replayable = false;     // at least one side is playable
  std::string not_replayable;  // why not
  std::vector<std::string> notes;
  std::uint64_t first_frame = 0, last_frame = 0;
  std::int64_t first_ns = 0, last_ns = 0;
  std::size_t truncated = 0;  // its datagrams the capture cut short

  const ControlRecord& at(MessageRef r) const { return sides[r.side].control[r.index]; }
  std::optional<std::uint8_t> side_of(PeerRole r) const;
};

struct ConversationCounts {
  std::uint64_t packets = 0;       // everything the builder was given
  std::uint64_t l2tpv2 = 0;        // L2TPv2 datagrams, control and data
  std::uint64_t l2tpv3 = 0;        // L2TPv3 over IP or UDP: counted, not extracted
  std::uint64_t not_l2tp = 0;      // on an L2TP port, but neither L2TPv2 nor v3 (L2F, bad version)
  std::uint64_t other_udp = 0;     // UDP on other ports
  std::uint64_t ipsec = 0;         // of those, IKE (UDP 500) and NAT-T ESP (UDP 4500)
  std::uint64_t unattributed = 0;  // L2TPv2 datagrams that belong to no tunnel
  std::uint64_t truncated = 0;     // L2TPv2 datagrams the capture cut short
};

struct Conversations {
  std::vector<Tunnel> tunnels;  // by first frame
  ConversationCounts counts;
  std::vector<std::string> notes;  // about the capture as a whole
  std::int64_t first_ns = 0;       // time of the first packet, for relative times
};

struct ConversationOptions {
  std::set<std::uint16_t> ports{1701};  // UDP ports carrying L2TP (besides endpoints learned)
  // The captured tunnels' secret: reveals hidden AVPs (RFC 2661 4.3), so a hidden Assigned
  // Session ID still pairs a call's two directions. Empty: hidden AVPs stay concealed.
  std::string secret;
};

// Feed it every packet of a capture in file order, then call finish() once.
class ConversationBuilder {
 public:
  explicit ConversationBuilder(ConversationOptions options = {});
  ~ConversationBuilder();
  ConversationBuilder(ConversationBuilder&&) noexcept;
  ConversationBuilder& operator=(ConversationBuilder&&) noexcept;

  void add(const CapturedPacket& p);
  Conversations finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct CaptureConversations {
  Conversations conversations;
  std::string read_error;  // reading stopped early (a damaged record): what the reader said
};

// Reads a pcap/pcapng file and extracts its conversations. Fails when the file cannot be opened
// or is not a capture (the error names the file and the reason).
Result<CaptureConversations, std::string> read_conversations(const std::string& path,
                                                             const ConversationOptions& options = {});

}  // namespace l2tp::capture
