#include "replay/replay_player.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace l2tp::replay {
namespace {

// After a hang-up of ours, how long a StopCCN waits for the call to be cleared.
constexpr Duration kClearWait = std::chrono::seconds(5);

}  // namespace

Result<Timing, std::string> parse_timing(const std::string& text) {
  if (text == "original") return Timing{};
  if (text == "fast") return Timing{1.0, true};
  if (text.size() > 1 && text[0] == 'x') {
    char* end = nullptr;
    const double f = std::strtod(text.c_str() + 1, &end);
    if (end && *end == '\0' && std::isfinite(f) && f > 0 && f <= 1000) return Timing{f, false};
  }
  return unexpected("--timing " + text + ": expected original, fast or xF (a factor above 0 such as x0.1)");
}

ReplayPlayer::ReplayPlayer(const ReplayScript& script, Timing timing, bool ppp)
    : script_(script), timing_(timing), ppp_(ppp), done_(script.actions.size(), false) {
  std::size_t sessions = 0;
  for (const ScriptAction& a : script.actions)
    if (a.session) sessions = std::max(sessions, *a.session + 1);
  calls_.resize(sessions);
}

void ReplayPlayer::start(Time now) {
  if (script_.initiator) start_ = now;
}

ReplayPlayer::Call* ReplayPlayer::call_of(SessionId id) {
  for (Call& c : calls_)
    if (c.id && *c.id == id) return &c;
  return nullptr;
}

std::optional<std::size_t> ReplayPlayer::call_index(SessionId id) const {
  for (std::size_t i = 0; i < calls_.size(); ++i)
    if (calls_[i].id && *calls_[i].id == id) return i;
  return std::nullopt;
}

void ReplayPlayer::tunnel_opened(TunnelId id, Time) {
  tunnel_ = id;
}

void ReplayPlayer::session_opened(std::size_t session, std::optional<SessionId> id, Time) {
  if (session >= calls_.size()) calls_.resize(session + 1);
  calls_[session].id = id;
  if (!id) notes_.push_back("call " + std::to_string(session + 1) + ": the node refused to open it");
}

void ReplayPlayer::hanging_up_through_ppp(std::size_t session, Duration terminate_time) {
  if (session < calls_.size()) calls_[session].clear_extra = terminate_time;
}

void ReplayPlayer::handle_event(const NodeEvent& ev, Time now) {
  if (tunnel_ && ev.tunnel != *tunnel_) return;
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, TunnelUp>) {
          tunnel_ = ev.tunnel;
          tunnel_up_ = true;
          if (!start_) start_ = now - e.setup_time;  // the peer's SCCRQ arrived then
        } else if constexpr (std::is_same_v<T, TunnelDown>) {
          tunnel_down_ = true;
          for (std::size_t i = 0; i < done_.size(); ++i)
            if (!done_[i]) {
              done_[i] = true;
              notes_.push_back(std::string(to_string(script_.actions[i].kind)) + " (captured frame " +
                               std::to_string(script_.actions[i].frame) +
                               ") not done: the tunnel went down first");
            }
        } else if constexpr (std::is_same_v<T, SessionUp>) {
          ++sessions_up_;
          Call* c = call_of(e.local);
          if (!c) {
            // A call the peer opened: the next captured call we did not open ourselves.
            std::vector<bool> ours(calls_.size(), false);
            for (const ScriptAction& a : script_.actions)
              if (a.kind == ActionKind::OpenSession && a.session) ours[*a.session] = true;
            for (std::size_t i = 0; i < calls_.size(); ++i)
              if (!ours[i] && !calls_[i].id) {
                calls_[i].id = e.local;
                c = &calls_[i];
                break;
              }
          }
          if (c) {
            c->up = true;
            c->up_at = now;
            if (!ppp_) c->settled_at = now;
          }
        } else if constexpr (std::is_same_v<T, SessionDown>) {
          if (Call* c = call_of(e.local)) c->down = true;
        }
      },
      ev.event.body);
}

void ReplayPlayer::handle_ppp_up(LinkKey key, Time now) {
  if (!tunnel_ || key.tunnel != tunnel_->value) return;
  ++ppp_up_;
  if (Call* c = call_of(SessionId{key.session}); c && !c->settled_at) c->settled_at = now;
}

std::optional<Time> ReplayPlayer::due(const ScriptAction& a) const {
  if (!start_) return std::nullopt;
  const Time captured =
      *start_ + (timing_.fast ? Duration{}
                              : std::chrono::duration_cast<Duration>(std::chrono::nanoseconds(
                                    static_cast<std::int64_t>(std::llround(a.offset_ns * timing_.scale)))));
  switch (a.kind) {
    case ActionKind::OpenTunnel:
      return *start_;
    case ActionKind::OpenSession:
      if (!tunnel_) return std::nullopt;
      return captured;
    case ActionKind::CloseSession: {
      if (!a.session || *a.session >= calls_.size()) return std::nullopt;
      const Call& c = calls_[*a.session];
      if (!c.up || c.down) return std::nullopt;
      const Time ready = c.settled_at ? *c.settled_at : *c.up_at + timing_.ppp_wait;
      return std::max(ready, captured);
    }
    case ActionKind::CloseTunnel: {
      if (!tunnel_ || tunnel_down_) return std::nullopt;
      // After our own hang-ups: each done, and its call cleared or kClearWait passed.
      Time ready = captured;
      for (std::size_t i = 0; i < script_.actions.size(); ++i) {
        const ScriptAction& b = script_.actions[i];
        if (b.kind != ActionKind::CloseSession || !b.session) continue;
        if (!done_[i]) return std::nullopt;
      }
      for (const Call& c : calls_)
        if (c.closed_at && !c.down) ready = std::max(ready, *c.closed_at + c.clear_extra + kClearWait);
      return ready;
    }
    case ActionKind::SendMessage: {
      // In its call once the call is up (its Session IDs live), else in the tunnel once up.
      if (!tunnel_up_ || tunnel_down_) return std::nullopt;
      if (!a.session) return captured;
      if (*a.session >= calls_.size()) return std::nullopt;
      const Call& c = calls_[*a.session];
      if (!c.up || c.down) return std::nullopt;
      return std::max(captured, *c.up_at);
    }
  }
  return std::nullopt;
}

std::optional<Time> ReplayPlayer::poll_timeout() const {
  std::optional<Time> next;
  for (std::size_t i = 0; i < script_.actions.size(); ++i) {
    if (done_[i]) continue;
    if (auto t = due(script_.actions[i]); t && (!next || *t < *next)) next = t;
  }
  return next;
}

std::optional<PlayerAction> ReplayPlayer::poll_action(Time now) {
  for (std::size_t i = 0; i < script_.actions.size(); ++i) {
    const ScriptAction& a = script_.actions[i];
    if (done_[i]) continue;
    // A hang-up for a call the peer already cleared has nothing left to do.
    if (a.kind == ActionKind::CloseSession && a.session && *a.session < calls_.size() &&
        calls_[*a.session].down) {
      done_[i] = true;
      notes_.push_back("call " + std::to_string(*a.session + 1) +
                       ": cleared before our captured hang-up (frame " + std::to_string(a.frame) + ")");
      continue;
    }
    const auto t = due(a);
    if (!t || *t > now) continue;
    done_[i] = true;
    PlayerAction out;
    out.kind = a.kind;
    out.session = a.session;
    out.result = a.result;
    out.frame = a.frame;
    if (tunnel_) out.tunnel = *tunnel_;
    if (a.session && *a.session < calls_.size() && calls_[*a.session].id)
      out.live_session = *calls_[*a.session].id;
    if (a.kind == ActionKind::CloseSession && a.session && *a.session < calls_.size())
      calls_[*a.session].closed_at = now;
    return out;
  }
  return std::nullopt;
}

bool ReplayPlayer::finished() const {
  return tunnel_down_;
}

}  // namespace l2tp::replay
