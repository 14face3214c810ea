#pragma once
// Whether a peer's retransmission intervals grow exponentially (RFC 2661 5.8, R171).
#include <string>
#include <vector>

#include "engine/time.hpp"

namespace l2tp::scenario {

// gaps: the intervals between successive sendings of one message, in order. True when every
// interval is at least 1.5 times the one before (less 50 ms of scheduling noise), or, from three
// intervals on, when none shrinks (beyond that noise) and each is at least twice the one two
// before (a growth of at least sqrt(2) a step): a coarse timer that sends a retransmission late
// lengthens one gap and shortens the next, which a step-by-step ratio takes for a missing
// backoff (l2tpns, 1, 2, 4 s on a 1 s tick: 2.0, 2.2, 4.4 s). Equal intervals never pass.
// Two intervals both at the cap (5.8: "MUST be no less than 8 seconds"; 7.5 s here) always
// pass. Fewer than two intervals is not growing: there is nothing to compare.
bool backoff_grows(const std::vector<Duration>& gaps);

// "1.0 s, 2.1 s, 4.0 s"
std::string gaps_text(const std::vector<Duration>& gaps);

}  // namespace l2tp::scenario
