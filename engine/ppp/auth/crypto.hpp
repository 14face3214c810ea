// The primitives MS-CHAP is built from: MD4 (NtPasswordHash), SHA-1 (ChallengeHash,
// GenerateAuthenticatorResponse) and single DES in ECB mode with a 56-bit key (DesEncrypt,
// RFC 2433 A.4 / RFC 2759 8.6). OpenSSL 3 keeps MD4 and DES only in its legacy provider for
// EVP, so crypto.cpp uses the deprecated low-level calls, and is the only file that does.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>

#include "engine/util/bytes.hpp"

namespace l2tp::ppp::auth {

using Md4Digest = std::array<std::uint8_t, 16>;
using Sha1Digest = std::array<std::uint8_t, 20>;
using DesBlock = std::array<std::uint8_t, 8>;
using DesKey56 = std::array<std::uint8_t, 7>;

// MD4 / SHA-1 over the concatenation of the given parts.
Md4Digest md4(std::initializer_list<Bytes> parts);
Sha1Digest sha1(std::initializer_list<Bytes> parts);

// Spreads a 56-bit key over 8 octets, 7 key bits each, and sets the low bit of each octet
// to odd parity (RFC 2759 9.3: FC156AF7EDCD6C -> FD0B5B5E7F6E34D9).
DesBlock des_key_with_parity(const DesKey56& key);

// One DES-ECB block encryption under a 56-bit key (RFC 2759 8.6 DesEncrypt).
DesBlock des_encrypt(const DesBlock& clear, const DesKey56& key);

}  // namespace l2tp::ppp::auth
