// Per-type answers to a peer's Configure-Request. See answer_policy.hpp.
#include "engine/ppp/answer_policy.hpp"

#include <algorithm>

namespace l2tp::ppp {

const char* to_string(Answer a) {
  switch (a) {
    case Answer::Ack:
      return "ack";
    case Answer::Nak:
      return "nak";
    case Answer::Reject:
      return "reject";
  }
  return "?";
}

const OptionAnswer* AnswerPolicy::find(std::uint8_t type) const {
  const auto it = std::ranges::find(options, type, &OptionAnswer::type);
  return it == options.end() ? nullptr : &*it;
}

bool AnswerPolicy::apply(const Option& o, ReplyBuilder& rb) const {
  const OptionAnswer* a = find(o.type);
  if (!a) return false;
  switch (a->answer) {
    case Answer::Reject:
      rb.reject(o);
      return true;
    case Answer::Nak:
      if (a->value.empty() || o.value.empty() || std::ranges::equal(o.value, a->value)) return false;
      rb.nak(o, a->value);
      return true;
    case Answer::Ack:
      break;
  }
  return false;
}

void AnswerPolicy::set(std::uint8_t type, Answer answer, Bytes value) {
  OptionAnswer a{type, answer, Buffer(value.begin(), value.end())};
  if (auto it = std::ranges::find(options, type, &OptionAnswer::type); it != options.end())
    *it = std::move(a);
  else
    options.push_back(std::move(a));
}

}  // namespace l2tp::ppp
