// The MS-CHAP computations: RFC 2433 appendix A (MS-CHAPv1: NtChallengeResponse and the
// deprecated LAN Manager response) and RFC 2759 section 8 (MS-CHAPv2: GenerateNTResponse,
// GenerateAuthenticatorResponse). Names follow the RFC pseudocode so each function can be
// checked against its section; the intermediate values are exposed for the RFC's worked
// examples (RFC 2433 B.2, RFC 2759 9.2).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "engine/util/bytes.hpp"

namespace l2tp::ppp::auth {

using PasswordHash = std::array<std::uint8_t, 16>;
using ChallengeResponseValue = std::array<std::uint8_t, 24>;
using Challenge8 = std::array<std::uint8_t, 8>;
using Bytes8 = std::span<const std::uint8_t, 8>;
using Bytes16 = std::span<const std::uint8_t, 16>;

inline constexpr std::size_t kMsChapV1ChallengeSize = 8;   // RFC 2433 5 (P080)
inline constexpr std::size_t kMsChapV2ChallengeSize = 16;  // RFC 2759 3 (P084)
inline constexpr std::size_t kMsChapResponseSize = 49;     // RFC 2433 6 (P081), RFC 2759 4 (P085)

// The "0-to-256-unicode-char" password: UTF-8 in, UTF-16LE out, no terminating zero. An
// octet that is not valid UTF-8 is taken as a Latin-1 character, so any string hashes.
Buffer utf16le(std::string_view utf8);

// NtPasswordHash (RFC 2433 A.6, RFC 2759 8.3): MD4 of the UTF-16LE password.
PasswordHash nt_password_hash(std::string_view password);
// HashNtPasswordHash (RFC 2759 8.4).
PasswordHash hash_nt_password_hash(const PasswordHash& hash);
// ChallengeResponse (RFC 2433 A.7, RFC 2759 8.5): the hash zero-padded to 21 octets, three
// DES keys, the challenge encrypted under each.
ChallengeResponseValue challenge_response(Bytes8 challenge, const PasswordHash& hash);

// MS-CHAPv1 (RFC 2433).
ChallengeResponseValue nt_challenge_response(Bytes8 challenge, std::string_view password);
// LmPasswordHash (A.2): nullopt for passwords over 14 characters, which LAN Manager cannot
// represent. The password is upper-cased as ASCII (the RFC's OEM charset is not known here).
std::optional<PasswordHash> lm_password_hash(std::string_view password);
std::optional<ChallengeResponseValue> lm_challenge_response(Bytes8 challenge, std::string_view password);
// The 49-octet Response Value a peer sends: LM field zero-filled and flag 1, as RFC 2433 6
// says it SHOULD (P081).
Buffer mschap1_response_value(Bytes8 challenge, std::string_view password);

// MS-CHAPv2 (RFC 2759).
// The user name that enters the hashes: the Name field without a "DOMAIN\" prefix (4, 8.2).
std::string_view mschap_user_name(std::string_view name);
// ChallengeHash (8.2). `user` is used as given; strip the domain with mschap_user_name.
Challenge8 challenge_hash(Bytes16 peer_challenge, Bytes16 authenticator_challenge, std::string_view user);
// GenerateNTResponse (8.1).
ChallengeResponseValue generate_nt_response(Bytes16 authenticator_challenge, Bytes16 peer_challenge,
                                            std::string_view user, std::string_view password);
// GenerateAuthenticatorResponse (8.7): "S=" and 40 uppercase hex digits (P086).
std::string generate_authenticator_response(std::string_view password,
                                            const ChallengeResponseValue& nt_response, Bytes16 peer_challenge,
                                            Bytes16 authenticator_challenge, std::string_view user);
// The 49-octet Response Value: Peer-Challenge, 8 zero octets, NT-Response, Flags 0 (4, P085).
Buffer mschap2_response_value(Bytes16 authenticator_challenge, Bytes16 peer_challenge, std::string_view user,
                              std::string_view password);

// Uppercase hex, as MS-CHAP writes its S= and C= values.
std::string to_upper_hex(Bytes b);

}  // namespace l2tp::ppp::auth
