#include "engine/wire/hidden.hpp"

#include <algorithm>

namespace l2tp::wire {
namespace {

// XORs `data` in place with the RFC 2661 4.3 key stream. `cipher_of` gives, for chunk i, the
// ciphertext of chunk i-1 (which feeds bi), so one function serves both directions.
template <typename CipherOf>
void xor_stream(std::uint16_t attr_type, Bytes secret, Bytes rv, MutableBytes data, CipherOf cipher_of) {
  const std::uint8_t type_be[2] = {static_cast<std::uint8_t>(attr_type >> 8),
                                   static_cast<std::uint8_t>(attr_type)};
  crypto::Md5Digest b = crypto::md5({Bytes(type_be), secret, rv});
  crypto::Md5Digest prev_cipher{};
  for (std::size_t off = 0; off < data.size(); off += 16) {
    if (off > 0) b = crypto::md5({secret, Bytes(prev_cipher)});
    const std::size_t n = std::min<std::size_t>(16, data.size() - off);
    prev_cipher = cipher_of(data.subspan(off, n), b);
  }
}

}  // namespace

void hide_value(std::uint16_t attr_type, Bytes value, Bytes secret, Bytes random_vector, Bytes padding,
                Buffer& out, std::optional<std::uint16_t> original_length) {
  const std::size_t start = out.size();
  const std::uint16_t len = original_length.value_or(static_cast<std::uint16_t>(value.size()));
  out.push_back(static_cast<std::uint8_t>(len >> 8));
  out.push_back(static_cast<std::uint8_t>(len));
  out.insert(out.end(), value.begin(), value.end());
  out.insert(out.end(), padding.begin(), padding.end());
  MutableBytes data(out.data() + start, out.size() - start);
  xor_stream(attr_type, secret, random_vector, data, [](MutableBytes chunk, const crypto::Md5Digest& b) {
    crypto::Md5Digest c{};
    for (std::size_t i = 0; i < chunk.size(); ++i) c[i] = chunk[i] ^= b[i];
    return c;  // the next key block uses this (possibly short, zero-filled) ciphertext
  });
}

Revealed unhide_value(std::uint16_t attr_type, Bytes hidden, Bytes secret, Bytes random_vector) {
  Buffer plain(hidden.begin(), hidden.end());
  std::size_t chunk_index = 0;
  xor_stream(attr_type, secret, random_vector, MutableBytes(plain),
             [&](MutableBytes chunk, const crypto::Md5Digest& b) {
               crypto::Md5Digest c{};
               const std::size_t off = chunk_index++ * 16;
               for (std::size_t i = 0; i < chunk.size(); ++i) {
                 c[i] = hidden[off + i];
                 chunk[i] ^= b[i];
               }
               return c;
             });
  Revealed r;
  if (plain.size() < 2) {
    r.length_ok = false;
    r.value = std::move(plain);
    return r;
  }
  const std::size_t len = (std::size_t{plain[0]} << 8) | plain[1];
  if (len > plain.size() - 2) {
    r.length_ok = false;
    r.value.assign(plain.begin() + 2, plain.end());
    return r;
  }
  r.value.assign(plain.begin() + 2, plain.begin() + 2 + static_cast<std::ptrdiff_t>(len));
  r.padding = static_cast<std::uint16_t>(plain.size() - 2 - len);
  return r;
}

crypto::Md5Digest challenge_response(std::uint8_t id, Bytes secret, Bytes challenge) {
  const std::uint8_t id_octet[1] = {id};
  return crypto::md5({Bytes(id_octet), secret, challenge});
}

}  // namespace l2tp::wire
