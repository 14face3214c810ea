// A scenario as the runner sees it, once parse_scenario (parser.hpp) has read and checked a
// YAML file: the roles l2tpsim plays with their options (the `l2tpsim lac`/`lns` option names,
// RouterOS vocabulary), the faults to inject, and a timeline of steps with expectations. A
// conformance case is a scenario with a `case:` block (ID, title, requirement IDs, DUT role).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/time.hpp"
#include "engine/util/bytes.hpp"
#include "engine/wire/message.hpp"
#include "scenarios/fault.hpp"

namespace l2tp::scenario {

// Where something was written: file, 1-based line and column, and the key it belongs to.
struct Where {
  std::string file;
  int line = 0, column = 0;
  std::string key;
  std::string to_string() const;  // "file:3:7: faults[1].match.message"
};

enum class Role : std::uint8_t { Lac, Lns };
const char* to_string(Role r);

// One option of a role, as `l2tpsim lac|lns --name value` takes it ("true" for a flag).
struct RoleOption {
  std::string name, value;
  Where where;
};

struct RoleConfig {
  Role role = Role::Lac;
  std::vector<RoleOption> options;
  Where where;
  const RoleOption* find(const std::string& name) const;
};

// What a message from the peer must look like.
struct MessageMatch {
  std::string message;  // "SCCRP", "StopCCN", "ZLB", "data", "control" (any but ZLB), "any"
  std::optional<std::uint16_t> result, error;  // Result Code AVP (StopCCN, CDN)
  std::vector<std::uint16_t> has_avps;         // carries these AVP types (vendor 0)
  std::vector<std::uint16_t> lacks_avps;       // carries none of these
  // Carries each of these AVPs (vendor 0) with exactly these value octets (a hidden one as
  // revealed with the secret): the emitted regression cases pin the peer's capabilities.
  struct AvpValue {
    std::uint16_t type = 0;
    Buffer value;
  };
  std::vector<AvpValue> avp_values;
  std::optional<bool> hidden;                 // some AVP has the H bit (true) / none has (false)
  std::optional<std::uint16_t> ppp_protocol;  // data: PPP protocol
  std::optional<std::uint8_t> ppp_code;       // data: code of the control packet
  std::optional<bool> session_zero;           // header Session ID is 0 (true) or not (false)
  std::string to_string() const;
};

enum class EventKind : std::uint8_t {
  TunnelUp,
  TunnelDown,
  SessionUp,
  SessionDown,
  PppUp,
  PppDown,
  AuthFailed
};
const char* to_string(EventKind k);

// What the engine must report about the peer.
struct EventMatch {
  EventKind kind = EventKind::TunnelUp;
  std::optional<std::uint16_t> result, error;  // of the StopCCN/CDN that ended it
  std::optional<bool> by_peer;                 // the peer ended it (StopCCN/CDN received)
  std::string to_string() const;
};

struct Expect {
  bool none = false;  // expect-none: nothing matching may happen within `within`
  std::variant<MessageMatch, EventMatch> what;
  Duration within = std::chrono::seconds(5);
  unsigned count = 1;  // at least this many (expect), from the step's start
  bool setup = false;  // a failure makes the case inconclusive (its premise), not failed
  std::string note;    // the case's words for this check
  // What the check judges: a catalogue ID ("R024") whose level decides whether a miss fails
  // the case (MUST) or warns (SHOULD, a state-table row, a defined code), and the RFC clause
  // it rests on ("4.1: ... MUST cause the session or tunnel to be terminated"), for reviewers.
  std::string requirement;
  std::string clause;
  // Retransmissions: the matching messages must repeat at least `count` times with the same Ns,
  // each gap at least 1.5 times the one before or both at the 8 s cap (RFC 2661 5.8 backoff).
  bool backoff = false;
  // Counts only what came after the frame (or event) that met the expectation before this one,
  // not all since the last action: "the DUT's answer to what it just did" when that comes
  // within a millisecond, faster than a step could begin.
  bool after_match = false;
  Where where;
  std::string to_string() const;
};

struct OpenTunnels {
  unsigned count = 1;
};
struct OpenSessions {
  unsigned count = 1;  // on the tunnels opened so far, round-robin
};
struct Wait {
  Duration time{};
};
struct CloseSessions {
  std::uint16_t result = 3;
  std::optional<std::uint16_t> error;
};
struct CloseTunnels {
  std::uint16_t result = 6;
  std::optional<std::uint16_t> error;
};
// A shell command, e.g. to make a LAC under test dial (`echo "c lac" > /var/run/xl2tpd/...`).
struct Shell {
  std::string command;
  Duration timeout = std::chrono::seconds(10);
  bool background = false;
};
// A hand-made datagram to the peer, outside any control channel (a new tunnel's SCCRQ with a
// broken header, say): the bytes as written, from our first local address.
struct SendRaw {
  Buffer bytes;
};
// Where a `send:` goes (`in:`): outside any control channel (as written, from our first local
// address), or through the control channel of the tester's first tunnel (`in: tunnel`) or of
// its first call's tunnel (`in: call`), where the engine fills in the live parts.
enum class SendIn : std::uint8_t { Wire, Tunnel, Call };

// An AVP value written `live`: filled in from the engine's state when the step runs.
enum class LiveValue : std::uint8_t {
  OurTunnelId,   // assigned-tunnel-id: our Tunnel ID of that tunnel
  OurSessionId,  // assigned-session-id: our Session ID of the call (in: call)
  RandomVector,  // random-vector: 16 fresh octets
};

// A control message built from fields (`send:`). Outside a control channel (SendIn::Wire) it is
// encoded when the file is read (a field that cannot be encoded is an error at its line) and
// sent like SendRaw. Inside one (`in:`) the engine sends `message` through the tunnel's control
// channel (Node::send_control): header Tunnel ID the peer's, Ns and Nr the channel's, acked and
// retransmitted; the header Session ID as written or, in a call without one, the peer's; the
// AVPs in `live` get their values then. `what` names it for the progress lines ("SCCRQ").
struct Send {
  Buffer bytes;
  std::string what;
  SendIn in = SendIn::Wire;
  wire::ControlMessage message;
  bool peer_session = false;  // in: call, no `session:`: the header Session ID is the peer's
  std::vector<std::pair<std::size_t, LiveValue>> live;  // index in message.avps, what goes there
};
// The peer restart fault (`restart: true`): the tester forgets every tunnel and call at once,
// sends nothing (no StopCCN, no CDN), and comes back on the same local addresses and ports, so
// the next `open-tunnels` reaches the peer from an address and port it still has tunnels with.
struct Restart {};

using Step = std::variant<OpenTunnels, OpenSessions, Wait, Expect, CloseSessions, CloseTunnels, Shell,
                          SendRaw, Send, Restart>;

struct StepAt {
  Step step;
  Where where;
};

struct CaseInfo {
  std::string id, title;
  std::vector<std::string> requirements;  // "R024", "P042": checked against the catalogue
  Role dut = Role::Lns;                   // the device under test's role
  std::vector<std::string> needs;         // "secret", "user", "trigger": else not applicable
  std::string description;
};

// Named faults that are wrong configuration rather than wrong bytes: the tester's PPP password
// or tunnel secret is spoiled (a suffix added), so the peer sees credentials that do not match.
struct ConfigFaults {
  bool bad_ppp_password = false;
  bool wrong_tunnel_secret = false;
};

struct Scenario {
  std::string file;
  ConfigFaults config_faults;
  std::optional<CaseInfo> case_info;
  std::optional<std::uint64_t> seed;
  std::optional<RoleConfig> lac, lns;  // the roles l2tpsim plays (both: a self-test)
  std::vector<FaultRule> faults;
  std::vector<StepAt> steps;
};

}  // namespace l2tp::scenario
