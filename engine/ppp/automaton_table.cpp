// The RFC 1661 4.1 state transition table, cell by cell, and the names of states, events and
// stop causes for logs. Automaton (automaton.cpp) runs the cells.
#include "engine/ppp/automaton.hpp"

namespace l2tp::ppp {

const char* to_string(State s) {
  switch (s) {
    case State::Initial:
      return "Initial";
    case State::Starting:
      return "Starting";
    case State::Closed:
      return "Closed";
    case State::Stopped:
      return "Stopped";
    case State::Closing:
      return "Closing";
    case State::Stopping:
      return "Stopping";
    case State::ReqSent:
      return "Req-Sent";
    case State::AckRcvd:
      return "Ack-Rcvd";
    case State::AckSent:
      return "Ack-Sent";
    case State::Opened:
      return "Opened";
  }
  return "?";
}

const char* to_string(Event e) {
  static constexpr const char* kNames[] = {"Up",  "Down", "Open", "Close", "TO+", "TO-",  "RCR+", "RCR-",
                                           "RCA", "RCN",  "RTR",  "RTA",   "RUC", "RXJ+", "RXJ-", "RXR"};
  const auto i = static_cast<std::size_t>(e);
  return i < std::size(kNames) ? kNames[i] : "?";
}

const char* to_string(Stop s) {
  switch (s) {
    case Stop::None:
      return "none";
    case Stop::ClosedByUs:
      return "closed by us";
    case Stop::TerminatedByPeer:
      return "terminated by peer";
    case Stop::ConfigureTimeout:
      return "configure timeout";
    case Stop::TerminateTimeout:
      return "terminate timeout";
    case Stop::NegotiationFailed:
      return "negotiation failed";
    case Stop::CodeRejected:
      return "code rejected";
    case Stop::ProtocolRejected:
      return "protocol rejected";
    case Stop::LowerDown:
      return "lower layer down";
    case Stop::LoopedBack:
      return "looped back";
  }
  return "?";
}

const char* to_string(LayerEvent e) {
  switch (e) {
    case LayerEvent::Up:
      return "this-layer-up";
    case LayerEvent::Down:
      return "this-layer-down";
    case LayerEvent::Started:
      return "this-layer-started";
    case LayerEvent::Finished:
      return "this-layer-finished";
  }
  return "?";
}

namespace {

using namespace action;
using S = State;

constexpr std::optional<Transition> T(std::uint16_t actions, State next) {
  return Transition{actions, next};
}
constexpr std::optional<Transition> kIllegal = std::nullopt;

constexpr int kStates = 10;
constexpr int kEvents = 16;

// RFC 1661 4.1, rows = events, columns = states 0..9 (Initial .. Opened). A '-' cell is
// kIllegal. Footnotes [p], [r], [x] are in the header.
// clang-format off
constexpr std::optional<Transition> kTable[kEvents][kStates] = {
  // Up
  {T(0, S::Closed), T(kIrc | kScr, S::ReqSent), kIllegal, kIllegal, kIllegal, kIllegal,
   kIllegal, kIllegal, kIllegal, kIllegal},
  // Down
  {kIllegal, kIllegal, T(0, S::Initial), T(kTls, S::Starting), T(0, S::Initial), T(0, S::Starting),
   T(0, S::Starting), T(0, S::Starting), T(0, S::Starting), T(kTld, S::Starting)},
  // Open
  {T(kTls, S::Starting), T(0, S::Starting), T(kIrc | kScr, S::ReqSent), T(0, S::Stopped),
   T(0, S::Stopping), T(0, S::Stopping), T(0, S::ReqSent), T(0, S::AckRcvd), T(0, S::AckSent),
   T(0, S::Opened)},
  // Close
  {T(0, S::Initial), T(kTlf, S::Initial), T(0, S::Closed), T(0, S::Closed), T(0, S::Closing),
   T(0, S::Closing), T(kIrc | kStr, S::Closing), T(kIrc | kStr, S::Closing), T(kIrc | kStr, S::Closing),
   T(kTld | kIrc | kStr, S::Closing)},
  // TO+
  {kIllegal, kIllegal, kIllegal, kIllegal, T(kStr, S::Closing), T(kStr, S::Stopping),
   T(kScr, S::ReqSent), T(kScr, S::ReqSent), T(kScr, S::AckSent), kIllegal},
  // TO-
  {kIllegal, kIllegal, kIllegal, kIllegal, T(kTlf, S::Closed), T(kTlf, S::Stopped),
   T(kTlf, S::Stopped), T(kTlf, S::Stopped), T(kTlf, S::Stopped), kIllegal},
  // RCR+
  {kIllegal, kIllegal, T(kSta, S::Closed), T(kIrc | kScr | kSca, S::AckSent), T(0, S::Closing),
   T(0, S::Stopping), T(kSca, S::AckSent), T(kSca | kTlu, S::Opened), T(kSca, S::AckSent),
   T(kTld | kScr | kSca, S::AckSent)},
  // RCR-
  {kIllegal, kIllegal, T(kSta, S::Closed), T(kIrc | kScr | kScn, S::ReqSent), T(0, S::Closing),
   T(0, S::Stopping), T(kScn, S::ReqSent), T(kScn, S::AckRcvd), T(kScn, S::ReqSent),
   T(kTld | kScr | kScn, S::ReqSent)},
  // RCA
  {kIllegal, kIllegal, T(kSta, S::Closed), T(kSta, S::Stopped), T(0, S::Closing), T(0, S::Stopping),
   T(kIrc, S::AckRcvd), T(kScr, S::ReqSent), T(kIrc | kTlu, S::Opened), T(kTld | kScr, S::ReqSent)},
  // RCN
  {kIllegal, kIllegal, T(kSta, S::Closed), T(kSta, S::Stopped), T(0, S::Closing), T(0, S::Stopping),
   T(kIrc | kScr, S::ReqSent), T(kScr, S::ReqSent), T(kIrc | kScr, S::AckSent),
   T(kTld | kScr, S::ReqSent)},
  // RTR
  {kIllegal, kIllegal, T(kSta, S::Closed), T(kSta, S::Stopped), T(kSta, S::Closing),
   T(kSta, S::Stopping), T(kSta, S::ReqSent), T(kSta, S::ReqSent), T(kSta, S::ReqSent),
   T(kTld | kZrc | kSta, S::Stopping)},
  // RTA
  {kIllegal, kIllegal, T(0, S::Closed), T(0, S::Stopped), T(kTlf, S::Closed), T(kTlf, S::Stopped),
   T(0, S::ReqSent), T(0, S::ReqSent), T(0, S::AckSent), T(kTld | kScr, S::ReqSent)},
  // RUC
  {kIllegal, kIllegal, T(kScj, S::Closed), T(kScj, S::Stopped), T(kScj, S::Closing),
   T(kScj, S::Stopping), T(kScj, S::ReqSent), T(kScj, S::AckRcvd), T(kScj, S::AckSent),
   T(kScj, S::Opened)},
  // RXJ+
  {kIllegal, kIllegal, T(0, S::Closed), T(0, S::Stopped), T(0, S::Closing), T(0, S::Stopping),
   T(0, S::ReqSent), T(0, S::ReqSent), T(0, S::AckSent), T(0, S::Opened)},
  // RXJ-
  {kIllegal, kIllegal, T(kTlf, S::Closed), T(kTlf, S::Stopped), T(kTlf, S::Closed), T(kTlf, S::Stopped),
   T(kTlf, S::Stopped), T(kTlf, S::Stopped), T(kTlf, S::Stopped), T(kTld | kIrc | kStr, S::Stopping)},
  // RXR
  {kIllegal, kIllegal, T(0, S::Closed), T(0, S::Stopped), T(0, S::Closing), T(0, S::Stopping),
   T(0, S::ReqSent), T(0, S::AckRcvd), T(0, S::AckSent), T(kSer, S::Opened)},
};
// clang-format on

}  // namespace

std::optional<Transition> rfc1661_transition(State s, Event e) {
  const auto si = static_cast<std::size_t>(s);
  const auto ei = static_cast<std::size_t>(e);
  if (si >= kStates || ei >= kEvents) return std::nullopt;
  return kTable[ei][si];
}

}  // namespace l2tp::ppp
