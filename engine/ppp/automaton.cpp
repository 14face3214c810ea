// The RFC 1661 section 4 automaton. The table is rfc1661_transition (automaton_table.cpp,
// copied cell by cell from 4.1); Automaton::apply runs a cell's actions. Everything else here
// decides which event a packet is (4.3) and keeps negotiation from looping forever.
#include "engine/ppp/automaton.hpp"

#include <algorithm>

#include "engine/ppp/options.hpp"

namespace l2tp::ppp {

namespace {

using S = State;
using namespace action;

// FNV-1a over a request's options: tells a copy of a request from a new one with the same
// Identifier (a peer that changed its options without changing the Identifier).
std::uint32_t digest(Bytes data) {
  std::uint32_t h = 2166136261u;
  for (const std::uint8_t b : data) h = (h ^ b) * 16777619u;
  return h ^ static_cast<std::uint32_t>(data.size());
}

// States in which the Restart timer runs (those with TO events, 4.1).
bool timer_runs_in(State s) {
  return s == S::Closing || s == S::Stopping || s == S::ReqSent || s == S::AckRcvd || s == S::AckSent;
}

// States a Send-Configure-Request starts a new negotiation from (not a reply to a Nak or a
// retransmission): the policy's request goes back to the configured one.
bool negotiation_starts_from(State s) {
  return s == S::Starting || s == S::Closed || s == S::Stopped || s == S::Opened;
}

// Peer-supplied text (Terminate-Request data) made safe for a log line.
std::string printable(Bytes b) {
  std::string s;
  for (std::uint8_t c : b.first(std::min<std::size_t>(b.size(), 64)))
    s += (c >= 0x20 && c < 0x7F) ? static_cast<char>(c) : '.';
  return s;
}

}  // namespace

std::string OptionPolicy::option_name(std::uint8_t type) const {
  return "option " + std::to_string(type);
}

std::optional<StopInfo> OptionPolicy::take_failure() {
  if (!failure_) return std::nullopt;
  std::optional<StopInfo> f = std::move(*failure_);
  failure_.reset();
  return f;
}

std::optional<std::string> OptionPolicy::adopt_request(Bytes) {
  return "this protocol cannot take over a negotiation";
}

void OptionPolicy::fail(Stop why, std::string detail) {
  if (!failure_) failure_ = std::make_unique<StopInfo>(StopInfo{why, std::move(detail)});
}

Automaton::Automaton(std::uint16_t protocol, OptionPolicy& policy, const AutomatonConfig& cfg)
    : protocol_(protocol), policy_(policy), cfg_(cfg) {}

Automaton::Ending& Automaton::ending() {
  if (!ending_) ending_ = std::make_unique<Ending>();
  return *ending_;
}

const StopInfo& Automaton::stop_info() const {
  static const StopInfo kNone;
  return ending_ ? ending_->stop : kNone;
}

void Automaton::up(Time now) {
  apply(Event::Up, now);
}

void Automaton::down(Time now) {
  if (state_ != S::Initial && state_ != S::Starting)
    set_stop(Stop::LowerDown,
             protocol_name(protocol_) + ": lower layer went down in state " + to_string(state_));
  apply(Event::Down, now);
}

void Automaton::open(Time now) {
  if (state_ == S::Initial) clear_stop();  // a new administrative open; Closed resets at scr
  apply(Event::Open, now);
}

bool Automaton::restart(Time now) {
  if (state_ != S::Opened) return false;
  apply(Event::Down, now);  // tld: Starting
  apply(Event::Up, now);    // irc, scr (a fresh negotiation: negotiation_starts_from Starting)
  return true;
}

void Automaton::close(Time now, std::string reason) {
  set_stop(Stop::ClosedByUs, reason);
  ending().term_reason = std::move(reason);
  apply(Event::Close, now);
}

void Automaton::protocol_rejected(Time now) {
  if (!rfc1661_transition(state_, Event::RXJm)) return;
  set_stop(Stop::ProtocolRejected, "peer Protocol-Rejected " + protocol_name(protocol_));
  apply(Event::RXJm, now);
}

Result<void, std::string> Automaton::adopt(Bytes our_options, Bytes peer_options, Time now) {
  const std::string name = protocol_name(protocol_);
  if (state_ != S::Initial && state_ != S::Starting)
    return unexpected(name + ": cannot take over a negotiation in state " + to_string(state_));
  if (auto p = parse_options(our_options); !p) return unexpected(name + ": our request: " + p.error());
  if (auto p = parse_options(peer_options); !p)
    return unexpected(name + ": the peer's request: " + p.error());
  fresh_start();
  auto refuse = [&](std::string why) -> Result<void, std::string> {
    policy_.reset();  // nothing of the refused lists stays
    (void)policy_.take_failure();
    fresh_done_ = false;
    return unexpected(name + ": " + std::move(why));
  };
  // Ours first: judging the peer's Magic-Number compares it with the one we asked for.
  if (auto why = policy_.adopt_request(our_options)) return refuse("our request: " + *why);
  Buffer reply;
  const Code verdict = policy_.judge_request(peer_options, reply, false);
  if (auto f = policy_.take_failure()) return refuse(f->detail);
  if (verdict != Code::ConfAck)
    return refuse(std::string("we would answer the peer's request with ") + to_string(verdict) + " (" +
                  option_names(reply) + ")");
  if (!policy_.handle_ack(our_options)) return refuse("our request cannot be taken as acknowledged");
  if (auto f = policy_.take_failure()) return refuse(f->detail);

  req_options_ = Buffer();  // answered: nothing reads them again (see answered())
  req_answered_ = true;
  fresh_done_ = false;
  restart_count_ = 0;
  timer_.reset();
  state_ = S::Opened;
  policy_.this_layer_up(now);
  events_.push_back(LayerEvent::Up);
  return {};
}

void Automaton::handle_timeout(Time now) {
  if (!timer_ || now < *timer_) return;
  timer_.reset();
  // Each Configure-Ack of ours restarts the count (irc, RFC 1661 4.1), so a peer that
  // acknowledges our requests but never sends its own (5.1) would keep us between Req-Sent and
  // Ack-Rcvd for ever: after Max-Configure requests with none of the peer's in between, give up
  // as the count running out would (TO-).
  const bool peer_silent =
      (state_ == S::ReqSent || state_ == S::AckRcvd) && sent_since_peer_request_ >= cfg_.max_configure;
  if (restart_count_ > 0 && !peer_silent) {
    apply(Event::TOp, now);
    return;
  }
  if (peer_silent && counters_.acks_received > 0) {
    set_stop(Stop::ConfigureTimeout,
             protocol_name(protocol_) + ": no Configure-Request from the peer after " +
                 std::to_string(sent_since_peer_request_) + " of ours (state " + to_string(state_) + ")");
  } else if (state_ == S::ReqSent || state_ == S::AckRcvd || state_ == S::AckSent) {
    set_stop(Stop::ConfigureTimeout, protocol_name(protocol_) + ": no Configure-Ack after " +
                                         std::to_string(cfg_.max_configure) + " Configure-Requests (state " +
                                         to_string(state_) + ")");
  } else if (state_ == S::Closing || state_ == S::Stopping) {
    set_stop(Stop::TerminateTimeout, protocol_name(protocol_) + ": no Terminate-Ack after " +
                                         std::to_string(cfg_.max_terminate) + " Terminate-Requests");
  }
  apply(Event::TOm, now);
}

bool Automaton::poll_transmit(Buffer& cp) {
  if (tx_.empty()) return false;
  cp = std::move(tx_.front());
  tx_.pop_front();
  return true;
}

std::optional<LayerEvent> Automaton::poll_event() {
  if (events_.empty()) return std::nullopt;
  const LayerEvent e = events_.front();
  events_.pop_front();
  return e;
}

std::uint8_t Automaton::send(Code code, Bytes data, std::uint8_t id) {
  if (id == 0) id = next_id_++;
  queue(code, id, data);
  return id;
}

void Automaton::send_with_id(Code code, Bytes data, std::uint8_t id) {
  queue(code, id, data);
}

void Automaton::queue(Code code, std::uint8_t id, Bytes data) {
  Buffer b;
  write_packet(b, code, id, data);
  tx_.push_back(std::move(b));
}

void Automaton::set_stop(Stop why, std::string detail) {
  // The first cause of a stop is the one worth reporting (a Close that follows a failure, or
  // the Down that follows a Close, is a consequence).
  if (stop_info().why == Stop::None) {
    ending().stop = StopInfo{why, std::move(detail)};
    stopped_from_ = state_;
  }
}

void Automaton::fresh_start() {
  policy_.reset();
  naks_sent_in_row_ = 0;
  refusals_sent_in_row_ = 0;
  refusals_received_in_row_ = 0;
  last_refused_.reset();
  sent_since_peer_request_ = 0;
  clear_stop();
  fresh_done_ = true;
}

std::string Automaton::option_names(Bytes options) const {
  std::string out;
  OptionReader r(options);
  while (auto o = r.next()) {
    if (!*o) break;
    if (!out.empty()) out += ", ";
    out += policy_.option_name((*o)->type);
  }
  return out.empty() ? "no options" : out;
}

// A negotiation that cannot finish: say why, then leave through a legal event. A rejected
// code or protocol is RXJ- (4.3); anything else is our own Close (Terminate-Request, so the
// peer learns it too).
void Automaton::fail_now(StopInfo info, Time now) {
  const Stop why = info.why;
  if (why != Stop::CodeRejected && why != Stop::ProtocolRejected) ending().term_reason = info.detail;
  ending().stop = std::move(info);
  stopped_from_ = state_;
  const Event e = (why == Stop::CodeRejected || why == Stop::ProtocolRejected) ? Event::RXJm : Event::Close;
  if (rfc1661_transition(state_, e)) apply(e, now);
}

bool Automaton::check_failure(Time now) {
  auto f = policy_.take_failure();
  if (!f) return false;
  fail_now(std::move(*f), now);
  return true;
}

// A valid reply came to our last request: it is not sent again (a new one is rebuilt) and a
// second reply is discarded on req_answered_ alone, so its options are freed (an opened link
// would otherwise keep them for its life).
void Automaton::answered() {
  req_answered_ = true;
  req_options_ = Buffer();
}

void Automaton::send_configure_request(bool retransmit, Time now) {
  // P028: a retransmission of an unanswered request keeps its identifier and options; any
  // other request is rebuilt and gets a new identifier.
  if (!retransmit || req_answered_) {
    req_options_.clear();
    req_options_.reserve(32);  // room for a usual request: one allocation, not one per option
    policy_.build_request(req_options_);
    req_id_ = next_id_++;
  }
  req_answered_ = false;
  queue(Code::ConfReq, req_id_, req_options_);
  bump(counters_.conf_req_sent);
  ++sent_since_peer_request_;
  if (restart_count_ > 0) --restart_count_;
  timer_ = now + cfg_.restart;
}

void Automaton::send_terminate_request(bool retransmit, Time now) {
  if (!retransmit) term_id_ = next_id_++;
  Bytes reason = ending_ ? as_bytes(ending_->term_reason) : Bytes{};
  reason = reason.first(std::min<std::size_t>(reason.size(), peer_mru_ > 4 ? peer_mru_ - 4u : 0));
  queue(Code::TermReq, term_id_, reason);
  bump(counters_.term_req_sent);
  if (restart_count_ > 0) --restart_count_;
  timer_ = now + cfg_.restart;
}

void Automaton::apply(Event e, Time now) {
  apply(e, now, Input{});
}

void Automaton::apply(Event e, Time now, const Input& in) {
  const auto t = rfc1661_transition(state_, e);
  if (!t) {
    fresh_done_ = false;
    return;  // '-': cannot happen in this state; ignored
  }
  const State from = state_;
  const std::uint16_t a = t->actions;

  if (a & kTld) {
    policy_.this_layer_down(now);
    events_.push_back(LayerEvent::Down);
  }
  if (a & kIrc) restart_count_ = (a & kStr) ? cfg_.max_terminate : cfg_.max_configure;
  if (a & kZrc) {
    // RFC 1661 4.4: zero the count but run the timer once, so a Terminate-Ack is not
    // followed at once by the lower layer going away (P013).
    restart_count_ = 0;
    timer_ = now + cfg_.restart;
  }
  if (a & kScr) {
    if (!fresh_done_ && negotiation_starts_from(from)) fresh_start();
    send_configure_request(e == Event::TOp, now);
  }
  if (a & kSca) {
    queue(Code::ConfAck, in.id, in.data);  // P029: the options exactly as received
    bump(counters_.acks_sent);
  }
  if ((a & kScn) && in.reply) {
    queue(in.reply_code, in.id, *in.reply);
    bump(in.reply_code == Code::ConfNak ? counters_.naks_sent : counters_.rejects_sent);
  }
  if (a & kStr) send_terminate_request(e == Event::TOp, now);
  if (a & kSta) queue(Code::TermAck, in.id, {});  // P037: the request's identifier
  if (a & kScj) {
    // P039: a new identifier; the rejected packet truncated to the peer's MRU.
    const std::size_t room = peer_mru_ > 4 ? peer_mru_ - 4u : 0;
    queue(Code::CodeRej, next_id_++, in.packet.first(std::min(room, in.packet.size())));
    bump(counters_.code_rejects_sent);
  }
  // kSer: the policy has answered already, in handle_extra_code (LCP's Echo-Reply).

  state_ = t->next;
  if (!timer_runs_in(state_)) timer_.reset();
  fresh_done_ = false;

  if (a & kTlu) {
    policy_.this_layer_up(now);
    events_.push_back(LayerEvent::Up);
  }
  if (a & kTls) {
    policy_.this_layer_started(now);
    events_.push_back(LayerEvent::Started);
  }
  if (a & kTlf) {
    policy_.this_layer_finished(now);
    events_.push_back(LayerEvent::Finished);
  }
}

void Automaton::handle_packet(Bytes cp, Time now) {
  const auto parsed = parse_packet(cp);
  if (!parsed) {
    bump(counters_.discarded);  // P024
    return;
  }
  const Packet& p = *parsed;
  const Bytes raw = cp.first(4 + p.data.size());
  switch (p.code) {
    case Code::ConfReq:
      on_configure_request(p, now);
      return;
    case Code::ConfAck:
    case Code::ConfNak:
    case Code::ConfRej:
      on_configure_reply(p, now);
      return;
    case Code::TermReq: {
      if (!rfc1661_transition(state_, Event::RTR)) break;
      if (state_ == S::Opened) {
        std::string detail = protocol_name(protocol_) + ": peer sent Terminate-Request";
        if (!p.data.empty()) detail += " \"" + printable(p.data) + "\"";
        set_stop(Stop::TerminatedByPeer, detail);
      }
      Input in;
      in.id = p.id;
      apply(Event::RTR, now, in);
      return;
    }
    case Code::TermAck:
      if (!rfc1661_transition(state_, Event::RTA)) break;
      apply(Event::RTA, now);
      return;
    case Code::CodeRej:
      on_code_reject(p, raw, now);
      return;
    default:
      on_extra(p, raw, now);
      return;
  }
  bump(counters_.discarded);
}

void Automaton::on_configure_request(const Packet& p, Time now) {
  bump(counters_.conf_req_received);
  sent_since_peer_request_ = 0;
  if (!rfc1661_transition(state_, Event::RCRp)) {
    bump(counters_.discarded);
    return;
  }
  Input in;
  in.id = p.id;
  in.data = p.data;
  if (state_ == S::Closed || state_ == S::Closing || state_ == S::Stopping) {
    apply(Event::RCRp, now, in);  // Terminate-Ack or nothing: the options do not matter
    return;
  }
  if (!parse_options(p.data)) {
    bump(counters_.discarded);  // a list we cannot walk is an invalid packet
    return;
  }
  // Stopped and Opened start a new negotiation: reset before judging so the judgement is
  // against the configuration, not the previous outcome.
  if (state_ == S::Stopped || state_ == S::Opened) fresh_start();

  Buffer reply;
  const bool reject_instead_of_nak = naks_sent_in_row_ >= cfg_.max_failure;  // P022
  const Code verdict = policy_.judge_request(p.data, reply, reject_instead_of_nak);
  if (check_failure(now)) return;

  if (verdict == Code::ConfAck) {
    naks_sent_in_row_ = 0;
    refusals_sent_in_row_ = 0;
    last_refused_.reset();
    apply(Event::RCRp, now, in);
    return;
  }
  // P022 counts Naks that go unheeded. A copy of the request we just refused (duplicated on the
  // way, or resent before our reply reached the peer) has not seen our reply yet: answered
  // again, not counted again, or a lossy link would exhaust Max-Failure on copies alone.
  const std::pair<std::uint8_t, std::uint32_t> request{p.id, digest(p.data)};
  const bool copy = last_refused_ == request;
  last_refused_ = request;
  if (copy) {
    in.reply_code = verdict;
    in.reply = &reply;
    apply(Event::RCRm, now, in);
    return;
  }
  if (verdict == Code::ConfNak) ++naks_sent_in_row_;
  // A peer that keeps asking for what we refuse, even after its Naks became Rejects, will
  // never converge: stop instead of answering forever.
  if (++refusals_sent_in_row_ > 2 * cfg_.max_failure) {
    fail_now({Stop::NegotiationFailed,
              protocol_name(protocol_) + ": peer keeps requesting " + option_names(reply) + " after " +
                  std::to_string(refusals_sent_in_row_ - 1) + " Configure-Nak/Reject replies"},
             now);
    return;
  }
  in.reply_code = verdict;
  in.reply = &reply;
  apply(Event::RCRm, now, in);
}

void Automaton::on_configure_reply(const Packet& p, Time now) {
  const Event e = p.code == Code::ConfAck ? Event::RCA : Event::RCN;
  if (!rfc1661_transition(state_, e)) {
    bump(counters_.discarded);
    return;
  }
  // P018, P030, P034, P036: only a first reply to our last request, with its identifier,
  // counts; an Ack must repeat our options exactly, a Reject must quote a subset of them.
  bool valid = !req_answered_ && p.id == req_id_;
  if (valid && p.code == Code::ConfAck) valid = std::ranges::equal(p.data, req_options_);
  if (valid && p.code == Code::ConfNak) valid = parse_options(p.data).has_value();
  if (valid && p.code == Code::ConfRej)
    valid = !p.data.empty() && is_option_subsequence(p.data, req_options_);
  if (!valid) {
    bump(counters_.discarded);
    return;
  }
  const bool negotiating =
      state_ == S::ReqSent || state_ == S::AckRcvd || state_ == S::AckSent || state_ == S::Opened;
  if (negotiating) {
    bool ok = true;
    if (p.code == Code::ConfAck) ok = policy_.handle_ack(p.data);
    if (p.code == Code::ConfNak) ok = policy_.handle_nak(p.data);
    if (p.code == Code::ConfRej) ok = policy_.handle_reject(p.data);
    if (!ok) {
      bump(counters_.discarded);
      return;
    }
  }
  answered();
  if (p.code == Code::ConfAck) bump(counters_.acks_received);
  if (p.code == Code::ConfNak) bump(counters_.naks_received);
  if (p.code == Code::ConfRej) bump(counters_.rejects_received);
  if (negotiating) {
    if (check_failure(now)) return;
    if (p.code == Code::ConfAck) {
      refusals_received_in_row_ = 0;
    } else if (++refusals_received_in_row_ > cfg_.max_failure) {
      fail_now({Stop::NegotiationFailed, protocol_name(protocol_) + ": peer answered " +
                                             std::to_string(refusals_received_in_row_) +
                                             " Configure-Requests in a row with Configure-Nak/Reject (last " +
                                             to_string(p.code) + ": " + option_names(p.data) + ")"},
               now);
      return;
    }
  }
  Input in;
  in.id = p.id;
  apply(e, now, in);
}

void Automaton::on_code_reject(const Packet& p, Bytes, Time now) {
  if (!rfc1661_transition(state_, Event::RXJp) || p.data.empty()) {
    bump(counters_.discarded);
    return;
  }
  bump(counters_.code_rejects_received);
  const std::uint8_t code = p.data[0];
  if (policy_.code_is_required(code)) {
    set_stop(Stop::CodeRejected,
             protocol_name(protocol_) + ": peer Code-Rejected " + to_string(static_cast<Code>(code)));
    apply(Event::RXJm, now);  // P040
    return;
  }
  policy_.code_rejected(code);
  apply(Event::RXJp, now);
}

void Automaton::on_extra(const Packet& p, Bytes raw, Time now) {
  Input in;
  in.id = p.id;
  in.packet = raw;
  const ExtraCode kind = policy_.classify_code(static_cast<std::uint8_t>(p.code));
  if (kind == ExtraCode::Unknown) {
    if (!rfc1661_transition(state_, Event::RUC)) {
      bump(counters_.discarded);
      return;
    }
    apply(Event::RUC, now, in);  // P039, P090
    return;
  }
  if (state_ != S::Opened) {
    // RXR outside Opened changes nothing (P045, P048); so does a Protocol-Reject (P043).
    bump(counters_.discarded);
    return;
  }
  if (!policy_.handle_extra_code(p, now)) {
    apply(Event::RUC, now, in);
    return;
  }
  if (check_failure(now)) return;
  apply(kind == ExtraCode::Rxr ? Event::RXR : Event::RXJp, now, in);
}

}  // namespace l2tp::ppp
