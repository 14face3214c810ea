#include "engine/crypto/md5.hpp"

#include <openssl/evp.h>

#include <cassert>

namespace l2tp::crypto {

Md5Digest md5(std::initializer_list<Bytes> parts) {
  Md5Digest out{};
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  assert(ctx);
  [[maybe_unused]] int ok = EVP_DigestInit_ex(ctx, EVP_md5(), nullptr);
  for (Bytes p : parts) ok &= EVP_DigestUpdate(ctx, p.data(), p.size());
  unsigned int len = 0;
  ok &= EVP_DigestFinal_ex(ctx, out.data(), &len);
  assert(ok == 1 && len == out.size());
  EVP_MD_CTX_free(ctx);
  return out;
}

}  // namespace l2tp::crypto
