// The verdict's reply, sent again to a peer that repeats itself after the verdict: its copy was
// lost. RFC 1334 2.2.1 (P066): a repeated PAP Authenticate-Request gets the same reply code,
// with its own Identifier. RFC 1994 4.1 (P075): a repeated CHAP Response (the Identifier of the
// one answered) gets the same Success or Failure.
//
// The authenticator answers repeats itself until the link is up; then the link keeps only this
// (the reply and the method, some 80 octets) instead of the whole authenticator (cheap sessions).
#pragma once

#include "engine/ppp/auth/auth.hpp"
#include "engine/util/bytes.hpp"

namespace l2tp::ppp::auth {

class RepeatAnswer {
 public:
  RepeatAnswer(Method method, Buffer reply) : reply_(std::move(reply)), method_(method) {}

  std::uint16_t protocol() const { return lcp_protocol(method_); }
  // `packet` (after the PPP Protocol field): true, with the reply in `out`, when it repeats the
  // packet the reply answered; false when it is something else (to be discarded).
  bool answer(Bytes packet, Buffer& out) const { return answer(method_, reply_, packet, out); }

  // The same, for an authenticator that holds its reply.
  static bool answer(Method method, Bytes reply, Bytes packet, Buffer& out);

 private:
  Buffer reply_;
  Method method_;
};

}  // namespace l2tp::ppp::auth
