// Churn for soak tests: every call that comes up lives for --session-lifetime (fixed, or drawn
// evenly between two bounds) and is then cleared; every call that ends while the run goes on
// (its lifetime, a flap, the peer's CDN, a failed setup) is dialled again after --redial-delay;
// --flap RATE hits random calls that are up, RATE a second on average (a Poisson process), as a
// controlled fault rate: it clears them (a bare CDN, or LCP Terminate-Request then CDN) or
// restarts their PPP in place (LCP, or IPCP alone, negotiated again; the call stays up and
// keeps its lifetime, and is not redialled).
//
// Memory is what is up now: one timer and one slot per live call, one queued time per call
// waiting to redial; nothing of an ended call stays. No I/O: the runner asks at `now`.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/time.hpp"
#include "engine/util/flat_key_map.hpp"
#include "engine/util/rng.hpp"
#include "engine/util/timer_heap.hpp"

namespace l2tp::peers {

// "30s" (fixed) or "10s-60s" (uniform between the bounds); units ms, s, m, h, none = seconds.
struct LifetimeDist {
  Duration low{}, high{};
  static std::optional<LifetimeDist> parse(const std::string& text, std::string& error);
  Duration draw(Rng& rng) const;
  std::string to_string() const;
};

// --flap-kind: cdn, lcp, lcp-restart, ipcp-restart, or mix (each of the four alike, a quarter
// of the flaps each; only cdn without PPP).
enum class FlapKind : std::uint8_t { Cdn, Lcp, LcpRestart, IpcpRestart, Mix };
std::optional<FlapKind> parse_flap_kind(const std::string& s);
const char* to_string(FlapKind k);

struct ChurnConfig {
  std::optional<LifetimeDist> lifetime;
  Duration redial_delay{};
  bool redial = false;   // dial again every call that ends while the run goes on
  double flap_rate = 0;  // calls per second cleared at random
  FlapKind flap_kind = FlapKind::Mix;
  bool active() const { return lifetime || redial || flap_rate > 0; }
};

class SessionChurn {
 public:
  using Key = std::uint32_t;  // our Tunnel ID << 16 | our Session ID
  // What one flap does: clear the call (Cdn: a bare CDN; Lcp: Terminate-Request, then CDN) or
  // renegotiate its PPP in place (LcpRestart, IpcpRestart: PppLayer::restart_link).
  enum class Flap : std::uint8_t { Cdn, Lcp, LcpRestart, IpcpRestart };
  static constexpr std::size_t kFlaps = 4;
  static const char* name(Flap f);  // "cdn", "lcp", "lcp_restart", "ipcp_restart" (JSON keys)
  static bool in_place(Flap f) { return f == Flap::LcpRestart || f == Flap::IpcpRestart; }

  SessionChurn(const ChurnConfig& cfg, std::uint64_t seed, Time start);

  // A call came up: its lifetime starts.
  void up(Key key, Time now);
  // A call ended (cleared by anyone, or failed before it came up): forgotten, and redialled
  // after the delay when redial is on.
  void ended(Key key, Time now);
  // The teardown began: nothing more is cleared, flapped or redialled.
  void stop();

  // The next call whose lifetime is over at `now`, if any (it stays up until ended() says so).
  std::optional<Key> pop_expired(Time now);
  // A flap due at `now`: a random call that is up and `eligible` (with PPP: its link is up and
  // not renegotiating; a few calls are drawn until one is, else this flap passes), and what to do
  // to it (anything but Cdn only with PPP). A call to clear leaves the calls up at once; one to
  // restart in place stays, with its lifetime.
  std::optional<std::pair<Key, Flap>> pop_flap(Time now, bool ppp,
                                               const std::function<bool(Key)>& eligible = nullptr);
  // Redials due at `now` (taken by take_redials once their calls are opened).
  std::uint64_t redials_due(Time now) const;
  void take_redials(std::uint64_t n);
  // The earliest time anything here is due.
  std::optional<Time> next_due() const;

  std::size_t up_now() const { return up_.size(); }
  std::size_t waiting_redial() const { return redials_.size(); }
  std::uint64_t expired() const { return expired_; }
  std::uint64_t flaps() const { return flaps_; }
  std::uint64_t flaps(Flap f) const { return flaps_by_kind_[static_cast<std::size_t>(f)]; }

 private:
  void schedule_flap(Time from);
  void remove_up(Key key);

  ChurnConfig cfg_;
  SeededRng rng_;
  TimerHeap lifetimes_;
  // The calls up now, for an O(1) random pick: a dense list and each key's place in it.
  std::vector<Key> up_;
  FlatKeyMap up_index_;
  std::deque<Time> redials_;  // in time order: the delay is fixed
  std::optional<Time> next_flap_;
  bool stopped_ = false;
  std::uint64_t expired_ = 0, flaps_ = 0;
  std::array<std::uint64_t, kFlaps> flaps_by_kind_{};
};

}  // namespace l2tp::peers
