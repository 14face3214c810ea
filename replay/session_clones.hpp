// --sessions N: every captured call of a script played N times (load from a real capture).
// Clone k of captured call i becomes call i*N + k of the live run (clone 0 is the call itself):
// its acts at the captured call's offsets, its messages shaped from the captured call's, and
// the comparison holds each live call against the captured call it was cloned from. The PPP
// user of each clone comes from a {n} pattern (--user, else the captured name with the call
// number appended), expanded per call as `l2tpsim lac --user` does (PppSettings::user).
#pragma once

#include <cstddef>
#include <string>

#include "replay/replay_script.hpp"

namespace l2tp::replay {

// `script` with each call (its actions and messages) repeated `n` times, clones next to each
// other in the order they go; n = 1 returns it unchanged.
ReplayScript clone_sessions(const ReplayScript& script, std::size_t n);

// The user pattern of the clones: `pattern` when given (it must contain {n} for n > 1), else
// `captured` followed by {n}; `captured` itself when n is 1 and no pattern was given.
std::string clone_user(const std::string& captured, const std::string& pattern, std::size_t n);

}  // namespace l2tp::replay
