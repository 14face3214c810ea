// The formatted text of MS-CHAP Success and Failure packets, which (unlike plain CHAP)
// drives the protocol: Failure "E=691 R=0 C=<hex> V=3 M=<text>" (RFC 2433 8, RFC 2759 6,
// P088) and MS-CHAPv2 Success "S=<40 hex> M=<text>" (RFC 2759 5, P086).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/util/bytes.hpp"

namespace l2tp::ppp::auth {

inline constexpr unsigned kMsChapErrorAuthenticationFailure = 691;

struct MsChapFailure {
  std::optional<unsigned> error;    // E=
  std::optional<bool> retry;        // R=
  std::string challenge_hex;        // C=, as received (empty when absent)
  std::optional<unsigned> version;  // V=
  std::string text;                 // M=, everything after it
};

// Reads the fields in any order; unknown fields are ignored ("accept but ignore additional
// text", RFC 2433 8). Fields that do not parse stay empty.
MsChapFailure parse_mschap_failure(std::string_view message);
// "E=<error> R=<0|1> C=<uppercase hex> V=<version> M=<text>".
std::string build_mschap_failure(unsigned error, bool retry, Bytes challenge, unsigned version,
                                 std::string_view text);
// The RFC's name for an error code ("ERROR_AUTHENTICATION_FAILURE"), or nullptr.
const char* mschap_error_name(unsigned error);
// One line for a user: "MS-CHAP error 691 ERROR_AUTHENTICATION_FAILURE, retry not allowed: <text>".
std::string describe(const MsChapFailure& f);

struct MsChapV2Success {
  std::string authenticator_response;  // "S=" and what follows up to the next space
  std::string text;                    // M=, everything after it
};
// nullopt when the message does not start with "S=" (the authenticator response is missing).
std::optional<MsChapV2Success> parse_mschap2_success(std::string_view message);

}  // namespace l2tp::ppp::auth
