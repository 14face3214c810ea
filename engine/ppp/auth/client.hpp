// The authenticating peer (the side that proves who it is: an L2TP LAC's PPP client).
//
// PAP (RFC 1334 2.2.1): start() sends an Authenticate-Request, repeated every `restart`
// with a new Identifier (P065, P067) until an Ack or Nak for one of the Identifiers we sent
// arrives, or max_attempts requests went unanswered ("no response to PAP request").
// CHAP family (RFC 1994 4.1): start() waits for a Challenge and answers each one with a
// Response carrying its Identifier (P073); a repeated Challenge (same Identifier and value)
// gets the same Response again. Success/Failure must carry the Identifier of a Response we
// sent (for MS-CHAPv2, of our last: its Success proves that Response). When neither comes
// within `restart`, our unanswered Responses go again (the Success may have been lost, and
// RFC 1994 4.1 has the authenticator answer repeated Responses alike, P075). MS-CHAPv2 checks
// the authenticator response in Success (RFC 2759 5, P087): a missing or wrong S= value is a
// Failure. The wait for a Challenge, and for the verdict after our Response, is bounded by
// restart * max_attempts ("no Challenge from the peer").
// After Success, a later Challenge (RFC 1994 4.1 re-challenge, P077) is answered and the
// outcome stays Success unless a Failure follows. MS-CHAP "retry allowed" is not used: the
// password is fixed, so a Failure is final.
//
// Sans-I/O: after start(), handle_packet() or handle_timeout(), drain poll_transmit() and
// re-read poll_timeout() and outcome().
#pragma once

#include <bitset>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/ppp/auth/auth.hpp"
#include "engine/ppp/auth/mschap_message.hpp"
#include "engine/time.hpp"
#include "engine/util/bytes.hpp"
#include "engine/util/fifo.hpp"
#include "engine/util/rng.hpp"

namespace l2tp::ppp::auth {

class Client {
 public:
  Client(Method method, std::string user, std::string password, Rng& rng, const AuthConfig& cfg);

  // Call when LCP reaches Opened and the peer asked us to authenticate with this method.
  void start(Time now);
  // A PAP or CHAP packet (what follows the PPP Protocol field). Malformed packets, packets
  // for another exchange and packets before start() are discarded and counted.
  void handle_packet(Bytes packet, Time now);
  // Early calls are no-ops.
  void handle_timeout(Time now);

  std::optional<Time> poll_timeout() const;
  // Moves the next packet to send (without the PPP Protocol field) into `packet`.
  bool poll_transmit(Buffer& packet);

  std::uint16_t protocol() const { return lcp_protocol(method_); }
  Method method() const { return method_; }
  Outcome outcome() const { return outcome_; }
  // A readable line: the peer's text on Success, the reason on Failure (the peer's text,
  // the decoded MS-CHAP error, "authenticator response mismatch ...", or a timeout).
  const std::string& message() const { return message_; }
  // The raw Message field of the peer's last Ack/Nak/Success/Failure.
  const std::string& peer_message() const { return peer_message_; }
  // The decoded text of an MS-CHAP Failure, when one arrived.
  std::optional<MsChapFailure> mschap_failure() const {
    return mschap_failure_ ? std::optional(*mschap_failure_) : std::nullopt;
  }
  // Packets sent for this exchange (PAP requests or CHAP Responses, repeats included).
  unsigned transmissions() const { return transmissions_; }
  // The Failure is a timeout: no PAP Ack/Nak, no Challenge, or no verdict after our Response.
  bool timed_out() const { return timed_out_; }
  // A CHAP-family Challenge has arrived.
  bool challenged() const { return have_challenge_; }
  std::uint64_t discarded() const { return discarded_; }

 private:
  void send_pap_request(Time now);
  void handle_pap(std::uint8_t code, std::uint8_t id, Bytes data);
  void handle_challenge(std::uint8_t id, Bytes data, Time now);
  void handle_status(std::uint8_t code, std::uint8_t id, Bytes data);
  void finish(Outcome o, std::string message);
  void discard() { ++discarded_; }

  Method method_;
  // The one-octet fields next to method_: no padding between them.
  bool started_ = false;
  Outcome outcome_ = Outcome::Pending;
  bool timed_out_ = false;
  std::uint8_t pap_id_ = 0;      // PAP: the Identifier of the last request
  bool have_challenge_ = false;  // CHAP: a Challenge has come (challenge_id_ is its Identifier)
  std::uint8_t challenge_id_ = 0;
  bool awaiting_status_ = false;  // CHAP: the verdict on our Response is due
  unsigned transmissions_ = 0;
  std::string user_;
  std::string password_;
  Rng& rng_;
  AuthConfig cfg_;

  std::string message_;
  std::string peer_message_;
  std::unique_ptr<MsChapFailure> mschap_failure_;  // only after an MS-CHAP Failure: 96 octets
  std::optional<Time> deadline_;
  Fifo<Buffer> out_;
  std::uint64_t discarded_ = 0;

  // PAP: every Identifier used (pap_id_ is the last), so a late Ack for an earlier copy of the
  // request still counts.
  std::bitset<256> pap_ids_sent_;
  unsigned pap_requests_ = 0;

  // CHAP: the Challenge we last answered and our Response to it.
  Buffer challenge_value_;
  Buffer response_;
  unsigned response_repeats_ = 0;  // rounds of Responses sent again for want of a verdict
  // Our Responses still without a verdict, oldest first (at most 4).
  // All go again on a timeout: the authenticator answers only the one to its current Challenge,
  // and a stale Challenge overtaken on the way may have been answered after it.
  std::vector<Buffer> unanswered_;
  // The Identifiers of every Challenge we answered: a verdict for an earlier one counts too
  // (a Challenge overtaken on the way can make a stale one our last; MD5 and MS-CHAPv1 only).
  std::bitset<256> chap_ids_answered_;
  // MS-CHAPv2: the authenticator response (S=) each of our last few Responses expects, by the
  // Identifier of its Challenge, oldest first: a Success for a Response overtaken by a stale
  // Challenge's is checked against its own (RFC 2759 5).
  std::vector<std::pair<std::uint8_t, std::string>> expected_authenticator_responses_;
  void expect_authenticator_response(std::uint8_t id, std::string response);
};

}  // namespace l2tp::ppp::auth
