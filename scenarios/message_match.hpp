// Whether a frame the peer sent meets an expectation's message match (`message`, result and
// error codes, AVPs present or absent, hidden AVPs, PPP protocol and code, Session ID 0).
#pragma once

#include "scenarios/scenario.hpp"
#include "scenarios/wire_log.hpp"

namespace l2tp::scenario {

bool message_matches(const MessageMatch& m, const WireEntry& e);

}  // namespace l2tp::scenario
