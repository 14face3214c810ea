#include "replay/replayer.hpp"

#include "replay/ppp_facts.hpp"
#include "replay/session_clones.hpp"

namespace l2tp::replay {
namespace {

// Per script call (clones included): what the side sent over PPP of its own accord.
std::vector<CallActs> acts_by_call(const capture::Tunnel& tunnel, std::uint8_t side, std::size_t clones) {
  std::vector<CallActs> out;
  for (std::size_t i = 0; i < tunnel.sessions.size() * clones; ++i)
    out.push_back(captured_acts(tunnel.sessions[i / clones], side));
  return out;
}

}  // namespace

NodeConfig replay_node_config(const ReplayScript& script, const ReplayConfig& cfg) {
  NodeConfig n;
  const bool lac = script.role == capture::PeerRole::Lac;
  n.tunnel.role = lac ? tunnel::Role::Lac : tunnel::Role::Lns;
  n.accept_tunnels = !script.initiator;
  if (!script.host_name.empty()) n.tunnel.host_name = script.host_name;
  n.tunnel.secret = cfg.secret;
  n.tunnel.challenge_peer = script.challenge;
  n.tunnel.reliability.receive_window = script.receive_window;
  n.tunnel.data_sequencing =
      script.sequencing_required ? tunnel::DataSequencing::On : tunnel::DataSequencing::Off;
  return n;
}

Replayer::Replayer(const capture::Tunnel& tunnel, const ReplayScript& script, const ReplayConfig& cfg,
                   Rng& rng)
    : script_(script),
      cfg_(cfg),
      rng_(rng),
      seed_(seed_ppp(tunnel, script, cfg.password)),
      filter_(script, cfg.secret, ShapeOptions{!cfg.secret.empty(), cfg.send_concealed}, rng),
      player_(script, cfg.timing, seed_.enabled),
      acts_(acts_by_call(tunnel, script.side, std::max<std::size_t>(1, cfg.sessions)), cfg.timing) {
  const std::size_t n = std::max<std::size_t>(1, cfg.sessions);
  player_.expect_calls(tunnel.sessions.size() * n);
  for (std::size_t i = 0; i < tunnel.sessions.size() * n; ++i)
    terminate_first_.push_back(ppp_facts(tunnel.sessions[i / n], script.side).terminate_request);
  if (script.role == capture::PeerRole::Lac)
    seed_.settings.user = clone_user(seed_.settings.user, cfg.user, n);
}

Authorizer* Replayer::authorizer() {
  if (script_.role == capture::PeerRole::Lac) return nullptr;
  if (!authorizer_) authorizer_ = std::make_unique<SeededAuthorizer>(seed_);
  return authorizer_.get();
}

void Replayer::ppp_link_up(LinkKey key, const ppp::LinkUp& up) {
  player_.handle_ppp_up(key, now_);
  if (const auto tunnel = player_.tunnel(); tunnel && tunnel->value == key.tunnel)
    if (const auto call = player_.call_index(SessionId{key.session})) acts_.link_up(*call, key, up, now_);
  rearm();
}

void Replayer::rearm() {
  std::optional<Time> t = player_.poll_timeout();
  if (const auto a = acts_.poll_timeout(); a && (!t || *a < *t)) t = a;
  filter_.wake_at(t);
}

std::unique_ptr<PppLayer> Replayer::make_ppp() {
  if (!seed_.enabled) return nullptr;
  const bool lac = script_.role == capture::PeerRole::Lac;
  auto layer = std::make_unique<PppLayer>(seed_.settings, lac ? ppp::Role::Client : ppp::Role::Server, rng_,
                                          authorizer());
  layer->set_sink(this);
  ppp_ = layer.get();
  return layer;
}

void Replayer::start(Node& node, Time now) {
  now_ = now;
  player_.start(now);
  act(node, now);
}

void Replayer::handle_event(const NodeEvent& ev, Time now) {
  now_ = now;
  if (const auto* v = std::get_if<PeerViolation>(&ev.event.body))
    filter_.checker().engine_violation(std::string(to_string(v->rule)), v->detail, now);
  player_.handle_event(ev, now);
  rearm();
}

void Replayer::act(Node& node, Time now) {
  now_ = now;
  while (auto a = player_.poll_action(now)) {
    switch (a->kind) {
      case ActionKind::OpenTunnel:
        player_.tunnel_opened(node.open_tunnel(cfg_.local, cfg_.target, now), now);
        break;
      case ActionKind::OpenSession:
        if (a->session) player_.session_opened(*a->session, node.open_session(a->tunnel, now), now);
        break;
      case ActionKind::CloseSession:
        // As captured: LCP Terminate first when our side sent one (the CDN follows its Ack),
        // else the CDN at once.
        if (a->session && *a->session < terminate_first_.size() && terminate_first_[*a->session] && ppp_ &&
            ppp_->close_link(node, LinkKey{a->tunnel.value, a->live_session.value}, now,
                             "replayed hang-up")) {
          // A peer that never acknowledges (xl2tpd's pppd stand-in) makes LCP give up after
          // Max-Terminate restarts (RFC 1661 4.6); the StopCCN must not overtake that CDN.
          const ppp::AutomatonConfig& fsm = seed_.settings.link.fsm;
          player_.hanging_up_through_ppp(*a->session, fsm.restart * fsm.max_terminate);
          break;
        }
        node.close_session(a->tunnel, a->live_session, a->result, now);
        break;
      case ActionKind::CloseTunnel:
        node.close_tunnel(a->tunnel, a->result, now);
        break;
      case ActionKind::SendMessage:
        send_captured(node, *a, now);
        break;
    }
  }
  // Echoes and IP packets as captured: sent through the link (a refused one is noted).
  while (auto d = acts_.poll(now)) {
    const bool sent = ppp_ && (d->echo ? ppp_->send_echo(node, d->key, d->data, now)
                                       : ppp_->send_ip(node, d->key, d->data, now));
    if (!sent) acts_.not_sent(*d);
  }
  rearm();
}

// The engine's mechanism behind a scenario's live `send:` (Node::send_control): the tunnel's
// control channel gives the header Tunnel ID, Ns and Nr and retransmits; the header Session ID
// is the peer's of the live call, Assigned IDs ours. The filter shapes the message after the
// captured one (shape_as), as every message we send: Random Vector fresh, hidden AVPs hidden
// again with the live secret; so it goes here in the clear.
void Replayer::send_captured(Node& node, const PlayerAction& a, Time now) {
  const ScriptMessage* m = script_.sent(a.frame, a.session);
  const tunnel::Tunnel* t = node.tunnel(a.tunnel);
  if (!m || !t) return;
  const std::string what =
      std::string(to_string(m->type)) + " (captured frame " + std::to_string(m->frame) + ")";
  const session::Session* call = a.session ? t->find_session(a.live_session) : nullptr;
  if (a.session && !call) {
    notes_.push_back(what + " not sent: its call is gone");
    return;
  }
  wire::ControlMessage msg = wire::make_control(m->type, TunnelId{}, call ? call->remote : SessionId{});
  for (std::size_t i = 1; i < m->message.avps.size(); ++i) {
    const wire::Avp& c = m->message.avps[i];
    if (c.is(AvpType::RandomVector) || (c.hidden && c.hidden_state != wire::HiddenState::Revealed)) continue;
    Buffer value;
    if (c.is(AvpType::AssignedTunnelId) || (call && c.is(AvpType::AssignedSessionId))) {
      const std::uint16_t id = c.is(AvpType::AssignedTunnelId) ? t->local_id().value : call->local.value;
      value = {static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id)};
    } else {
      wire::encode_value(c.value, value);
    }
    msg.avps.push_back(wire::make_raw_avp(c.vendor, c.type, c.mandatory, std::move(value)));
  }
  const auto ns = node.send_control(a.tunnel, std::move(msg), now);
  if (!ns) {
    notes_.push_back(what + " not sent: the tunnel is not established");
    return;
  }
  filter_.shape_as(t->peer_id().value, *ns, m);
}

ReplayOutcome Replayer::outcome(const capture::Tunnel& captured, const net::Endpoint& us,
                                const DiffOptions& options) const {
  ReplayOutcome o;
  DiffOptions diff = options;
  diff.clones = std::max<std::size_t>(1, cfg_.sessions);
  o.tunnel = script_.tunnel;
  o.played = std::string(capture::to_string(script_.role));
  o.tunnel_up = player_.tunnel_up();
  o.sessions_up = player_.sessions_up();
  o.ppp_up = player_.ppp_up();
  o.captured_sessions = captured.sessions.size() * diff.clones;
  const capture::Conversations live = live_conversations(filter_.transcript(), cfg_.secret);
  o.notes = script_.notes;
  compare_into(o, captured, script_.side, live, us, diff);
  o.findings = peer_findings(filter_.checker());
  const std::vector<std::string> unplayed = unplayed_ppp(captured, script_.side, live, us, diff.clones);
  const std::vector<std::string> acts = acts_.notes();
  for (const auto* list : {&seed_.notes, &filter_.notes(), &player_.notes(), &notes_, &acts, &unplayed})
    o.notes.insert(o.notes.end(), list->begin(), list->end());
  return o;
}

}  // namespace l2tp::replay
