// Conversation extraction: a tunnel's call messages and PPP frames grouped into sessions. A
// data message's header Session ID names the receiver's session end; ICRQ/OCRQ, ICRP/OCRP and
// CDN name their sender's through the Assigned Session ID. So ICRQ/OCRQ open a session (unless
// repeated), ICRP/OCRP name the answerer's end, and the other call messages find theirs by
// either end, joining two halves (a CDN from a call whose start was not captured).
#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "capture/conversation_decode.hpp"
#include "capture/conversation_internal.hpp"
#include "capture/id_groups.hpp"

namespace l2tp::capture::detail {
namespace {

struct SessionEnd {
  std::uint8_t side = 0;
  std::uint16_t id = 0;
  bool operator==(const SessionEnd&) const = default;
};
struct SessionEndHash {
  std::size_t operator()(const SessionEnd& e) const noexcept { return (std::size_t{e.side} << 16) | e.id; }
};

}  // namespace

std::string text_avp(const wire::ControlMessage& m, AvpType t) {
  const wire::Avp* a = m.find(t);
  if (a == nullptr) return {};
  if (const auto* s = a->get<std::string>()) return *s;
  return {};
}

Ending ending_of(const ControlRecord& r, std::uint8_t side) {
  Ending e;
  e.side = side;
  e.frame = r.frame;
  e.time_ns = r.time_ns;
  if (const wire::Avp* a = r.message.find(AvpType::ResultCode))
    if (const auto* rc = a->get<avp::ResultCode>()) e.result = *rc;
  return e;
}

struct SessionGrouper::Impl {
  struct PendingCall {
    MessageRef ref;
    std::size_t group;
  };

  std::size_t new_session(const std::optional<SessionEnd>& bound) {
    const std::size_t g = sessions_.create();
    session_ends_.emplace_back();
    if (bound) bind_session(*bound, g);
    return g;
  }
  void bind_session(const SessionEnd& e, std::size_t g) {
    sessions_.bind(e, g);
    auto& ends = session_ends_[g];
    if (std::find(ends.begin(), ends.end(), e) == ends.end()) ends.push_back(e);
  }

  // Which session a call message belongs to: ICRQ/OCRQ open one (unless repeated), ICRP/OCRP
  // name the answerer's end, the others find theirs by either end and may join two halves.
  std::optional<std::size_t> place_call(const wire::ControlMessage& m, std::uint8_t s, MessageType type,
                                        bool repeat) {
    std::optional<SessionEnd> to, from;
    if (m.header.session.value != 0)
      to = SessionEnd{static_cast<std::uint8_t>(1 - s), m.header.session.value};
    if (auto id = assigned_id(m, AvpType::AssignedSessionId); id && *id != 0) from = SessionEnd{s, *id};
    if (type == MessageType::Icrq || type == MessageType::Ocrq) {
      if (repeat && from)
        if (auto g = sessions_.lookup(*from)) return *g;
      return new_session(from);
    }
    if (type == MessageType::Icrp || type == MessageType::Ocrp) {
      auto g = to ? sessions_.lookup(*to) : std::nullopt;
      if (!g) g = new_session(to);
      if (from) bind_session(*from, *g);
      return g;
    }
    const auto by_to = to ? sessions_.lookup(*to) : std::nullopt;
    const auto by_from = from ? sessions_.lookup(*from) : std::nullopt;
    std::optional<std::size_t> g = by_to ? by_to : by_from;
    if (by_to && by_from && *by_to != *by_from) {
      auto ends = session_ends_[*by_to];
      for (const auto& e : session_ends_[*by_from])
        if (std::find(ends.begin(), ends.end(), e) == ends.end()) ends.push_back(e);
      if (ends.size() <= 2) {
        g = sessions_.merge(*by_to, *by_from);
        session_ends_[*g] = std::move(ends);
      }
    }
    if (!g && !to && !from) return std::nullopt;
    if (!g) g = new_session(std::nullopt);
    if (to && !by_to) bind_session(*to, *g);
    if (from && !by_from) bind_session(*from, *g);
    return g;
  }

  // Sessions seen only through their data, one end each: when there is exactly one such end on
  // each side, they are taken as the two directions of one call (nothing in the capture ties
  // their Session IDs), and the session says so.
  void pair_half_sessions() {
    std::set<std::size_t> with_calls, roots;
    for (const auto& c : calls_) with_calls.insert(sessions_.find(c.group));
    for (const auto& p : ppp_) roots.insert(sessions_.find(p.first));
    std::array<std::vector<std::size_t>, 2> halves;
    for (std::size_t g : roots)
      if (!with_calls.count(g) && session_ends_[g].size() == 1) halves[session_ends_[g][0].side].push_back(g);
    if (halves[0].size() != 1 || halves[1].size() != 1) return;
    auto ends = session_ends_[halves[0][0]];
    ends.push_back(session_ends_[halves[1][0]][0]);
    const std::size_t root = sessions_.merge(halves[0][0], halves[1][0]);
    session_ends_[root] = std::move(ends);
    paired_by_address_ = root;
  }

  void build_sessions(Tunnel& t) {
    pair_half_sessions();
    // Sessions in order of their first frame.
    std::map<std::size_t, std::uint64_t> first;  // group -> first frame
    auto see = [&](std::size_t g, std::uint64_t frame) {
      auto [it, fresh] = first.emplace(sessions_.find(g), frame);
      if (!fresh) it->second = std::min(it->second, frame);
    };
    for (const auto& c : calls_) see(c.group, t.at(c.ref).frame);
    for (const auto& p : ppp_) see(p.first, p.second.frame);
    std::vector<std::pair<std::uint64_t, std::size_t>> order;
    for (const auto& [g, f] : first) order.emplace_back(f, g);
    std::sort(order.begin(), order.end());
    std::unordered_map<std::size_t, std::size_t> index;
    for (const auto& [f, g] : order) {
      index[g] = t.sessions.size();
      Session& s = t.sessions.emplace_back();
      s.first_frame = s.last_frame = f;
      if (paired_by_address_ == g)
        s.notes.push_back(
            "its two directions are paired as the only call seen each way: no call message ties their "
            "Session IDs");
      for (const auto& e : session_ends_[g]) {
        if (s.id_known[e.side] && s.id[e.side].value != e.id)
          s.notes.push_back("side " + std::to_string(e.side) + " used more than one Session ID");
        if (!s.id_known[e.side]) s.id[e.side] = SessionId{e.id};
        s.id_known[e.side] = true;
      }
    }
    for (auto& [g, p] : ppp_) {
      Session& s = t.sessions[index.at(sessions_.find(g))];
      ++s.ppp_count[p.side];
      if (s.user.empty())
        if (auto u = ppp_user(p.ppp)) {
          s.user = u->name;
          s.user_from = u->from;
        }
      span(s, p.frame, p.time_ns);
      s.ppp.push_back(std::move(p));
    }
    for (const auto& c : calls_) {
      const std::size_t i = index.at(sessions_.find(c.group));
      Session& s = t.sessions[i];
      ControlRecord& r = t.sides[c.ref.side].control[c.ref.index];
      r.session = i;
      s.calls.push_back(c.ref);
      span(s, r.frame, r.time_ns);
      if (r.retransmission) continue;
      const auto type = r.message.known_type();
      if ((type == MessageType::Icrq || type == MessageType::Ocrq) && !s.opened_by) {
        s.opened_by = type;
        s.opener = c.ref.side;
      }
      if (type == MessageType::Iccn || type == MessageType::Occn) {
        s.connected = true;
        if (s.user.empty()) {
          s.user = text_avp(r.message, AvpType::ProxyAuthenName);
          if (!s.user.empty()) s.user_from = "Proxy Authen Name";
        }
      }
      if (type == MessageType::Cdn && !s.cdn) s.cdn = ending_of(r, c.ref.side);
    }
  }

  static void span(Session& s, std::uint64_t frame, std::int64_t ns) {
    if (frame == s.first_frame) s.first_ns = ns;
    if (frame >= s.last_frame) {
      s.last_frame = frame;
      s.last_ns = ns;
    }
  }

  IdGroups<SessionEnd, SessionEndHash> sessions_;
  std::vector<std::vector<SessionEnd>> session_ends_;
  std::vector<PendingCall> calls_;
  std::vector<std::pair<std::size_t, PppRecord>> ppp_;
  std::optional<std::size_t> paired_by_address_;
};

SessionGrouper::SessionGrouper() : impl_(std::make_unique<Impl>()) {}
SessionGrouper::~SessionGrouper() = default;

bool SessionGrouper::add_call(MessageRef ref, const wire::ControlMessage& m, MessageType type, bool repeat) {
  const auto g = impl_->place_call(m, ref.side, type, repeat);
  if (!g) return false;
  impl_->calls_.push_back({ref, *g});
  return true;
}

void SessionGrouper::add_data(PppRecord p, std::uint16_t session) {
  const SessionEnd to{static_cast<std::uint8_t>(1 - p.side), session};
  auto g = impl_->sessions_.lookup(to);
  if (!g) g = impl_->new_session(to);
  impl_->ppp_.push_back({*g, std::move(p)});
}

void SessionGrouper::build(Tunnel& t) {
  impl_->build_sessions(t);
}

}  // namespace l2tp::capture::detail
