// How a captured side answered its peer's Configure-Requests, per control protocol, as the
// engine's per-link answer policy (engine/ppp/answer_policy.hpp): the option types it rejected,
// those it Nak'd with the value it suggested, those it acknowledged. ppp_seed.hpp puts them on
// the played side's links, so a live peer asking for what the captured peer asked gets the
// captured answers.
#pragma once

#include <cstdint>

#include "capture/conversation.hpp"
#include "engine/ppp/answer_policy.hpp"

namespace l2tp::replay {

// The answers of `side` to the other side's Configure-Requests of `protocol` (LCP, IPCP,
// IPv6CP) in one call. Per option type the first refusal counts (a Reject, or a Nak with its
// value); a type only ever acknowledged is an Ack. Naks are kept only where a value can be
// suggested again on another link (LCP MRU, ACCM, MRRU): a Magic-Number, an Interface-Identifier
// or an address was the captured link's own (the addresses come with the seed's).
ppp::AnswerPolicy captured_answers(const capture::Session& session, std::uint8_t side,
                                   std::uint16_t protocol);

// "reject 13, nak 1 1500" (option types, a Nak's value as a number) for notes and tests; empty for an empty
// policy.
std::string describe(const ppp::AnswerPolicy& policy);

}  // namespace l2tp::replay
