// The RFC 1661 section 4 option negotiation automaton, one class for LCP and every NCP.
// The state table of 4.1 is kept literally (rfc1661_transition, cell by cell); Automaton
// drives it: it turns packets, timer expiries and administrative commands into events,
// validates replies (identifiers, P018/P030/P034/P036), runs the actions and counts.
// What differs between protocols (which options to request, how to judge the peer's) lives
// in an OptionPolicy implemented by Lcp, Ipcp, Ipv6cp and Bcp.
//
// Sans-I/O: inputs are up/down/open/close, handle_packet and handle_timeout; after any of
// them drain poll_transmit (packets to frame and send), poll_event (this-layer-up/down/
// started/finished for the link) and re-read poll_timeout.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "engine/ppp/frame.hpp"
#include "engine/ppp/protocol.hpp"
#include "engine/time.hpp"
#include "engine/util/bytes.hpp"
#include "engine/util/fifo.hpp"
#include "engine/util/result.hpp"

namespace l2tp::ppp {

enum class State : std::uint8_t {
  Initial,
  Starting,
  Closed,
  Stopped,
  Closing,
  Stopping,
  ReqSent,
  AckRcvd,
  AckSent,
  Opened
};
const char* to_string(State s);

// The events of RFC 1661 4.3. RCR+/RCR- are one Configure-Request judged acceptable or not;
// TO+/TO- are the Restart timer expiring with the counter above zero or at zero; RXJ+/RXJ-
// are a Code-Reject or Protocol-Reject of something permitted or catastrophic.
enum class Event : std::uint8_t {
  Up,
  Down,
  Open,
  Close,
  TOp,
  TOm,
  RCRp,
  RCRm,
  RCA,
  RCN,
  RTR,
  RTA,
  RUC,
  RXJp,
  RXJm,
  RXR
};
const char* to_string(Event e);

// The actions of RFC 1661 4.4 as bits of Transition::actions.
namespace action {
constexpr std::uint16_t kTlu = 1 << 0;   // This-Layer-Up
constexpr std::uint16_t kTld = 1 << 1;   // This-Layer-Down
constexpr std::uint16_t kTls = 1 << 2;   // This-Layer-Started
constexpr std::uint16_t kTlf = 1 << 3;   // This-Layer-Finished
constexpr std::uint16_t kIrc = 1 << 4;   // Initialize-Restart-Count
constexpr std::uint16_t kZrc = 1 << 5;   // Zero-Restart-Count
constexpr std::uint16_t kScr = 1 << 6;   // Send-Configure-Request
constexpr std::uint16_t kSca = 1 << 7;   // Send-Configure-Ack
constexpr std::uint16_t kScn = 1 << 8;   // Send-Configure-Nak/Rej
constexpr std::uint16_t kStr = 1 << 9;   // Send-Terminate-Request
constexpr std::uint16_t kSta = 1 << 10;  // Send-Terminate-Ack
constexpr std::uint16_t kScj = 1 << 11;  // Send-Code-Reject
constexpr std::uint16_t kSer = 1 << 12;  // Send-Echo-Reply
}  // namespace action

struct Transition {
  std::uint16_t actions = 0;
  State next = State::Initial;
  bool operator==(const Transition&) const = default;
};

// One cell of the RFC 1661 4.1 table; nullopt for the cells marked '-' (the event cannot
// happen in that state; the automaton ignores it). Footnotes: [p] passive (TO- goes to
// Stopped), [r] restart option (not taken: Open in Opened/Stopped/Stopping/Closing only
// changes state as the table says), [x] crossed connection.
std::optional<Transition> rfc1661_transition(State s, Event e);

struct AutomatonConfig {
  Duration restart = std::chrono::seconds(3);  // Restart timer (P019)
  unsigned max_configure = 10;                 // Configure-Requests sent without answer (P021)
  unsigned max_terminate = 2;                  // Terminate-Requests sent (P020)
  unsigned max_failure = 5;                    // Naks we send before Naks become Rejects (P022)
};

// Why a protocol stopped; the link maps these to RFC 3145 disconnect causes and user messages.
enum class Stop : std::uint8_t {
  None,
  ClosedByUs,         // close() was called
  TerminatedByPeer,   // Terminate-Request received in Opened
  ConfigureTimeout,   // Max-Configure Configure-Requests without an answer
  TerminateTimeout,   // Max-Terminate Terminate-Requests without an answer (when nothing else applies)
  NegotiationFailed,  // Nak/Reject loop, or an option we require that the peer will not give
  CodeRejected,       // the peer Code-Rejected a code we need (P040)
  ProtocolRejected,   // the peer Protocol-Rejected this protocol (P042)
  LowerDown,          // Down event
  LoopedBack,         // LCP: our own Magic-Number keeps coming back (RFC 1661 6.4)
};
const char* to_string(Stop s);

struct StopInfo {
  Stop why = Stop::None;
  std::string detail;
};

// Notifications for the layer above (the link), in the order the actions ran.
enum class LayerEvent : std::uint8_t { Up, Down, Started, Finished };
const char* to_string(LayerEvent e);

// How a protocol treats codes other than 1-7.
enum class ExtraCode : std::uint8_t {
  Unknown,  // RUC: answered with Code-Reject (P039, P090)
  Rxr,      // Echo-Request/Reply, Discard-Request: handed to the policy in Opened (ser), else ignored
  Rxj,      // Protocol-Reject: handed to the policy in Opened (P043: ignored elsewhere)
};

// What differs between LCP, IPCP, IPv6CP and BCP. Called by the automaton only, from inside
// its inputs; implementations must not call back into the automaton's inputs. To stop the
// negotiation (an option the peer will not give, a loop) call fail(): the automaton then
// closes the protocol (or, for CodeRejected/ProtocolRejected, takes the RXJ- event) with that
// StopInfo.
class OptionPolicy {
 public:
  virtual ~OptionPolicy() = default;

  // A fresh negotiation starts (from Starting, Closed, Stopped or Opened): our request goes
  // back to what the configuration asks for and the peer's results are cleared.
  virtual void reset() = 0;
  // Appends the options of our next Configure-Request (without rejected ones, P036).
  virtual void build_request(Buffer& options) = 0;
  // Judges the peer's Configure-Request options (already checked to be a well-formed list).
  // Returns ConfAck (then `reply` is ignored: the automaton echoes the request, P029),
  // ConfNak or ConfRej with the reply options in `reply`. With reject_instead_of_nak, what
  // would be Nak'd is rejected (P022); ReplyBuilder does both.
  virtual Code judge_request(Bytes options, Buffer& reply, bool reject_instead_of_nak) = 0;
  // The peer acknowledged our request; `options` are exactly the ones we sent (P030).
  virtual bool handle_ack(Bytes options) = 0;
  // The peer Nak'd / Rejected our request (identifier checked; a Reject is a subset of what
  // we sent, P036). Return false when the packet is invalid: it is then discarded.
  virtual bool handle_nak(Bytes options) = 0;
  virtual bool handle_reject(Bytes options) = 0;

  // Name of an option type for StopInfo details ("MRU", "IP-Address"...).
  virtual std::string option_name(std::uint8_t type) const;
  virtual ExtraCode classify_code(std::uint8_t) const { return ExtraCode::Unknown; }
  // An Rxr or Rxj packet in Opened. Return false to have it Code-Rejected instead.
  virtual bool handle_extra_code(const Packet&, Time) { return true; }
  // A Code-Reject named `code`: true when that code is needed (RXJ-, P040). By default codes
  // 1-7 are, anything else (LCP's Echo...) is not.
  virtual bool code_is_required(std::uint8_t code) const { return code >= 1 && code <= 7; }
  // The peer Code-Rejected a code that is not required (RXJ+), e.g. Echo-Request.
  virtual void code_rejected(std::uint8_t) {}
  // Automaton::adopt: makes `options` (a well-formed list) our current request, as if we had
  // built and sent it. Returns why not when the configuration would never have asked for it
  // (an option we do not do, a value we cannot live with); by default nothing is adoptable.
  virtual std::optional<std::string> adopt_request(Bytes options);

  virtual void this_layer_up(Time) {}
  virtual void this_layer_down(Time) {}
  virtual void this_layer_started(Time) {}
  virtual void this_layer_finished(Time) {}

  // The automaton collects a failure reported by fail() (at most one is kept: the first).
  std::optional<StopInfo> take_failure();

 protected:
  void fail(Stop why, std::string detail);

 private:
  std::unique_ptr<StopInfo> failure_;  // rarely set: a pointer, not 48 octets in every policy
};

class Automaton {
 public:
  Automaton(std::uint16_t protocol, OptionPolicy& policy, const AutomatonConfig& cfg);

  // Administrative and lower-layer events (RFC 1661 4.3). `reason` goes into the
  // Terminate-Request's data and into StopInfo::detail.
  void up(Time now);
  void down(Time now);
  void open(Time now);
  void close(Time now, std::string reason);
  // Renegotiates from Opened, the lower layer staying up: RFC 1661 4.3 (Open, implementation
  // option) has an Open in Opened issue a Down immediately followed by an Up, which goes through
  // Starting (tld) to Req-Sent (irc, scr: a new Configure-Request with a new Identifier). Unlike
  // down(), no stop cause is kept: nothing stopped. False (nothing done) outside Opened.
  bool restart(Time now);

  // A control-protocol packet (the frame's Information field, after the Protocol field).
  // Malformed packets (P024) and invalid replies (P018) are counted and discarded.
  void handle_packet(Bytes cp, Time now);
  // Fires the Restart timer when due (TO+ / TO-). An early call does nothing.
  void handle_timeout(Time now);
  // When handle_timeout has work: the Restart timer, if running.
  std::optional<Time> poll_timeout() const { return timer_; }
  // The next packet to send, written into `cp` (replacing its contents) without the Protocol
  // field. False when nothing is queued.
  bool poll_transmit(Buffer& cp);
  // Layer notifications (tlu/tld/tls/tlf) in the order they happened.
  std::optional<LayerEvent> poll_event();

  // Queues a packet of a code outside 1-7 (Echo-Reply, Protocol-Reject...); id 0 takes a
  // fresh identifier. Returns the identifier used. send_with_id uses `id` as given, 0
  // included (replies copy the request's).
  std::uint8_t send(Code code, Bytes data, std::uint8_t id = 0);
  void send_with_id(Code code, Bytes data, std::uint8_t id);
  // The peer Protocol-Rejected this protocol (RXJ-): stop it (RFC 1661 5.7, P042).
  void protocol_rejected(Time now);

  // Takes over a negotiation someone else ran (proxy LCP, RFC 2661 4.4.5): as if our
  // Configure-Request with `our_options` had been Acked and we had Acked the peer's with
  // `peer_options`, the automaton goes from Initial or Starting straight to Opened (lower layer
  // up, administratively open) and This-Layer-Up follows. Nothing is sent and no timer runs.
  // The policy must accept both lists as it would have during a negotiation (adopt_request,
  // then judge_request must Ack); otherwise, or when a list is malformed, the error says why
  // and the automaton stays where it was with its policy reset, ready for up()/open().
  Result<void, std::string> adopt(Bytes our_options, Bytes peer_options, Time now);

  // The peer's MRU (from LCP): Code-Rejects are truncated to it (P039). 1500 by default.
  void set_peer_mru(std::uint16_t mru) { peer_mru_ = mru; }
  std::uint16_t peer_mru() const { return peer_mru_; }

  State state() const { return state_; }
  bool opened() const { return state_ == State::Opened; }
  const StopInfo& stop_info() const;
  // The state the automaton was in when the cause in stop_info() arose (for a Max-Configure
  // timeout: which of the two Configure-Requests had been acknowledged, RFC 1661 4.2).
  State stopped_from() const { return stopped_from_; }
  std::uint16_t protocol() const { return protocol_; }
  unsigned restart_count() const { return restart_count_; }

  // 16 bits, saturating: a link's exchanges are counted in tens, and every one of 100,000 links
  // has two automata (a flood of garbage stops counting at 65,535).
  struct Counters {
    std::uint16_t conf_req_sent = 0;  // every transmission, retransmissions included
    std::uint16_t conf_req_received = 0;
    std::uint16_t acks_sent = 0;      // Configure-Acks we sent (the peer's request accepted)
    std::uint16_t acks_received = 0;  // valid Configure-Acks of our request
    std::uint16_t naks_sent = 0;
    std::uint16_t naks_received = 0;
    std::uint16_t rejects_sent = 0;
    std::uint16_t rejects_received = 0;
    std::uint16_t term_req_sent = 0;
    std::uint16_t code_rejects_received = 0;
    std::uint16_t code_rejects_sent = 0;
    std::uint16_t discarded = 0;  // malformed packets, invalid replies, illegal-state packets
  };
  Counters counters() const { return counters_; }

 private:
  // What the event carries for the actions that answer a packet.
  struct Input {
    std::uint8_t id = 0;  // the received packet's identifier (sca, scn, sta)
    Bytes data;           // its Data (sca echoes it)
    Bytes packet;         // the whole packet up to Length (scj quotes it)
    const Packet* extra = nullptr;
    Code reply_code = Code::ConfAck;  // scn: Nak or Reject
    Buffer* reply = nullptr;          // scn: the reply options
  };

  void apply(Event e, Time now);
  void apply(Event e, Time now, const Input& in);
  void set_stop(Stop why, std::string detail);
  void fail_now(StopInfo info, Time now);
  bool check_failure(Time now);
  void fresh_start();
  void send_configure_request(bool retransmit, Time now);
  void answered();
  void send_terminate_request(bool retransmit, Time now);
  void queue(Code code, std::uint8_t id, Bytes data);
  std::string option_names(Bytes options) const;

  void on_configure_request(const Packet& p, Time now);
  void on_configure_reply(const Packet& p, Time now);
  void on_code_reject(const Packet& p, Bytes raw, Time now);
  void on_extra(const Packet& p, Bytes raw, Time now);

  // The one-octet and two-octet fields first, together: no padding between them.
  std::uint16_t protocol_;
  std::uint16_t peer_mru_ = 1500;
  State state_ = State::Initial;
  State stopped_from_ = State::Initial;
  std::uint8_t next_id_ = 1;
  // Our last Configure-Request: its id, whether a valid reply came, and (req_options_) its options.
  std::uint8_t req_id_ = 0;
  bool req_answered_ = true;
  bool fresh_done_ = false;  // policy reset already done for the event being processed
  std::uint8_t term_id_ = 0;
  unsigned restart_count_ = 0;
  OptionPolicy& policy_;
  AutomatonConfig cfg_;
  std::optional<Time> timer_;
  Buffer req_options_;  // freed once answered

  // Convergence guards (see the .cpp): Naks we sent since our last Ack, Naks+Rejects we
  // sent since our last Ack, Naks+Rejects we received since the peer's last Ack.
  unsigned naks_sent_in_row_ = 0;
  unsigned refusals_sent_in_row_ = 0;
  unsigned refusals_received_in_row_ = 0;
  // The last Configure-Request we refused (its Identifier and a digest of its options): the same
  // request again is a copy the network made or the peer's retransmission before our reply
  // arrived, answered alike but not counted against Max-Failure.
  std::optional<std::pair<std::uint8_t, std::uint32_t>> last_refused_;
  // Configure-Requests we sent since the peer's last one (the wait for the peer's, 5.1).
  unsigned sent_since_peer_request_ = 0;

  Fifo<Buffer> tx_;
  // At most two events per transition and a few transitions per input, polled after each.
  InlineFifo<LayerEvent, 8> events_;
  // What only a closing or failed negotiation has: kept apart, so that the 100,000 links of a
  // load run that negotiate and stay up carry a pointer instead of two strings.
  struct Ending {
    std::string term_reason;  // the Terminate-Request's Data
    StopInfo stop;
  };
  std::unique_ptr<Ending> ending_;
  Ending& ending();
  void clear_stop() {
    if (ending_) ending_->stop = {};
  }
  Counters counters_;
  static void bump(std::uint16_t& c) {
    if (c != 0xFFFF) ++c;
  }
};

}  // namespace l2tp::ppp
