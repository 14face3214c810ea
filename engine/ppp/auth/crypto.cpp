// OpenSSL's low-level MD4 and DES calls are deprecated in OpenSSL 3 (EVP would need the
// legacy provider loaded into a global library context). They still work and are isolated
// here; SHA-1 goes through EVP like engine/crypto/md5.cpp.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "engine/ppp/auth/crypto.hpp"

#include <openssl/des.h>
#include <openssl/evp.h>
#include <openssl/md4.h>

#include <bit>
#include <cassert>

namespace l2tp::ppp::auth {

Md4Digest md4(std::initializer_list<Bytes> parts) {
  Md4Digest out{};
  MD4_CTX ctx;
  [[maybe_unused]] int ok = MD4_Init(&ctx);
  for (Bytes p : parts) ok &= MD4_Update(&ctx, p.data(), p.size());
  ok &= MD4_Final(out.data(), &ctx);
  assert(ok == 1);
  return out;
}

Sha1Digest sha1(std::initializer_list<Bytes> parts) {
  Sha1Digest out{};
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  assert(ctx);
  [[maybe_unused]] int ok = EVP_DigestInit_ex(ctx, EVP_sha1(), nullptr);
  for (Bytes p : parts) ok &= EVP_DigestUpdate(ctx, p.data(), p.size());
  unsigned int len = 0;
  ok &= EVP_DigestFinal_ex(ctx, out.data(), &len);
  assert(ok == 1 && len == out.size());
  EVP_MD_CTX_free(ctx);
  return out;
}

DesBlock des_key_with_parity(const DesKey56& key) {
  // Read the 56 key bits most significant first and put 7 of them in the top of each octet.
  std::uint64_t bits = 0;
  for (std::uint8_t b : key) bits = (bits << 8) | b;
  DesBlock out{};
  for (int i = 0; i < 8; ++i) {
    const auto seven = static_cast<std::uint8_t>((bits >> (49 - 7 * i)) & 0x7f);
    const auto octet = static_cast<std::uint8_t>(seven << 1);
    out[static_cast<std::size_t>(i)] =
        static_cast<std::uint8_t>(octet | (std::popcount(octet) % 2 == 0 ? 1 : 0));
  }
  return out;
}

DesBlock des_encrypt(const DesBlock& clear, const DesKey56& key) {
  DesBlock key8 = des_key_with_parity(key);
  DES_cblock cblock;
  static_assert(sizeof(cblock) == key8.size());
  for (std::size_t i = 0; i < key8.size(); ++i) cblock[i] = key8[i];
  DES_key_schedule schedule;
  DES_set_key_unchecked(&cblock, &schedule);
  DES_cblock in;
  DES_cblock out;
  for (std::size_t i = 0; i < clear.size(); ++i) in[i] = clear[i];
  DES_ecb_encrypt(&in, &out, &schedule, DES_ENCRYPT);
  DesBlock result{};
  for (std::size_t i = 0; i < result.size(); ++i) result[i] = out[i];
  return result;
}

}  // namespace l2tp::ppp::auth
