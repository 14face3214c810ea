#include "engine/ppp/auth/mschap.hpp"

#include <algorithm>

#include "engine/ppp/auth/crypto.hpp"

namespace l2tp::ppp::auth {
namespace {

// Decodes one UTF-8 sequence at s[i]; returns the code point and advances i. Malformed or
// overlong sequences, and surrogates, yield the single octet as Latin-1.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<std::uint8_t>(s[i]);
  std::size_t len = 0;
  char32_t cp = 0;
  if (b0 < 0x80) {
    len = 1;
    cp = b0;
  } else if ((b0 & 0xe0) == 0xc0) {
    len = 2;
    cp = b0 & 0x1f;
  } else if ((b0 & 0xf0) == 0xe0) {
    len = 3;
    cp = b0 & 0x0f;
  } else if ((b0 & 0xf8) == 0xf0) {
    len = 4;
    cp = b0 & 0x07;
  }
  bool ok = len != 0 && i + len <= s.size();
  for (std::size_t k = 1; ok && k < len; ++k) {
    const auto b = static_cast<std::uint8_t>(s[i + k]);
    ok = (b & 0xc0) == 0x80;
    cp = (cp << 6) | (b & 0x3f);
  }
  static constexpr char32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
  if (ok && (cp < kMinForLength[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) ok = false;
  if (!ok) {
    ++i;
    return b0;
  }
  i += len;
  return cp;
}

void put_utf16le(Buffer& out, char32_t unit) {
  out.push_back(static_cast<std::uint8_t>(unit & 0xff));
  out.push_back(static_cast<std::uint8_t>((unit >> 8) & 0xff));
}

DesKey56 key_at(const std::array<std::uint8_t, 21>& z, std::size_t at) {
  DesKey56 k{};
  std::copy_n(z.begin() + static_cast<std::ptrdiff_t>(at), k.size(), k.begin());
  return k;
}

// RFC 2759 8.7: "Magic server to client signing constant", "Pad to make it do more than one
// iteration".
constexpr std::string_view kMagic1 = "Magic server to client signing constant";
constexpr std::string_view kMagic2 = "Pad to make it do more than one iteration";
static_assert(kMagic1.size() == 39 && kMagic2.size() == 41);

}  // namespace

Buffer utf16le(std::string_view utf8) {
  Buffer out;
  out.reserve(utf8.size() * 2);
  for (std::size_t i = 0; i < utf8.size();) {
    const char32_t cp = next_code_point(utf8, i);
    if (cp < 0x10000) {
      put_utf16le(out, cp);
    } else {
      const char32_t v = cp - 0x10000;
      put_utf16le(out, 0xd800 + (v >> 10));
      put_utf16le(out, 0xdc00 + (v & 0x3ff));
    }
  }
  return out;
}

PasswordHash nt_password_hash(std::string_view password) {
  const Buffer unicode = utf16le(password);
  return md4({unicode});
}

PasswordHash hash_nt_password_hash(const PasswordHash& hash) {
  return md4({hash});
}

ChallengeResponseValue challenge_response(Bytes8 challenge, const PasswordHash& hash) {
  std::array<std::uint8_t, 21> z{};
  std::copy(hash.begin(), hash.end(), z.begin());
  DesBlock clear{};
  std::copy(challenge.begin(), challenge.end(), clear.begin());
  ChallengeResponseValue out{};
  for (std::size_t part = 0; part < 3; ++part) {
    const DesBlock c = des_encrypt(clear, key_at(z, 7 * part));
    std::copy(c.begin(), c.end(), out.begin() + static_cast<std::ptrdiff_t>(8 * part));
  }
  return out;
}

ChallengeResponseValue nt_challenge_response(Bytes8 challenge, std::string_view password) {
  return challenge_response(challenge, nt_password_hash(password));
}

std::optional<PasswordHash> lm_password_hash(std::string_view password) {
  if (password.size() > 14) return std::nullopt;
  std::array<std::uint8_t, 14> upper{};
  for (std::size_t i = 0; i < password.size(); ++i) {
    const char c = password[i];
    upper[i] = static_cast<std::uint8_t>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  // DesHash (A.3): the known text "KGS!@#$%" encrypted under each 7-octet half.
  static constexpr DesBlock kStdText = {'K', 'G', 'S', '!', '@', '#', '$', '%'};
  PasswordHash out{};
  for (std::size_t half = 0; half < 2; ++half) {
    DesKey56 k{};
    std::copy_n(upper.begin() + static_cast<std::ptrdiff_t>(7 * half), k.size(), k.begin());
    const DesBlock c = des_encrypt(kStdText, k);
    std::copy(c.begin(), c.end(), out.begin() + static_cast<std::ptrdiff_t>(8 * half));
  }
  return out;
}

std::optional<ChallengeResponseValue> lm_challenge_response(Bytes8 challenge, std::string_view password) {
  const auto hash = lm_password_hash(password);
  if (!hash) return std::nullopt;
  return challenge_response(challenge, *hash);
}

Buffer mschap1_response_value(Bytes8 challenge, std::string_view password) {
  Buffer out(24, 0);  // LAN Manager response: deprecated, zero-filled (RFC 2433 6)
  const ChallengeResponseValue nt = nt_challenge_response(challenge, password);
  out.insert(out.end(), nt.begin(), nt.end());
  out.push_back(1);  // "use Windows NT compatible challenge response"
  return out;
}

std::string_view mschap_user_name(std::string_view name) {
  const auto slash = name.rfind('\\');
  return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

Challenge8 challenge_hash(Bytes16 peer_challenge, Bytes16 authenticator_challenge, std::string_view user) {
  const Sha1Digest d = sha1({peer_challenge, authenticator_challenge, as_bytes(user)});
  Challenge8 out{};
  std::copy_n(d.begin(), out.size(), out.begin());
  return out;
}

ChallengeResponseValue generate_nt_response(Bytes16 authenticator_challenge, Bytes16 peer_challenge,
                                            std::string_view user, std::string_view password) {
  const Challenge8 challenge = challenge_hash(peer_challenge, authenticator_challenge, user);
  return challenge_response(challenge, nt_password_hash(password));
}

std::string generate_authenticator_response(std::string_view password,
                                            const ChallengeResponseValue& nt_response, Bytes16 peer_challenge,
                                            Bytes16 authenticator_challenge, std::string_view user) {
  const PasswordHash hash_hash = hash_nt_password_hash(nt_password_hash(password));
  const Sha1Digest d1 = sha1({hash_hash, nt_response, as_bytes(kMagic1)});
  const Challenge8 challenge = challenge_hash(peer_challenge, authenticator_challenge, user);
  const Sha1Digest d2 = sha1({d1, challenge, as_bytes(kMagic2)});
  return "S=" + to_upper_hex(d2);
}

Buffer mschap2_response_value(Bytes16 authenticator_challenge, Bytes16 peer_challenge, std::string_view user,
                              std::string_view password) {
  Buffer out(peer_challenge.begin(), peer_challenge.end());
  out.resize(out.size() + 8, 0);  // Reserved, must be zero
  const ChallengeResponseValue nt =
      generate_nt_response(authenticator_challenge, peer_challenge, user, password);
  out.insert(out.end(), nt.begin(), nt.end());
  out.push_back(0);  // Flags: reserved, MUST be zero
  return out;
}

std::string to_upper_hex(Bytes b) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string s;
  s.reserve(b.size() * 2);
  for (auto c : b) {
    s += kDigits[c >> 4];
    s += kDigits[c & 0xF];
  }
  return s;
}

}  // namespace l2tp::ppp::auth
