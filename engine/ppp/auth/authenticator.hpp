// The authenticator (the side that checks who the peer is: an L2TP LNS).
//
// CHAP family (RFC 1994 4.1): start() sends a Challenge and repeats it every `restart`, each
// time with a new Identifier and a new random value (RFC 1994 4.1, P072, P076), until a
// Response with the current Identifier arrives or max_attempts Challenges went unanswered.
// PAP (RFC 1334 2.2.1): start() waits up to restart * max_attempts for an
// Authenticate-Request.
//
// The answer is not decided here: a Response or request becomes Credentials, taken once from
// poll_verify(), checked locally (verify_with_password) or by RADIUS, possibly much later,
// and handed back with complete(). Only then does the peer get Success/Ack or Failure/Nak.
// Responses or requests that repeat after the verdict get the same answer again (P066,
// P075); while the verdict is pending, repeats are absorbed (PAP: the answer then copies the
// latest request's Identifier). MS-CHAP failures allow no retry (R=0).
//
// Sans-I/O: after start(), handle_packet(), handle_timeout() or complete(), drain
// poll_transmit() and poll_verify(), and re-read poll_timeout() and outcome().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "engine/ppp/auth/auth.hpp"
#include "engine/time.hpp"
#include "engine/util/bytes.hpp"
#include "engine/util/fifo.hpp"
#include "engine/util/rng.hpp"

namespace l2tp::ppp::auth {

class Authenticator {
 public:
  // `name`: the CHAP Name field of our Challenges (our own identification, RFC 1994 4.1).
  // `name` (the CHAP Name) must outlive the authenticator: the link's profile holds it.
  Authenticator(Method method, Rng& rng, const AuthConfig& cfg, std::string_view name = "l2tpsim");

  // Call when LCP reaches Opened with our Authentication-Protocol option acknowledged.
  void start(Time now);
  // A PAP or CHAP packet (what follows the PPP Protocol field). Malformed packets, Responses
  // with a stale Identifier and packets before start() are discarded and counted.
  void handle_packet(Bytes packet, Time now);
  // Early calls are no-ops.
  void handle_timeout(Time now);

  std::optional<Time> poll_timeout() const;
  // Moves the next packet to send (without the PPP Protocol field) into `packet`.
  bool poll_transmit(Buffer& packet);
  // Credentials that need a verdict; each is returned once.
  std::optional<Credentials> poll_verify();
  // The verdict for the Credentials last taken from poll_verify(); ignored when none is due.
  void complete(const Verdict& verdict, Time now);

  std::uint16_t protocol() const { return lcp_protocol(method_); }
  Method method() const { return method_; }
  Outcome outcome() const { return outcome_; }
  // The peer's user name (PAP Peer-ID, CHAP Name) once it has sent one.
  const std::string& user() const { return user_; }
  // The text sent to the peer with a refusal, or why we gave up waiting (empty after success:
  // the reply holds it).
  const std::string& message() const;
  // Verdict::reason of a refusal, or the same text as message() after a timeout.
  const std::string& reason() const;
  unsigned challenges_sent() const { return challenges_sent_; }
  std::uint64_t discarded() const { return discarded_; }
  // After the verdict: its reply (Success, Ack, Failure, Nak) as sent, for repeats
  // (RepeatAnswer); empty after giving up.
  const Buffer& reply() const { return reply_; }

 private:
  enum class State : std::uint8_t { Idle, Waiting, Verifying, Done };

  void send_challenge(Time now);
  void handle_pap_request(std::uint8_t id, Bytes data);
  void handle_response(std::uint8_t id, Bytes data, Time now);
  void give_up(std::string why);
  std::string reply_text(const Verdict& v) const;
  void discard() { ++discarded_; }

  Method method_;
  // The one-octet fields next to method_: no padding between them.
  State state_ = State::Idle;
  Outcome outcome_ = Outcome::Pending;
  std::uint8_t id_ = 0;  // CHAP: the current Challenge's; PAP: the request to answer
  bool accepted_ = false;
  unsigned challenges_sent_ = 0;
  Rng& rng_;
  AuthConfig cfg_;
  std::string_view name_;

  std::string user_;
  // Only a refused or abandoned authentication has these; kept apart from the links that are up.
  struct Refusal {
    std::string message, reason;
  };
  std::unique_ptr<Refusal> refusal_;
  std::optional<Time> deadline_;
  Fifo<Buffer> out_;
  std::unique_ptr<Credentials> to_verify_;  // on the heap: due only between a Response and its verdict
  std::uint64_t discarded_ = 0;

  Buffer challenge_;
  Buffer reply_;  // the Success/Failure or Ack/Nak, for repeats
};

}  // namespace l2tp::ppp::auth
