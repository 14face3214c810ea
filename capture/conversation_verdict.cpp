// Conversation extraction, step three: who is the LAC and who the LNS, what the capture misses,
// and whether each side can be played.
//
// Roles (RFC 2661 3.2, 7.4, 7.5): the LAC sends ICRQ, ICCN, OCRP, OCCN and WEN; the LNS sends
// OCRQ, ICRP and SLI. A tunnel with none of these takes the initiator (the SCCRQ sender) as
// the LAC, which is a guess (an LNS opens the tunnel for outgoing calls), and says so; one with
// no SCCRQ either borrows the roles of a tunnel between the same two addresses.
//
// Playing a side means sending its messages again: the initiator needs its SCCRQ and SCCCN, the
// responder its SCCRP, each captured whole; and its role must be known.
#include <algorithm>

#include "capture/conversation_internal.hpp"

namespace l2tp::capture::detail {
namespace {

bool lac_sends(MessageType t) {
  return t == MessageType::Icrq || t == MessageType::Iccn || t == MessageType::Ocrp ||
         t == MessageType::Occn || t == MessageType::Wen;
}
bool lns_sends(MessageType t) {
  return t == MessageType::Ocrq || t == MessageType::Icrp || t == MessageType::Sli;
}

std::string side_name(const Tunnel& t, std::uint8_t s) {
  return t.sides[s].endpoint_known ? t.sides[s].endpoint.to_string() : "side " + std::to_string(s);
}

void assign_roles(Tunnel& t) {
  std::array<std::size_t, 2> says_lac{};  // evidence that side s is the LAC
  std::array<std::vector<std::string>, 2> sent;
  for (std::uint8_t s = 0; s < 2; ++s) {
    for (const ControlRecord& r : t.sides[s].control) {
      const auto type = r.message.known_type();
      if (r.retransmission || !type || !(lac_sends(*type) || lns_sends(*type))) continue;
      ++says_lac[lac_sends(*type) ? s : 1 - s];
      const std::string name(to_string(*type));
      if (std::find(sent[s].begin(), sent[s].end(), name) == sent[s].end()) sent[s].push_back(name);
    }
  }
  auto set = [&](std::uint8_t lac) {
    t.sides[lac].role = PeerRole::Lac;
    t.sides[1 - lac].role = PeerRole::Lns;
  };
  if (says_lac[0] + says_lac[1] > 0) {
    set(says_lac[0] >= says_lac[1] ? 0 : 1);
    if (says_lac[0] > 0 && says_lac[1] > 0)
      t.notes.push_back("the call messages disagree on who is the LAC; taken by the majority");
    return;
  }
  t.role_guessed = true;
  if (t.has_sccrq) {
    set(0);
    t.notes.push_back("roles guessed: no call message says who is the LAC; the tunnel initiator " +
                      side_name(t, 0) + " (it sent the SCCRQ) is taken as the LAC");
  }
}

std::vector<std::string> missing_setup(const Tunnel& t) {
  std::vector<std::string> missing;
  if (!t.has_sccrq) missing.push_back("SCCRQ");
  if (!t.has_sccrp) missing.push_back("SCCRP");
  if (!t.has_scccn) missing.push_back("SCCCN");
  return missing;
}

std::string join(const std::vector<std::string>& parts, const std::string& last_sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += i + 1 == parts.size() ? last_sep : ", ";
    out += parts[i];
  }
  return out;
}

// The first whole copy of a message type the side sent, if any was captured.
const ControlRecord* whole(const TunnelSide& side, MessageType type, bool& damaged) {
  damaged = false;
  for (const ControlRecord& r : side.control) {
    if (!r.is(type)) continue;
    if (!r.truncated && !r.error) return &r;
    damaged = true;
  }
  return nullptr;
}

// What side s needs to be played, and whether the capture has it.
std::string why_not_playable(const Tunnel& t, std::uint8_t s) {
  std::vector<std::string> why;
  if (!t.has_sccrq)
    return "starts mid-tunnel: no SCCRQ captured (playing a side needs the tunnel's SCCRQ, SCCRP and SCCCN)";
  const bool initiator = s == 0;
  const std::vector<MessageType> needs =
      initiator ? std::vector{MessageType::Sccrq, MessageType::Scccn} : std::vector{MessageType::Sccrp};
  for (MessageType m : needs) {
    bool damaged = false;
    if (!whole(t.sides[s], m, damaged))
      why.push_back(std::string(damaged ? "its " : "no ") + std::string(to_string(m)) +
                    (damaged ? " was not captured whole" : " captured"));
  }
  if (t.sides[s].role == PeerRole::Unknown) why.push_back("its role (LAC or LNS) is unknown");
  return join(why, "; ");
}

}  // namespace

void judge_playability(Tunnel& t) {
  std::vector<std::string> reasons;
  t.replayable = false;
  for (std::uint8_t s = 0; s < 2; ++s) {
    TunnelSide& side = t.sides[s];
    side.not_playable = why_not_playable(t, s);
    side.playable = side.not_playable.empty();
    t.replayable = t.replayable || side.playable;
    if (!side.playable) {
      const std::string who =
          side.role == PeerRole::Unknown ? side_name(t, s) : std::string(to_string(side.role));
      reasons.push_back(who + " side: " + side.not_playable);
    }
  }
  t.not_replayable.clear();
  if (t.replayable) return;
  if (!t.has_sccrq)
    t.not_replayable = t.sides[0].not_playable;
  else
    t.not_replayable = join(reasons, "; ");
}

void judge_tunnel(Tunnel& t) {
  assign_roles(t);
  const auto missing = missing_setup(t);
  if (missing.size() == 3)
    t.notes.push_back("starts mid-tunnel: no SCCRQ, SCCRP or SCCCN captured");
  else if (!missing.empty())
    t.notes.push_back("incomplete tunnel set-up: no " + join(missing, " or ") + " captured");
  for (std::uint8_t s = 0; s < 2; ++s) {
    const auto& c = t.sides[s].counts;
    if (c.control + c.retransmissions + c.zlbs + c.data == 0)
      t.notes.push_back("one direction only: nothing from " + side_name(t, s) + " was captured");
  }
  if (!t.stop)
    t.notes.push_back("no StopCCN captured: the tunnel outlived the capture, or its end was not captured");
  for (Session& s : t.sessions) {
    if (!s.opened_by) s.notes.push_back("starts mid-call: no ICRQ or OCRQ captured");
    if (s.opened_by && !s.connected)
      s.notes.push_back("the call was not connected in the capture (no ICCN or OCCN)");
    if (!s.cdn)
      s.notes.push_back("no CDN captured: the call outlived the capture, or its end was not captured");
    const bool one_way = (s.ppp_count[0] == 0) != (s.ppp_count[1] == 0);
    if (one_way) s.notes.push_back("PPP frames from one side only");
  }
  judge_playability(t);
}

void borrow_roles(std::vector<Tunnel>& tunnels) {
  for (std::size_t i = 0; i < tunnels.size(); ++i) {
    Tunnel& t = tunnels[i];
    if (t.sides[0].role != PeerRole::Unknown) continue;
    for (std::size_t j = 0; j < tunnels.size(); ++j) {
      const Tunnel& o = tunnels[j];
      if (j == i || o.role_guessed || o.sides[0].role == PeerRole::Unknown) continue;
      for (std::uint8_t flip = 0; flip < 2; ++flip) {
        if (t.sides[0].endpoint.addr != o.sides[flip].endpoint.addr ||
            t.sides[1].endpoint.addr != o.sides[1 - flip].endpoint.addr)
          continue;
        t.sides[0].role = o.sides[flip].role;
        t.sides[1].role = o.sides[1 - flip].role;
        t.role_guessed = true;
        const std::uint8_t lac = t.sides[0].role == PeerRole::Lac ? 0 : 1;
        t.notes.push_back("roles guessed from tunnel " + std::to_string(j + 1) +
                          " between the same addresses, where " + t.sides[lac].endpoint.addr.to_string() +
                          " is the LAC");
        judge_playability(t);
        break;
      }
      if (t.sides[0].role != PeerRole::Unknown) break;
    }
    if (t.sides[0].role == PeerRole::Unknown)
      t.notes.push_back(
          "roles unknown: no call message, no SCCRQ and no other tunnel between these addresses says");
  }
}

}  // namespace l2tp::capture::detail
