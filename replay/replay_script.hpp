// The script of one side of a captured tunnel, as a replay plays it: every control message that
// side sent (first transmissions, AVPs revealed where the capture secret allows), the actions it
// took on its own (dial the tunnel, open a call, hang up, stop the tunnel) with their captured
// offsets from the tunnel's SCCRQ, and what the engine must be told to behave like it (tunnel
// authentication, receive window, data sequencing). Built from capture::Conversations; pure
// data, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capture/conversation.hpp"
#include "engine/events.hpp"
#include "engine/util/result.hpp"
#include "engine/wire/message.hpp"

namespace l2tp::replay {

// One control message the played side sent (retransmissions and ZLBs left out: the live
// engine acknowledges and retransmits on its own).
struct ScriptMessage {
  MessageType type{};
  std::size_t occurrence = 0;    // among the side's messages of this type, from 0
  wire::ControlMessage message;  // as captured, hidden AVPs revealed when they could be
  std::uint64_t frame = 0;
  std::int64_t time_ns = 0;
  std::optional<std::size_t> session;  // index in capture::Tunnel::sessions
};

enum class ActionKind : std::uint8_t {
  OpenTunnel,    // send the SCCRQ (the initiator's first act)
  OpenSession,   // ICRQ (LAC) or OCRQ (LNS)
  CloseSession,  // CDN with the captured Result Code
  CloseTunnel,   // StopCCN with the captured Result Code
  SendMessage,   // WEN or SLI as captured, through the control channel (Node::send_control)
};
const char* to_string(ActionKind k);

// Something the played side did on its own, not in answer to the peer.
struct ScriptAction {
  ActionKind kind{};
  std::int64_t offset_ns = 0;          // after the tunnel's SCCRQ in the capture
  std::optional<std::size_t> session;  // the captured session it concerns
  ResultInfo result;                   // Close*: the Result Code captured
  std::uint64_t frame = 0;             // SendMessage: the captured message's (ReplayScript::sent)
};

// A hidden AVP the capture secret could not reveal (RFC 2661 4.3): it cannot be hidden again
// with another secret.
struct ConcealedAvp {
  std::uint64_t frame = 0;
  std::string message;
  std::uint16_t vendor = 0, type = 0;
};

struct ReplayScript {
  std::size_t tunnel = 0;                               // index in Conversations::tunnels
  capture::PeerRole role = capture::PeerRole::Unknown;  // the side played
  std::uint8_t side = 0, peer_side = 1;
  bool initiator = false;  // the played side sent the SCCRQ
  std::int64_t start_ns = 0;
  std::vector<ScriptMessage> messages;
  std::vector<ScriptAction> actions;  // in offset order
  std::vector<ConcealedAvp> concealed;
  std::vector<std::string> notes;
  // How the engine must behave to match: a Challenge in our SCCRQ/SCCRP (tunnel
  // authentication, 5.1.1), our Receive Window Size (4.4.3; 4 when absent, R075), Sequencing
  // Required in our ICCN (4.4.6), and the host name we announced.
  bool challenge = false;
  std::uint16_t receive_window = 4;
  bool sequencing_required = false;
  std::string host_name;

  // The captured message to shape the live one of `type` from: its `occurrence`-th, else the
  // last of that type (a HELLO the live run sends more often than the capture did).
  const ScriptMessage* find(MessageType type, std::size_t occurrence) const;
  // The message of captured frame `frame` for call `session` (a clone's own copy).
  const ScriptMessage* sent(std::uint64_t frame, std::optional<std::size_t> session) const;
};

struct ScriptOptions {
  std::string capture_secret;  // reveals the capture's hidden AVPs
};

// The script of side `play` (LAC or LNS) of tunnel `index`. Fails when that side cannot be
// played (what --list says under "replayable").
Result<ReplayScript, std::string> make_script(const capture::Conversations& conv, std::size_t index,
                                              capture::PeerRole play, const ScriptOptions& options);

// The first tunnel whose `play` side can be played; nullopt if none.
std::optional<std::size_t> first_playable(const capture::Conversations& conv, capture::PeerRole play);

}  // namespace l2tp::replay
