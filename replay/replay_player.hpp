// Plays the actions a captured side took on its own (replay_script.hpp: dial, open a call,
// hang up, stop the tunnel) against a live run, sans-I/O like the engine: the adapter feeds
// node events, PPP links coming up and the time, and applies what poll_action() hands out to
// its node. Answers (SCCRP, ICRP, ICCN, ...) are not the player's: the engine sends them when
// the live peer's message arrives.
//
// When an action is due (--timing): at its captured offset after the live tunnel's start
// (`original`), the offset scaled (`x0.1`: ten times faster), or as soon as it can (`fast`).
// Either way an action waits for what it followed in the capture: a hang-up for the call's PPP
// to come up (or for Timing::ppp_wait), a StopCCN for the played side's own hang-ups.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/driver/authorizer.hpp"
#include "engine/node.hpp"
#include "replay/replay_script.hpp"

namespace l2tp::replay {

struct Timing {
  double scale = 1.0;  // offsets multiplied by this
  bool fast = false;   // offsets ignored
  // How long a hang-up waits for its call's PPP when the link never comes up (--ppp-wait): a
  // peer without PPP (xl2tpd with no pppd) would otherwise hold every hang-up this long.
  Duration ppp_wait = std::chrono::seconds(30);
};
// "original", "xF" (F > 0: x0.1, x2), "fast".
Result<Timing, std::string> parse_timing(const std::string& text);

// An action for the adapter to apply to its node now.
struct PlayerAction {
  ActionKind kind{};
  std::optional<std::size_t> session;  // the captured call (OpenSession: report its ID back)
  TunnelId tunnel;                     // live, ours (Close*)
  SessionId live_session;              // live, ours (CloseSession)
  ResultInfo result;                   // Close*
  std::uint64_t frame = 0;             // SendMessage: the captured message (ReplayScript::sent)
};

class ReplayPlayer {
 public:
  // `script` must outlive the player. `ppp`: the calls run PPP (a hang-up waits for it).
  ReplayPlayer(const ReplayScript& script, Timing timing, bool ppp);

  // The run starts now (the initiator dials at once).
  void start(Time now);
  // Every node event (after the PPP layer saw it).
  void handle_event(const NodeEvent& ev, Time now);
  // A call's PPP link came up (PacketSink::link_up).
  void handle_ppp_up(LinkKey key, Time now);
  // The adapter applied an OpenTunnel / OpenSession: our IDs for them (nullopt: refused).
  void tunnel_opened(TunnelId id, Time now);
  void session_opened(std::size_t session, std::optional<SessionId> id, Time now);
  // The adapter hung call `session` up through PPP (LCP Terminate-Request first, as captured):
  // its CDN goes only when the Terminate is acknowledged or `terminate_time` has passed, so the
  // StopCCN waits that much longer for it.
  void hanging_up_through_ppp(std::size_t session, Duration terminate_time);

  std::optional<Time> poll_timeout() const;
  // The next action due at `now`, once each.
  std::optional<PlayerAction> poll_action(Time now);

  // The tunnel is down, or every action is done and the script ends with no StopCCN of ours.
  bool finished() const;
  bool tunnel_up() const { return tunnel_up_; }
  std::optional<TunnelId> tunnel() const { return tunnel_; }
  std::size_t sessions_up() const { return sessions_up_; }
  std::size_t ppp_up() const { return ppp_up_; }
  // The captured tunnel had `n` calls (clones included): a call the peer opens is matched to
  // one even when the script has no act of ours in it (an LNS that never hung up).
  void expect_calls(std::size_t n) {
    if (calls_.size() < n) calls_.resize(n);
  }
  // The script's call (index) the live session `id` of our tunnel plays, once known.
  std::optional<std::size_t> call_index(SessionId id) const;
  // What the player could not do (an action that never became possible).
  const std::vector<std::string>& notes() const { return notes_; }

 private:
  struct Call {
    std::optional<SessionId> id;
    bool up = false, down = false;
    std::optional<Time> up_at, settled_at, closed_at;
    Duration clear_extra{};  // hanging_up_through_ppp
  };
  std::optional<Time> due(const ScriptAction& a) const;
  Call* call_of(SessionId id);

  const ReplayScript& script_;
  Timing timing_;
  bool ppp_;
  std::optional<Time> start_;
  std::optional<TunnelId> tunnel_;
  bool tunnel_up_ = false, tunnel_down_ = false;
  std::vector<Call> calls_;  // by captured session index
  std::vector<bool> done_;   // by action index
  std::size_t sessions_up_ = 0, ppp_up_ = 0;
  std::vector<std::string> notes_;
};

}  // namespace l2tp::replay
