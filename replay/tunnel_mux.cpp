#include "replay/tunnel_mux.hpp"

#include <algorithm>
#include <cmath>

#include "capture/conversation_decode.hpp"

namespace l2tp::replay {
namespace {

std::pair<std::string, std::uint16_t> peer_key(const net::Endpoint& e, std::uint16_t id) {
  return {e.to_string(), id};
}

// The Tunnel ID in the header (RFC 2661 3.1): after the flags, and Length when L is set.
std::optional<std::uint16_t> header_tunnel(Bytes b) {
  if (b.size() < 2) return std::nullopt;
  const std::size_t at = (b[0] & 0x40) ? 4 : 2;
  if (b.size() < at + 2) return std::nullopt;
  return static_cast<std::uint16_t>(b[at] << 8 | b[at + 1]);
}

}  // namespace

TunnelMux::TunnelMux(const std::vector<MuxTunnel>& tunnels, const ReplayConfig& cfg, Rng& rng) : cfg_(cfg) {
  std::int64_t first = 0;
  bool any = false;
  for (const MuxTunnel& t : tunnels)
    if (t.script->initiator && (!any || t.script->start_ns < first)) {
      first = t.script->start_ns;
      any = true;
    }
  for (const MuxTunnel& t : tunnels) {
    Played p;
    p.tunnel = t;
    p.replayer = std::make_unique<Replayer>(*t.captured, *t.script, cfg, rng);
    p.replayer->wire_filter().number_frames_from(&frames_);
    if (t.script->initiator && !cfg.timing.fast)
      p.offset = std::chrono::duration_cast<Duration>(std::chrono::nanoseconds(static_cast<std::int64_t>(
          std::llround(static_cast<double>(t.script->start_ns - first) * cfg.timing.scale))));
    played_.push_back(std::move(p));
  }
}

TunnelMux::~TunnelMux() = default;

std::unique_ptr<PppLayer> TunnelMux::make_ppp() {
  for (std::size_t i = 0; i < played_.size(); ++i) {
    if (!played_[i].replayer->ppp_seed().enabled) continue;
    std::unique_ptr<PppLayer> layer = played_[i].replayer->make_ppp();
    layer->set_sink(this);
    // Every other tunnel's links negotiate with its own seed: per-tunnel settings of the one
    // layer, picked by our Tunnel ID.
    variant_.assign(played_.size(), std::nullopt);
    for (std::size_t k = 0; k < played_.size(); ++k) {
      Replayer& r = *played_[k].replayer;
      r.attach_ppp(layer.get());
      if (k != i && r.ppp_seed().enabled)
        variant_[k] = layer->add_settings(r.ppp_seed().settings, r.authorizer());
    }
    layer->pick_settings([this](TunnelId t) -> std::optional<std::size_t> {
      const auto k = by_ours(t.value);
      return k ? variant_[*k] : std::nullopt;
    });
    return layer;
  }
  return nullptr;
}

void TunnelMux::start(Node& node, Time now) {
  start_ = now;
  act(node, now);
}

std::optional<std::size_t> TunnelMux::by_ours(std::uint16_t id) {
  if (auto it = ours_.find(id); it != ours_.end()) return it->second;
  // A tunnel a replayer dialled since: its ID is the player's.
  for (std::size_t i = 0; i < played_.size(); ++i)
    if (const auto t = played_[i].replayer->live_tunnel(); t && t->value == id) {
      ours_[id] = i;
      return i;
    }
  return std::nullopt;
}

std::optional<std::size_t> TunnelMux::next_responder() {
  for (std::size_t i = 0; i < played_.size(); ++i) {
    if (played_[i].tunnel.script->initiator) continue;
    const bool taken =
        std::any_of(peers_.begin(), peers_.end(), [&](const auto& e) { return e.second == i; });
    if (!taken) return i;
  }
  return std::nullopt;
}

std::optional<std::size_t> TunnelMux::route(WireDirection dir, const net::Endpoint& src,
                                            const net::Endpoint& dst, Bytes bytes) {
  const auto tid = header_tunnel(bytes);
  if (!tid) return std::nullopt;
  const bool control = (bytes[0] & 0x80) != 0;
  std::optional<std::uint16_t> assigned;  // the sender's Assigned Tunnel ID (SCCRQ, SCCRP)
  if (control) {
    const Bytes key(reinterpret_cast<const std::uint8_t*>(cfg_.secret.data()), cfg_.secret.size());
    if (auto m = wire::decode_control(bytes, key.empty() ? std::nullopt : std::optional<Bytes>(key)))
      assigned = capture::assigned_id(*m, AvpType::AssignedTunnelId);
  }
  if (dir == WireDirection::In) {
    const net::Endpoint& peer = src;
    std::optional<std::size_t> i;
    if (*tid != 0) {
      i = by_ours(*tid);
    } else if (assigned) {  // an SCCRQ: the tunnel the peer opens is the next we answer
      auto it = peers_.find(peer_key(peer, *assigned));
      i = it != peers_.end() ? std::optional<std::size_t>(it->second) : next_responder();
    }
    if (i && assigned && *assigned != 0) peers_[peer_key(peer, *assigned)] = *i;
    return i;
  }
  const net::Endpoint& peer = dst;
  std::optional<std::size_t> i;
  if (*tid == 0) {  // our SCCRQ: its Assigned Tunnel ID is ours
    if (assigned) i = by_ours(*assigned);
  } else if (auto it = peers_.find(peer_key(peer, *tid)); it != peers_.end()) {
    i = it->second;
  }
  if (i && assigned && *assigned != 0 && !ours_.count(*assigned)) {
    // Our SCCRP to a tunnel the peer opened: the replayer answering it owns our new ID.
    ours_[*assigned] = *i;
    if (!played_[*i].replayer->live_tunnel()) played_[*i].replayer->bind_tunnel(TunnelId{*assigned}, now_);
  }
  return i;
}

void TunnelMux::take(WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst, Bytes bytes,
                     Time now) {
  now_ = now;
  ++frames_;
  const auto i = route(dir, src, dst, bytes);
  if (!i) {
    transcript_.push_back(LiveDatagram{dir, src, dst, Buffer(bytes.begin(), bytes.end()), now, frames_});
    held_.push(dir, src, dst, Buffer(bytes.begin(), bytes.end()));
    return;
  }
  ReplayFilter& f = played_[*i].replayer->wire_filter();
  f.take(dir, src, dst, bytes, now);
  transcript_.push_back(f.transcript().back());
  WireDirection d{};
  net::Endpoint from, to;
  Buffer b;
  while (f.poll(now, d, from, to, b)) held_.push(d, from, to, std::move(b));
}

bool TunnelMux::poll(Time, WireDirection& dir, net::Endpoint& src, net::Endpoint& dst, Buffer& out) {
  return held_.pop(dir, src, dst, out);
}

std::optional<Time> TunnelMux::poll_timeout() const {
  std::optional<Time> next;
  auto consider = [&](std::optional<Time> t) {
    if (t && (!next || *t < *next)) next = t;
  };
  for (const Played& p : played_) {
    if (!p.started && start_) consider(*start_ + p.offset);
    consider(p.replayer->filter().poll_timeout());
  }
  return next;
}

void TunnelMux::handle_event(const NodeEvent& ev, Time now) {
  now_ = now;
  if (const auto i = by_ours(ev.tunnel.value)) played_[*i].replayer->handle_event(ev, now);
}

void TunnelMux::link_up(LinkKey key, const ppp::LinkUp& up) {
  if (const auto i = by_ours(key.tunnel)) played_[*i].replayer->ppp_link_up(key, up);
}

void TunnelMux::act(Node& node, Time now) {
  now_ = now;
  if (!start_) return;
  for (Played& p : played_) {
    if (!p.started && now >= *start_ + p.offset) {
      p.started = true;
      p.replayer->start(node, now);
    } else if (p.started) {
      p.replayer->act(node, now);
    }
  }
}

bool TunnelMux::finished() const {
  return std::all_of(played_.begin(), played_.end(), [](const Played& p) { return p.replayer->finished(); });
}

std::vector<ReplayOutcome> TunnelMux::outcomes(const net::Endpoint& us, const DiffOptions& options) const {
  std::vector<ReplayOutcome> out;
  for (const Played& p : played_) {
    ReplayOutcome o = p.replayer->outcome(*p.tunnel.captured, us, options);
    o.notes.insert(o.notes.end(), p.notes.begin(), p.notes.end());
    if (!p.started) o.notes.push_back("not started: the replay ended before its captured offset");
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace l2tp::replay
