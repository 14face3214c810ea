// What the played side sent in PPP of its own accord once its link was up, played again on the
// live link: its LCP Echo-Requests (their data after the Magic-Number; ours is live) and the
// IPv4 packets it sent, their payloads as captured, the source and destination addresses
// rewritten from the captured IPCP addresses to the live ones (its own to the one it got or
// gave itself, the captured peer's to the live peer's; others kept) and every checksum made
// right again (ip::readdress_ipv4). Each goes at its captured offset from the captured link-up
// (the last IPCP Configure-Ack before it, else the last LCP one) after the live link came up,
// scaled by --timing (`fast`: all at once, in order). Sans-I/O like the player: the replayer
// feeds links coming up and the time, and sends what poll() hands out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capture/conversation.hpp"
#include "engine/driver/authorizer.hpp"
#include "engine/ip/ipv4.hpp"
#include "engine/ppp/link.hpp"
#include "replay/replay_player.hpp"

namespace l2tp::replay {

struct PppAct {
  bool echo = false;           // an LCP Echo-Request; else an IPv4 packet
  std::int64_t offset_ns = 0;  // after the captured link-up (0 for what came before it)
  Buffer data;                 // echo: after the Magic-Number; else the whole IPv4 packet
  std::uint64_t frame = 0;
};

// The acts of `side` in one captured call, with its IPCP address and its peer's (0: none).
struct CallActs {
  std::vector<PppAct> acts;
  ip::Ipv4 ours = 0, peer = 0;
};
CallActs captured_acts(const capture::Session& session, std::uint8_t side);

class PppActs {
 public:
  // `calls`: by the script's call index (clones included).
  PppActs(std::vector<CallActs> calls, Timing timing);

  // The link of call `call` came up live now with `up`'s addresses (once per call; a
  // renegotiation does not play them again).
  void link_up(std::size_t call, LinkKey key, const ppp::LinkUp& up, Time now);
  std::optional<Time> poll_timeout() const;

  struct Due {
    LinkKey key;
    std::size_t call = 0;
    bool echo = false;
    Buffer data;  // rewritten for the live link
  };
  // The next act due at `now`, once each.
  std::optional<Due> poll(Time now);
  // The replayer could not send it (the link was down, or the packet did not fit).
  void not_sent(const Due& d) { ++unsent_[d.call]; }

  // Per call: how many acts were sent live and how many not (for notes).
  std::vector<std::string> notes() const;

 private:
  struct Live {
    LinkKey key;
    Time up{};
    ip::Ipv4 ours = 0, peer = 0;
    std::size_t next = 0;
    bool started = false;
  };
  std::optional<Time> due(std::size_t call) const;

  std::vector<CallActs> calls_;
  Timing timing_;
  std::vector<Live> live_;
  std::vector<std::size_t> unsent_;
};

}  // namespace l2tp::replay
