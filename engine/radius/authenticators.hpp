// The shared-secret cryptography of RADIUS, applied to encoded packets: User-Password hiding
// (RFC 2865 5.2), the Accounting Request Authenticator (RFC 2866 3), the Response
// Authenticator (RFC 2865 3) and Message-Authenticator (RFC 3579 3.2, HMAC-MD5). Both sides
// are here: the client signs requests and checks responses; tests and a fake server do the
// reverse with the same code paths. All of it rests on the engine's one MD5.
#pragma once

#include <string>
#include <string_view>

#include "engine/crypto/md5.hpp"
#include "engine/radius/packet.hpp"
#include "engine/util/bytes.hpp"
#include "engine/util/result.hpp"

namespace l2tp::radius {

inline constexpr std::size_t kMaxPasswordSize = 128;  // RFC 2865 5.2

// HMAC-MD5 (RFC 2104) with a key of any length.
crypto::Md5Digest hmac_md5(Bytes key, Bytes data);

// RFC 2865 5.2: the password NUL-padded to a multiple of 16 octets, then
// c(1) = p(1) xor MD5(S + RA), c(i) = p(i) xor MD5(S + c(i-1)). Fails above 128 octets.
Result<Buffer, std::string> hide_password(std::string_view password, std::string_view secret,
                                          const Authenticator& request_auth);
// The reverse (a server's view), with the NUL padding removed. Fails when the value is empty,
// longer than 128 octets or not a multiple of 16.
Result<std::string, std::string> unhide_password(Bytes hidden, std::string_view secret,
                                                 const Authenticator& request_auth);

// Signs an encoded request in place. Access-Request keeps its (random) Request Authenticator
// and gets its Message-Authenticator value, if it has that attribute, set to HMAC-MD5 over the
// packet with the value zeroed. Accounting-Request gets the Request Authenticator
// MD5(Code + Identifier + Length + 16 zero octets + Attributes + Secret) (RFC 2866 3), after
// any Message-Authenticator (computed with the authenticator field zeroed, RFC 5080 2.2.2).
Result<void, std::string> sign_request(Buffer& packet, std::string_view secret);
// A server's check of the same: the Accounting Request Authenticator, and the
// Message-Authenticator whenever present.
Result<void, std::string> verify_request(Bytes packet, std::string_view secret);

// Signs an encoded response in place: Message-Authenticator first if present (HMAC-MD5 with the
// Request Authenticator in the authenticator field), then the Response Authenticator
// MD5(Code + Identifier + Length + Request Authenticator + Attributes + Secret).
Result<void, std::string> sign_response(Buffer& packet, const Authenticator& request_auth,
                                        std::string_view secret);
// The client's check of a response to the request that had `request_auth`: the Response
// Authenticator always, the Message-Authenticator when present, and its presence when required.
// A failure means the reply is forged or the secrets differ: drop it silently (RFC 2865 3).
Result<void, std::string> verify_response(Bytes packet, const Authenticator& request_auth,
                                          std::string_view secret, bool require_message_authenticator);

}  // namespace l2tp::radius
