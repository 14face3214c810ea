// The message of a live `send:` (in: tunnel or in: call) with its live parts filled in from the
// engine's state when the step runs: the header Session ID of a call (the peer's), our Assigned
// Tunnel and Session IDs, fresh Random Vectors. The header Tunnel ID, Ns and Nr are the control
// channel's (Node::send_control). Pure: no I/O.
#pragma once

#include <optional>
#include <string>

#include "engine/tunnel/tunnel.hpp"
#include "engine/util/result.hpp"
#include "engine/util/rng.hpp"
#include "scenarios/scenario.hpp"

namespace l2tp::scenario {

// `tunnel`: the tunnel it goes in; `call`: our Session ID of the call (in: call). An error when
// the call is unknown to the tunnel or its peer has not assigned its Session ID yet.
Result<wire::ControlMessage, std::string> live_message(const Send& send, const tunnel::Tunnel& tunnel,
                                                       std::optional<SessionId> call, Rng& rng);

}  // namespace l2tp::scenario
