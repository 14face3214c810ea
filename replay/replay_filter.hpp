// The filter between a replaying node and the network (engine/driver DatagramFilter): every
// control message the node sends is reshaped after the captured message of its type and
// occurrence (message_shaper.hpp), a retransmission the same way as its first copy; everything
// else passes untouched, at once. It records the live wire (both directions, frame numbers as
// the live pcap counts them) for the comparison with the capture, and wakes the driver when
// the player (replay_player.hpp) has an action due, so SimNet and the socket shard both come
// back in time. The passive checker sees every datagram from the live peer, as in every run.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/driver/datagram_filter.hpp"
#include "engine/driver/held_datagrams.hpp"
#include "peers/passive_checker.hpp"
#include "replay/message_shaper.hpp"
#include "replay/replay_script.hpp"

namespace l2tp::replay {

struct LiveDatagram {
  WireDirection direction{};
  net::Endpoint src, dst;
  Buffer bytes;
  Time at{};
  std::uint64_t frame = 0;  // 1-based, in wire order
};

class ReplayFilter final : public DatagramFilter {
 public:
  // `script` and `rng` must outlive the filter. `secret`: the live tunnel secret.
  ReplayFilter(const ReplayScript& script, std::string secret, ShapeOptions options, Rng& rng);

  void take(WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst, Bytes bytes,
            Time now) override;
  bool poll(Time now, WireDirection& dir, net::Endpoint& src, net::Endpoint& dst, Buffer& out) override;
  std::optional<Time> poll_timeout() const override { return wake_; }

  // The player's next deadline: the driver wakes then (nothing is released; the adapter acts).
  void wake_at(std::optional<Time> t) { wake_ = t; }
  // Frame numbers from `counter` (the wire's datagrams so far, this one included) instead of
  // this filter's own count: several filters share one wire (tunnel_mux.hpp).
  void number_frames_from(const std::uint64_t* counter) { frames_ = counter; }
  // The message the node sends with header Tunnel ID `peer_tunnel` and Ns `ns` is shaped after
  // `tmpl` (a WEN or SLI the replayer sent for one call: its own captured message, whatever
  // order the calls' messages go in).
  void shape_as(std::uint16_t peer_tunnel, Seq ns, const ScriptMessage* tmpl) {
    pinned_[{peer_tunnel, ns.value}] = tmpl;
  }

  const std::vector<LiveDatagram>& transcript() const { return transcript_; }
  // The live peer's violations of RFC 2661 (its datagrams as they came in, and the engine's
  // PeerViolation events, which the replayer passes to checker()).
  peers::PassiveChecker& checker() { return checker_; }
  const peers::PassiveChecker& checker() const { return checker_; }
  // Shaping notes (AVPs left out or added, messages sent without a captured one), each once.
  const std::vector<std::string>& notes() const { return notes_; }
  std::size_t shaped() const { return shaped_; }

 private:
  Buffer shape(Bytes bytes);
  void note(const std::string& n);

  const ReplayScript& script_;
  std::string secret_;
  ShapeOptions options_;
  Rng& rng_;
  std::map<MessageType, std::size_t> sent_;  // first transmissions per type
  // By (Tunnel ID, Ns): the shaped AVPs of a message already sent, for its retransmissions.
  std::map<std::pair<std::uint16_t, std::uint16_t>, Shaped> by_ns_;
  std::map<std::pair<std::uint16_t, std::uint16_t>, const ScriptMessage*> pinned_;  // shape_as
  HeldDatagrams held_;
  std::vector<LiveDatagram> transcript_;
  peers::PassiveChecker checker_;
  std::vector<std::string> notes_;
  std::optional<Time> wake_;
  std::size_t shaped_ = 0;
  const std::uint64_t* frames_ = nullptr;
};

}  // namespace l2tp::replay
