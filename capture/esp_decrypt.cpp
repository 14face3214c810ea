#include "capture/esp_decrypt.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <memory>

namespace l2tp::capture {

namespace {

constexpr std::size_t kHeader = 8;  // SPI, Sequence Number

bool is_gcm(EspCipher c) {
  return c == EspCipher::AesGcm8 || c == EspCipher::AesGcm12 || c == EspCipher::AesGcm16;
}

std::size_t block_of(EspCipher c) {
  switch (c) {
    case EspCipher::AesCbc:
      return 16;
    case EspCipher::TripleDesCbc:
      return 8;
    default:
      return 4;  // RFC 4303 2.4: the trailer ends on a 4-octet boundary
  }
}

std::size_t icv_of(const EspSa& sa) {
  switch (sa.cipher) {
    case EspCipher::AesGcm8:
      return 8;
    case EspCipher::AesGcm12:
      return 12;
    case EspCipher::AesGcm16:
      return 16;
    default:
      break;
  }
  switch (sa.auth) {
    case EspAuth::Null:
      return 0;
    case EspAuth::Unchecked64:
      return 8;
    case EspAuth::HmacSha1_96:
    case EspAuth::HmacMd5_96:
    case EspAuth::Unchecked96:
      return 12;
    case EspAuth::HmacSha256_128:
    case EspAuth::Unchecked128:
      return 16;
    case EspAuth::HmacSha384_192:
    case EspAuth::Unchecked192:
      return 24;
    case EspAuth::HmacSha512_256:
    case EspAuth::Unchecked256:
      return 32;
  }
  return 0;
}

const EVP_MD* md_of(EspAuth a) {
  switch (a) {
    case EspAuth::HmacSha1_96:
      return EVP_sha1();
    case EspAuth::HmacSha256_128:
      return EVP_sha256();
    case EspAuth::HmacSha384_192:
      return EVP_sha384();
    case EspAuth::HmacSha512_256:
      return EVP_sha512();
    case EspAuth::HmacMd5_96:
      return EVP_md5();
    default:
      return nullptr;  // NULL or not checked
  }
}

const EVP_CIPHER* cipher_of(const EspSa& sa) {
  const std::size_t key = is_gcm(sa.cipher) ? sa.enc_key.size() - 4 : sa.enc_key.size();
  switch (sa.cipher) {
    case EspCipher::AesCbc:
      return key == 16   ? EVP_aes_128_cbc()
             : key == 24 ? EVP_aes_192_cbc()
             : key == 32 ? EVP_aes_256_cbc()
                         : nullptr;
    case EspCipher::TripleDesCbc:
      return key == 24 ? EVP_des_ede3_cbc() : nullptr;
    case EspCipher::AesGcm8:
    case EspCipher::AesGcm12:
    case EspCipher::AesGcm16:
      return key == 16   ? EVP_aes_128_gcm()
             : key == 24 ? EVP_aes_192_gcm()
             : key == 32 ? EVP_aes_256_gcm()
                         : nullptr;
    case EspCipher::Null:
      return nullptr;
  }
  return nullptr;
}

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

// HMAC over `data`, truncated to `icv` octets.
bool hmac(const EspSa& sa, Bytes data, std::size_t icv, Buffer& out) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (!HMAC(md_of(sa.auth), sa.auth_key.data(), static_cast<int>(sa.auth_key.size()), data.data(),
            data.size(), md, &n) ||
      n < icv)
    return false;
  out.assign(md, md + icv);
  return true;
}

// CBC or GCM, one direction; `tag` is read (decrypt) or written (encrypt) for GCM.
bool run_cipher(const EspSa& sa, bool encrypt, Bytes iv, Bytes aad, Bytes in, Buffer& out, MutableBytes tag,
                bool& tag_ok) {
  tag_ok = true;
  if (sa.cipher == EspCipher::Null) {
    out.assign(in.begin(), in.end());
    return true;
  }
  const EVP_CIPHER* cipher = cipher_of(sa);
  Ctx ctx(EVP_CIPHER_CTX_new());
  if (!cipher || !ctx) return false;
  const bool gcm = is_gcm(sa.cipher);
  unsigned char nonce[12];
  const unsigned char* iv_ptr = iv.data();
  if (gcm) {  // RFC 4106 4: the salt (the key's last 4 octets), then the explicit IV
    std::copy(sa.enc_key.end() - 4, sa.enc_key.end(), nonce);
    std::copy(iv.begin(), iv.end(), nonce + 4);
    iv_ptr = nonce;
  }
  if (EVP_CipherInit_ex(ctx.get(), cipher, nullptr, nullptr, nullptr, encrypt ? 1 : 0) != 1) return false;
  if (gcm && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, 12, nullptr) != 1) return false;
  if (EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, sa.enc_key.data(), iv_ptr, encrypt ? 1 : 0) != 1)
    return false;
  EVP_CIPHER_CTX_set_padding(ctx.get(), 0);  // ESP pads itself
  int n = 0;
  if (gcm && EVP_CipherUpdate(ctx.get(), nullptr, &n, aad.data(), static_cast<int>(aad.size())) != 1)
    return false;
  out.resize(in.size() + 32);
  int written = 0;
  if (!in.empty() &&
      EVP_CipherUpdate(ctx.get(), out.data(), &written, in.data(), static_cast<int>(in.size())) != 1)
    return false;
  if (gcm && !encrypt &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag.size()), tag.data()) != 1)
    return false;
  int last = 0;
  if (EVP_CipherFinal_ex(ctx.get(), out.data() + written, &last) != 1) {
    if (gcm && !encrypt) {
      tag_ok = false;
      return true;
    }
    return false;
  }
  out.resize(static_cast<std::size_t>(written + last));
  if (gcm && encrypt &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag.size()), tag.data()) != 1)
    return false;
  return true;
}

}  // namespace

const char* to_string(EspFailure f) {
  switch (f) {
    case EspFailure::Malformed:
      return "malformed";
    case EspFailure::IcvMismatch:
      return "ICV mismatch";
    case EspFailure::BadTrailer:
      return "bad trailer";
    case EspFailure::Crypto:
      return "libcrypto error";
  }
  return "?";
}

std::size_t esp_iv_length(const EspSa& sa) {
  switch (sa.cipher) {
    case EspCipher::Null:
      return 0;
    case EspCipher::AesCbc:
      return 16;
    default:
      return 8;  // 3DES-CBC; AES-GCM's explicit IV
  }
}

std::optional<EspHeader> esp_header(Bytes esp) {
  if (esp.size() < kHeader) return std::nullopt;
  auto be32 = [&](std::size_t at) {
    return std::uint32_t{esp[at]} << 24 | std::uint32_t{esp[at + 1]} << 16 | std::uint32_t{esp[at + 2]} << 8 |
           esp[at + 3];
  };
  return EspHeader{be32(0), be32(4)};
}

Result<EspPlain, EspError> esp_decrypt(Bytes esp, const EspSa& sa) {
  const std::size_t iv = esp_iv_length(sa), icv = icv_of(sa), block = block_of(sa.cipher);
  // Header, IV, at least one block (or the 2-octet trailer), ICV.
  if (esp.size() < kHeader + iv + 2 + icv)
    return unexpected(EspError{EspFailure::Malformed, std::to_string(esp.size()) +
                                                          " octets is too short for " +
                                                          std::string(to_string(sa.cipher)) + " with a " +
                                                          std::to_string(icv) + "-octet ICV"});
  const std::size_t body = esp.size() - kHeader - iv - icv;
  if (body % block != 0 && sa.cipher != EspCipher::Null && !is_gcm(sa.cipher))
    return unexpected(EspError{EspFailure::Malformed, "the encrypted part (" + std::to_string(body) +
                                                          " octets) is not whole " + std::to_string(block) +
                                                          "-octet blocks: another algorithm or ICV length?"});
  EspPlain plain;
  plain.header = *esp_header(esp);
  const Bytes authenticated = esp.first(esp.size() - icv);
  const Bytes icv_bytes = esp.last(icv);
  if (md_of(sa.auth) != nullptr) {  // RFC 4303 3.4.4: verify before decrypting
    Buffer want;
    if (!hmac(sa, authenticated, icv, want)) return unexpected(EspError{EspFailure::Crypto, "HMAC failed"});
    if (CRYPTO_memcmp(want.data(), icv_bytes.data(), icv) != 0)
      return unexpected(
          EspError{EspFailure::IcvMismatch,
                   "the " + std::string(to_string(sa.auth)) +
                       " ICV does not verify: the authentication key is wrong or the SA is another's"});
  }
  Buffer tag(icv_bytes.begin(), icv_bytes.end());
  Buffer out;
  bool tag_ok = true;
  if (!run_cipher(sa, false, esp.subspan(kHeader, iv), esp.first(kHeader), esp.subspan(kHeader + iv, body),
                  out, tag, tag_ok))
    return unexpected(EspError{EspFailure::Crypto, "libcrypto refused to decrypt"});
  if (!tag_ok)
    return unexpected(
        EspError{EspFailure::IcvMismatch,
                 "the AES-GCM tag does not verify: the key or salt is wrong or the SA is another's"});
  if (out.size() < 2) return unexpected(EspError{EspFailure::Malformed, "no room for the ESP trailer"});
  plain.next_header = out.back();
  const std::size_t pad = out[out.size() - 2];
  if (pad + 2 > out.size())
    return unexpected(
        EspError{EspFailure::BadTrailer,
                 "Pad Length " + std::to_string(pad) + " exceeds the payload: the encryption key is wrong?"});
  // RFC 4303 2.4: the default padding is 1, 2, 3, ...; charon, Linux and Windows use it, so a
  // mismatch almost always means a wrong key when the ICV was not checked.
  const std::size_t data = out.size() - 2 - pad;
  for (std::size_t i = 0; i < pad; ++i)
    if (out[data + i] != static_cast<std::uint8_t>(i + 1))
      return unexpected(
          EspError{EspFailure::BadTrailer,
                   "the padding is not 1, 2, 3, ...: the encryption key is wrong (or the peer pads "
                   "otherwise)"});
  out.resize(data);
  plain.payload = std::move(out);
  return plain;
}

Result<Buffer, std::string> esp_seal(const EspSa& sa, std::uint32_t seq, Bytes iv, std::uint8_t next_header,
                                     Bytes payload) {
  if (!sa.spi) return unexpected(std::string("the SA has no SPI"));
  if (iv.size() != esp_iv_length(sa))
    return unexpected("the IV must have " + std::to_string(esp_iv_length(sa)) + " octets");
  const std::size_t block = block_of(sa.cipher), icv = icv_of(sa);
  Buffer plain(payload.begin(), payload.end());
  const std::size_t pad = (block - (plain.size() + 2) % block) % block;
  for (std::size_t i = 0; i < pad; ++i) plain.push_back(static_cast<std::uint8_t>(i + 1));
  plain.push_back(static_cast<std::uint8_t>(pad));
  plain.push_back(next_header);
  Buffer out;
  for (std::uint32_t v : {*sa.spi, seq})
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(v >> s));
  out.insert(out.end(), iv.begin(), iv.end());
  Buffer sealed, tag(is_gcm(sa.cipher) ? icv : 0);
  bool tag_ok = true;
  const Buffer aad(out.begin(), out.begin() + kHeader);
  if (!run_cipher(sa, true, iv, aad, plain, sealed, tag, tag_ok))
    return unexpected(std::string("libcrypto refused"));
  out.insert(out.end(), sealed.begin(), sealed.end());
  if (is_gcm(sa.cipher)) {
    out.insert(out.end(), tag.begin(), tag.end());
  } else if (md_of(sa.auth) != nullptr) {
    Buffer mac;
    if (!hmac(sa, out, icv, mac)) return unexpected(std::string("HMAC failed"));
    out.insert(out.end(), mac.begin(), mac.end());
  } else {
    out.insert(out.end(), icv, 0);  // NULL (0 octets) or an unchecked ICV
  }
  return out;
}

}  // namespace l2tp::capture
