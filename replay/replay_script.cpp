#include "replay/replay_script.hpp"

#include <algorithm>
#include <map>

namespace l2tp::replay {
namespace {

using capture::ControlRecord;
using capture::PeerRole;

// The record's message, decoded again with the capture secret when it holds hidden AVPs.
wire::ControlMessage revealed(const ControlRecord& r, const std::string& secret) {
  const bool hidden =
      std::any_of(r.message.avps.begin(), r.message.avps.end(), [](const wire::Avp& a) { return a.hidden; });
  if (hidden && !secret.empty()) {
    const Bytes key(reinterpret_cast<const std::uint8_t*>(secret.data()), secret.size());
    if (auto m = wire::decode_control(r.bytes, key); m) return std::move(*m);
  }
  return r.message;
}

ResultInfo result_of(const capture::Ending& e) {
  if (!e.result) return ResultInfo{};
  return ResultInfo(e.result->result, e.result->error, e.result->message);
}

// The time of the call message that opened session `s`, when our side sent it.
std::optional<const ControlRecord*> opening(const capture::Tunnel& t, const capture::Session& s,
                                            std::uint8_t side) {
  for (const capture::MessageRef& ref : s.calls) {
    const ControlRecord& r = t.at(ref);
    if (ref.side == side && !r.retransmission && (r.is(MessageType::Icrq) || r.is(MessageType::Ocrq)))
      return &r;
  }
  return std::nullopt;
}

}  // namespace

const char* to_string(ActionKind k) {
  switch (k) {
    case ActionKind::OpenTunnel:
      return "open tunnel";
    case ActionKind::OpenSession:
      return "open call";
    case ActionKind::CloseSession:
      return "hang up";
    case ActionKind::CloseTunnel:
      return "stop tunnel";
    case ActionKind::SendMessage:
      return "send";
  }
  return "?";
}

const ScriptMessage* ReplayScript::find(MessageType type, std::size_t occurrence) const {
  const ScriptMessage* last = nullptr;
  for (const ScriptMessage& m : messages) {
    if (m.type != type) continue;
    if (m.occurrence == occurrence) return &m;
    last = &m;
  }
  return last;
}

const ScriptMessage* ReplayScript::sent(std::uint64_t frame, std::optional<std::size_t> session) const {
  for (const ScriptMessage& m : messages)
    if (m.frame == frame && m.session == session) return &m;
  return nullptr;
}

std::optional<std::size_t> first_playable(const capture::Conversations& conv, PeerRole play) {
  for (std::size_t i = 0; i < conv.tunnels.size(); ++i) {
    const auto side = conv.tunnels[i].side_of(play);
    if (side && conv.tunnels[i].sides[*side].playable) return i;
  }
  return std::nullopt;
}

Result<ReplayScript, std::string> make_script(const capture::Conversations& conv, std::size_t index,
                                              PeerRole play, const ScriptOptions& options) {
  if (index >= conv.tunnels.size())
    return unexpected("the capture has " + std::to_string(conv.tunnels.size()) + " tunnel(s), not " +
                      std::to_string(index + 1));
  const capture::Tunnel& t = conv.tunnels[index];
  const auto side = t.side_of(play);
  if (!side)
    return unexpected("tunnel " + std::to_string(index + 1) + " has no " +
                      std::string(capture::to_string(play)) + " side");
  const capture::TunnelSide& us = t.sides[*side];
  if (!us.playable)
    return unexpected("the " + std::string(capture::to_string(play)) + " side of tunnel " +
                      std::to_string(index + 1) + " cannot be played: " + us.not_playable);

  ReplayScript s;
  s.tunnel = index;
  s.role = play;
  s.side = *side;
  s.peer_side = static_cast<std::uint8_t>(*side ^ 1);
  s.host_name = us.host_name;
  for (const capture::TunnelSide& ts : t.sides)
    for (const ControlRecord& r : ts.control)
      if (r.is(MessageType::Sccrq) && !r.retransmission) {
        s.start_ns = r.time_ns;
        s.initiator = &ts == &us;
      }

  std::map<MessageType, std::size_t> seen;
  for (const ControlRecord& r : us.control) {
    if (r.zlb || r.retransmission || !r.message.known_type()) continue;
    ScriptMessage m;
    m.type = *r.message.known_type();
    m.occurrence = seen[m.type]++;
    m.message = revealed(r, options.capture_secret);
    m.frame = r.frame;
    m.time_ns = r.time_ns;
    m.session = r.session;
    for (const wire::Avp& a : m.message.avps)
      if (a.hidden && a.hidden_state != wire::HiddenState::Revealed)
        s.concealed.push_back(ConcealedAvp{r.frame, r.type_name(), a.vendor, a.type});
    if (m.type == MessageType::Sccrq || m.type == MessageType::Sccrp) {
      s.challenge = m.message.find(AvpType::Challenge) != nullptr;
      if (const auto* w = m.message.find(AvpType::ReceiveWindowSize))
        if (const auto* v = w->get<std::uint16_t>(); v && *v > 0) s.receive_window = *v;
    }
    if (m.type == MessageType::Iccn || m.type == MessageType::Occn)
      s.sequencing_required = s.sequencing_required || m.message.find(AvpType::SequencingRequired);
    s.messages.push_back(std::move(m));
  }

  if (s.initiator)
    s.actions.push_back(ScriptAction{ActionKind::OpenTunnel, 0, std::nullopt, {}, t.first_frame});
  for (std::size_t i = 0; i < t.sessions.size(); ++i) {
    const capture::Session& call = t.sessions[i];
    if (auto r = opening(t, call, s.side))
      s.actions.push_back(
          ScriptAction{ActionKind::OpenSession, (*r)->time_ns - s.start_ns, i, {}, (*r)->frame});
    if (call.cdn && call.cdn->side == s.side)
      s.actions.push_back(ScriptAction{ActionKind::CloseSession, call.cdn->time_ns - s.start_ns, i,
                                       result_of(*call.cdn), call.cdn->frame});
    else if (call.cdn)
      s.notes.push_back("call " + std::to_string(i + 1) + ": the peer hung up in the capture (frame " +
                        std::to_string(call.cdn->frame) + "); the live peer is left to do the same");
  }
  // WEN (the LAC's) and SLI (the LNS's, RFC 2661 6.15, 6.16): no state machine sends them on
  // its own cause, so they go as captured, at their captured offsets.
  for (const ScriptMessage& m : s.messages)
    if (m.type == MessageType::Wen || m.type == MessageType::Sli)
      s.actions.push_back(
          ScriptAction{ActionKind::SendMessage, m.time_ns - s.start_ns, m.session, {}, m.frame});
  if (t.stop && t.stop->side == s.side)
    s.actions.push_back(ScriptAction{ActionKind::CloseTunnel, t.stop->time_ns - s.start_ns, std::nullopt,
                                     result_of(*t.stop), t.stop->frame});
  std::stable_sort(s.actions.begin(), s.actions.end(),
                   [](const ScriptAction& a, const ScriptAction& b) { return a.offset_ns < b.offset_ns; });
  return s;
}

}  // namespace l2tp::replay
