// The CHAP-MD5 Response Value (RFC 1994 4.1, P070): MD5 over Identifier, secret, Challenge.
#pragma once

#include <cstdint>
#include <string_view>

#include "engine/crypto/md5.hpp"
#include "engine/util/bytes.hpp"

namespace l2tp::ppp::auth {

inline constexpr std::size_t kChapMd5ResponseSize = 16;

crypto::Md5Digest chap_md5_response(std::uint8_t id, std::string_view secret, Bytes challenge);

}  // namespace l2tp::ppp::auth
