// --tunnel all: every playable tunnel of a capture played at once by one driver (one SimNet
// host, one socket shard), each by its own Replayer, started at its captured offset from the
// first tunnel's SCCRQ (scaled by --timing; at once with fast). The mux is the driver's filter
// and PPP sink: it routes every datagram to the replayer of its tunnel by Tunnel ID (ours in
// what arrives, the peer's in what we send, learned from the Assigned Tunnel ID AVPs; a
// tunnel the peer opens goes to the next captured tunnel we answer, in captured order), and
// node events and PPP links by our Tunnel ID. Frame numbers count the whole wire, as the
// live pcap does.
//
// The driver has one PPP layer, made by the first tunnel with PPP; every other tunnel's seed is
// a per-tunnel setting of it (PppLayer::add_settings), so each negotiates as captured there.
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "engine/driver/held_datagrams.hpp"
#include "replay/replayer.hpp"

namespace l2tp::replay {

struct MuxTunnel {
  const capture::Tunnel* captured = nullptr;
  const ReplayScript* script = nullptr;
};

class TunnelMux final : public DatagramFilter, private PacketSink {
 public:
  // `tunnels` (their captures and scripts) and `rng` must outlive the mux.
  TunnelMux(const std::vector<MuxTunnel>& tunnels, const ReplayConfig& cfg, Rng& rng);
  ~TunnelMux() override;

  // The driver's filter is the mux itself; its PPP layer comes from make_ppp (nullptr: no PPP
  // in any tunnel). Both refer to the mux: the driver drops them before the mux dies.
  DatagramFilter& wire_filter() { return *this; }
  std::unique_ptr<PppLayer> make_ppp();

  void start(Node& node, Time now);
  void handle_event(const NodeEvent& ev, Time now);
  void act(Node& node, Time now);
  // Every replayer is finished (its tunnel went down).
  bool finished() const;
  // One outcome per tunnel, in captured order.
  std::vector<ReplayOutcome> outcomes(const net::Endpoint& us, const DiffOptions& options) const;
  // The whole live wire.
  const std::vector<LiveDatagram>& transcript() const { return transcript_; }

  void take(WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst, Bytes bytes,
            Time now) override;
  bool poll(Time now, WireDirection& dir, net::Endpoint& src, net::Endpoint& dst, Buffer& out) override;
  std::optional<Time> poll_timeout() const override;

 private:
  struct Played {
    MuxTunnel tunnel;
    std::unique_ptr<Replayer> replayer;
    Duration offset{};  // after start() (initiators)
    bool started = false;
    std::vector<std::string> notes;
  };
  void link_up(LinkKey key, const ppp::LinkUp& up) override;
  void packet(LinkKey, Bytes) override {}
  void link_down(LinkKey) override {}

  std::optional<std::size_t> route(WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst,
                                   Bytes bytes);
  std::optional<std::size_t> by_ours(std::uint16_t id);
  std::optional<std::size_t> next_responder();

  ReplayConfig cfg_;
  std::vector<Played> played_;
  std::vector<std::optional<std::size_t>> variant_;  // by played: its PppLayer::add_settings index
  std::optional<Time> start_;
  std::map<std::uint16_t, std::size_t> ours_;                           // our Tunnel ID -> played
  std::map<std::pair<std::string, std::uint16_t>, std::size_t> peers_;  // (peer, its Tunnel ID)
  std::uint64_t frames_ = 0;
  HeldDatagrams held_;
  std::vector<LiveDatagram> transcript_;
  Time now_{};
};

}  // namespace l2tp::replay
