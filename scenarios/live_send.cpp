#include "scenarios/live_send.hpp"

namespace l2tp::scenario {

Result<wire::ControlMessage, std::string> live_message(const Send& send, const tunnel::Tunnel& tunnel,
                                                       std::optional<SessionId> call, Rng& rng) {
  wire::ControlMessage m = send.message;
  const session::Session* s = nullptr;
  if (send.in == SendIn::Call) {
    if (!call) return unexpected(std::string("no call is up to send it in"));
    s = tunnel.find_session(*call);
    if (!s) return unexpected("call " + std::to_string(call->value) + " is gone");
    if (send.peer_session) {
      if (s->remote.value == 0)
        return unexpected(std::string("the peer has not assigned its Session ID yet"));
      m.header.session = s->remote;
    }
  }
  for (const auto& [index, what] : send.live) {
    Buffer value;
    switch (what) {
      case LiveValue::OurTunnelId:
        value = {static_cast<std::uint8_t>(tunnel.local_id().value >> 8),
                 static_cast<std::uint8_t>(tunnel.local_id().value)};
        break;
      case LiveValue::OurSessionId:
        value = {static_cast<std::uint8_t>(s->local.value >> 8), static_cast<std::uint8_t>(s->local.value)};
        break;
      case LiveValue::RandomVector:
        value.resize(16);
        rng.fill(value);
        break;
    }
    wire::Avp& a = m.avps.at(index);
    wire::Avp filled = wire::make_raw_avp(a.vendor, a.type, a.mandatory, std::move(value));
    filled.hidden = a.hidden;
    filled.fault = a.fault;
    a = std::move(filled);
  }
  return m;
}

}  // namespace l2tp::scenario
