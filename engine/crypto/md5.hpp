// MD5 for hidden AVPs (RFC 2661 4.3) and tunnel/CHAP authentication, behind a small interface
// so the engine depends on OpenSSL in exactly one place.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>

#include "engine/util/bytes.hpp"

namespace l2tp::crypto {

using Md5Digest = std::array<std::uint8_t, 16>;

// MD5 over the concatenation of the given parts.
Md5Digest md5(std::initializer_list<Bytes> parts);

}  // namespace l2tp::crypto
