// How to answer the peer's Configure-Request, option type by type, ahead of a protocol's own
// judgement (Lcp, Ipcp, Ipv6cp judge_request): reject this type, Nak it with this value, or
// leave it to the protocol. A link carries one per control protocol (LinkConfig); replay fills
// them from how a captured side answered its peer (replay/ppp_seed.hpp), so a live peer's
// request gets the captured answers. Empty: the protocol's own policy alone.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/ppp/options.hpp"

namespace l2tp::ppp {

enum class Answer : std::uint8_t { Ack, Nak, Reject };
const char* to_string(Answer a);  // "ack", "nak", "reject"

struct OptionAnswer {
  std::uint8_t type = 0;
  Answer answer = Answer::Ack;
  Buffer value;  // Nak: the value to suggest
  bool operator==(const OptionAnswer&) const = default;
};

struct AnswerPolicy {
  std::vector<OptionAnswer> options;  // one per type: the first of a type counts

  bool empty() const { return options.empty(); }
  const OptionAnswer* find(std::uint8_t type) const;
  // Puts the answer for `o` into `rb` and returns true when the policy decides it: Reject, or
  // Nak while the peer asks for another value than ours (once it asks for ours, or for an
  // option with no value, which cannot be Nak'd, P032, the protocol judges). An Ack is the
  // protocol's own judgement: what it cannot do it still refuses.
  bool apply(const Option& o, ReplyBuilder& rb) const;
  // Adds (or replaces) the answer for a type.
  void set(std::uint8_t type, Answer answer, Bytes value = {});
};

}  // namespace l2tp::ppp
