// Hidden AVP values (RFC 2661 4.3) and the tunnel Challenge Response (4.4.3, 5.1.1).
#pragma once

#include <cstdint>
#include <optional>

#include "engine/crypto/md5.hpp"
#include "engine/util/bytes.hpp"

namespace l2tp::wire {

// Hides `value` of attribute `attr_type`: builds the subformat (2-octet original length, value,
// padding; R033/R034) and XORs it chunk by chunk with b1 = MD5(type | secret | RV),
// bi = MD5(secret | c(i-1)) (R035, R036). Appends the result to `out`. `original_length` lets a
// fault write a wrong length field; by default it is value.size().
void hide_value(std::uint16_t attr_type, Bytes value, Bytes secret, Bytes random_vector, Bytes padding,
                Buffer& out, std::optional<std::uint16_t> original_length = std::nullopt);

// The decrypted subformat: the original value and how much padding followed it.
struct Revealed {
  Buffer value;
  std::uint16_t padding = 0;
  bool length_ok = true;  // false: the original-length field exceeds the hidden data (R033)
};

// Reverses hide_value with the most recent Random Vector before the AVP (R038).
Revealed unhide_value(std::uint16_t attr_type, Bytes hidden, Bytes secret, Bytes random_vector);

// CHAP-style response: MD5(id | secret | challenge), id = message type carrying it (R086).
crypto::Md5Digest challenge_response(std::uint8_t id, Bytes secret, Bytes challenge);

}  // namespace l2tp::wire
