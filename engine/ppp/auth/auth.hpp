// Types shared by the PPP authentication protocols (PAP, RFC 1334; CHAP-MD5, RFC 1994;
// MS-CHAPv1, RFC 2433; MS-CHAPv2, RFC 2759): the method, the outcome, the settings, and what
// an authenticator hands out to be verified (Credentials) and gets back (Verdict). Keeping
// these apart from the protocol machines lets the RADIUS client and the local password check
// share one shape.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/time.hpp"
#include "engine/util/bytes.hpp"

namespace l2tp::ppp::auth {

enum class Method : std::uint8_t { Pap, ChapMd5, MsChapV1, MsChapV2 };

inline constexpr Method kAllMethods[] = {Method::Pap, Method::ChapMd5, Method::MsChapV1, Method::MsChapV2};

// RouterOS names ("pap", "chap", "mschap1", "mschap2"), as used by `authentication=` / `allow=`.
const char* to_string(Method m);
std::optional<Method> method_from_string(std::string_view s);

// PPP protocol numbers of the two packet families (the LCP Authentication-Protocol values).
inline constexpr std::uint16_t kPapProtocol = 0xc023;
inline constexpr std::uint16_t kChapProtocol = 0xc223;

// CHAP Algorithm octets of the LCP option: MD5 (RFC 1994 3), MS-CHAPv1 (RFC 2433 4, P079),
// MS-CHAPv2 (RFC 2759 2, P083).
inline constexpr std::uint8_t kChapAlgorithmMd5 = 0x05;
inline constexpr std::uint8_t kChapAlgorithmMsChapV1 = 0x80;
inline constexpr std::uint8_t kChapAlgorithmMsChapV2 = 0x81;

// The LCP Authentication-Protocol option for a method: {0xc023, none} for PAP (P064, the
// option carries no data) or {0xc223, algorithm} for the CHAP family (P070).
std::uint16_t lcp_protocol(Method m);
std::optional<std::uint8_t> chap_algorithm(Method m);
// The inverse; nullopt for a protocol/algorithm pair we do not implement (the LCP code then
// Naks or Rejects the option). PAP with data and CHAP without an algorithm are not methods.
std::optional<Method> method_from_lcp(std::uint16_t protocol, std::optional<std::uint8_t> algorithm);

enum class Outcome : std::uint8_t { Pending, Success, Failure };
const char* to_string(Outcome o);

struct AuthConfig {
  // Retransmission interval: the client's PAP Authenticate-Request (P065), the
  // authenticator's Challenge (P072).
  Duration restart = std::chrono::seconds(3);
  // Transmissions before giving up (P010: give up only after several attempts). A passive
  // side (PAP authenticator waiting for a request, CHAP client waiting for a Challenge or a
  // verdict) waits restart * max_attempts before it fails, so neither side hangs.
  unsigned max_attempts = 10;
  // CHAP client: send an unanswered Response again every `restart` (a lost Success). Off: each
  // Challenge is answered once and retransmission is the authenticator's (RFC 1994 4.1), as
  // pppd does; a conformance case that judges the authenticator's re-challenge needs that.
  bool repeat_response = true;

  Duration passive_wait() const { return restart * max_attempts; }
};

// What an authenticator must verify, locally against a password or through RADIUS.
struct Credentials {
  Method method = Method::Pap;
  std::string user;      // PAP Peer-ID, or the CHAP Response Name (domain prefix included)
  std::string password;  // PAP only
  std::uint8_t chap_id = 0;
  // CHAP / MS-CHAP: the challenge we sent (16 octets for MD5 and MS-CHAPv2, 8 for MS-CHAPv1).
  Buffer challenge;
  // The peer's Response Value: 16 octets (MD5); 49 for MS-CHAPv1 (24 LM + 24 NT + flag);
  // 49 for MS-CHAPv2 (16 Peer-Challenge + 8 zero + 24 NT-Response + flags).
  Buffer response;
};

struct Verdict {
  bool accepted = false;
  // The text sent to the peer in Success/Failure (CHAP) or Ack/Nak (PAP). Empty: the
  // authenticator writes a default; for an MS-CHAP failure that is "E=691 R=0 C=... V=..."
  // (P088), for an MS-CHAPv2 success "S=<authenticator_response> M=...". A non-empty
  // MS-CHAP failure text (a RADIUS MS-CHAP-Error) is sent as is; a non-empty MS-CHAPv2
  // success text not starting with "S=" becomes the M= part.
  std::string message;
  // MS-CHAPv2 only, "S=<40 uppercase hex>" (P086): from RADIUS (MS-CHAP2-Success, the
  // Ident octet removed) or computed by the local check.
  std::string authenticator_response;
  // Why it was refused, for logs and reports; never sent to the peer.
  std::string reason;
};

}  // namespace l2tp::ppp::auth
