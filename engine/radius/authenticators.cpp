#include "engine/radius/authenticators.hpp"

#include <algorithm>
#include <optional>

namespace l2tp::radius {
namespace {

constexpr std::size_t kAuthOffset = 4;  // the Authenticator field
constexpr std::size_t kMd5Block = 64;

// The packet up to its Length field, after checking that the attribute walk is sound, and the
// offset of the Message-Authenticator value if there is exactly one of the right size.
struct Layout {
  std::size_t length = 0;
  std::optional<std::size_t> message_auth;
};

Result<Layout, std::string> layout(Bytes packet) {
  auto decoded = decode(packet);
  if (!decoded) return unexpected("malformed packet: " + describe(decoded.error()));
  Layout l;
  l.length = (std::size_t{packet[2]} << 8) | packet[3];
  std::size_t at = kHeaderSize;
  while (at < l.length) {
    const std::size_t len = packet[at + 1];
    if (static_cast<AttrType>(packet[at]) == AttrType::MessageAuthenticator) {
      if (len != 18) return unexpected(std::string("Message-Authenticator is not 16 octets (RFC 3579 3.2)"));
      if (l.message_auth) return unexpected(std::string("more than one Message-Authenticator"));
      l.message_auth = at + 2;
    }
    at += len;
  }
  return l;
}

bool equal_constant_time(Bytes a, Bytes b) {
  if (a.size() != b.size()) return false;
  std::uint8_t diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= a[i] ^ b[i];
  return diff == 0;
}

void put_authenticator(MutableBytes packet, Bytes value) {
  std::copy(value.begin(), value.end(), packet.begin() + kAuthOffset);
}

// HMAC-MD5 over `packet` with the Message-Authenticator zeroed and the authenticator field
// replaced by `auth_field`.
crypto::Md5Digest message_authenticator(Bytes packet, std::size_t ma_at, Bytes auth_field,
                                        std::string_view secret) {
  Buffer copy(packet.begin(), packet.end());
  put_authenticator(copy, auth_field);
  std::fill_n(copy.begin() + static_cast<std::ptrdiff_t>(ma_at), 16, 0);
  return hmac_md5(as_bytes(secret), copy);
}

// MD5(Code + Identifier + Length + auth_field + Attributes + Secret): the Response
// Authenticator (auth_field = Request Authenticator) and the Accounting Request Authenticator
// (auth_field = 16 zero octets).
crypto::Md5Digest md5_authenticator(Bytes packet, Bytes auth_field, std::string_view secret) {
  return crypto::md5({packet.first(kAuthOffset), auth_field, packet.subspan(kHeaderSize), as_bytes(secret)});
}

const Authenticator kZero{};

}  // namespace

crypto::Md5Digest hmac_md5(Bytes key, Bytes data) {
  std::array<std::uint8_t, kMd5Block> k{};
  if (key.size() > kMd5Block) {
    const auto hashed = crypto::md5({key});
    std::copy(hashed.begin(), hashed.end(), k.begin());
  } else {
    std::copy(key.begin(), key.end(), k.begin());
  }
  std::array<std::uint8_t, kMd5Block> ipad{}, opad{};
  for (std::size_t i = 0; i < kMd5Block; ++i) {
    ipad[i] = k[i] ^ 0x36;
    opad[i] = k[i] ^ 0x5c;
  }
  const auto inner = crypto::md5({ipad, data});
  return crypto::md5({opad, inner});
}

Result<Buffer, std::string> hide_password(std::string_view password, std::string_view secret,
                                          const Authenticator& request_auth) {
  if (password.size() > kMaxPasswordSize)
    return unexpected("password of " + std::to_string(password.size()) +
                      " octets exceeds the 128 User-Password can carry (RFC 2865 5.2)");
  // An empty password still occupies one 16-octet block (the attribute needs a value).
  const std::size_t padded = std::max<std::size_t>(16, (password.size() + 15) / 16 * 16);
  Buffer out(padded, 0);
  std::copy(password.begin(), password.end(), out.begin());
  Bytes prev = request_auth;
  for (std::size_t i = 0; i < padded; i += 16) {
    const auto b = crypto::md5({as_bytes(secret), prev});
    for (std::size_t j = 0; j < 16; ++j) out[i + j] ^= b[j];
    prev = Bytes(out).subspan(i, 16);
  }
  return out;
}

Result<std::string, std::string> unhide_password(Bytes hidden, std::string_view secret,
                                                 const Authenticator& request_auth) {
  if (hidden.empty() || hidden.size() % 16 != 0 || hidden.size() > kMaxPasswordSize)
    return unexpected("User-Password of " + std::to_string(hidden.size()) +
                      " octets is not 16..128 in steps of 16 (RFC 2865 5.2)");
  std::string out(hidden.size(), '\0');
  Bytes prev = request_auth;
  for (std::size_t i = 0; i < hidden.size(); i += 16) {
    const auto b = crypto::md5({as_bytes(secret), prev});
    for (std::size_t j = 0; j < 16; ++j) out[i + j] = static_cast<char>(hidden[i + j] ^ b[j]);
    prev = hidden.subspan(i, 16);
  }
  out.erase(out.find_last_not_of('\0') + 1);
  return out;
}

Result<void, std::string> sign_request(Buffer& packet, std::string_view secret) {
  auto l = layout(packet);
  if (!l) return unexpected(l.error());
  const Bytes p = Bytes(packet).first(l->length);
  const bool accounting = static_cast<Code>(p[0]) == Code::AccountingRequest;
  if (l->message_auth) {
    // Access-Request: over its own Request Authenticator; Accounting-Request: over zeros, as
    // its authenticator is computed afterwards.
    const auto ma = message_authenticator(p, *l->message_auth,
                                          accounting ? Bytes(kZero) : p.subspan(kAuthOffset, 16), secret);
    std::copy(ma.begin(), ma.end(), packet.begin() + static_cast<std::ptrdiff_t>(*l->message_auth));
  }
  if (accounting) put_authenticator(packet, md5_authenticator(p, kZero, secret));
  return {};
}

Result<void, std::string> verify_request(Bytes packet, std::string_view secret) {
  auto l = layout(packet);
  if (!l) return unexpected(l.error());
  const Bytes p = packet.first(l->length);
  const Bytes own = p.subspan(kAuthOffset, 16);
  const bool accounting = static_cast<Code>(p[0]) == Code::AccountingRequest;
  if (accounting && !equal_constant_time(own, md5_authenticator(p, kZero, secret)))
    return unexpected(std::string("Accounting Request Authenticator does not match (RFC 2866 3)"));
  if (l->message_auth) {
    const auto expect = message_authenticator(p, *l->message_auth, accounting ? Bytes(kZero) : own, secret);
    if (!equal_constant_time(p.subspan(*l->message_auth, 16), expect))
      return unexpected(std::string("Message-Authenticator does not match (RFC 3579 3.2)"));
  }
  return {};
}

Result<void, std::string> sign_response(Buffer& packet, const Authenticator& request_auth,
                                        std::string_view secret) {
  auto l = layout(packet);
  if (!l) return unexpected(l.error());
  if (l->message_auth) {
    const auto ma =
        message_authenticator(Bytes(packet).first(l->length), *l->message_auth, request_auth, secret);
    std::copy(ma.begin(), ma.end(), packet.begin() + static_cast<std::ptrdiff_t>(*l->message_auth));
  }
  put_authenticator(packet, md5_authenticator(Bytes(packet).first(l->length), request_auth, secret));
  return {};
}

Result<void, std::string> verify_response(Bytes packet, const Authenticator& request_auth,
                                          std::string_view secret, bool require_message_authenticator) {
  auto l = layout(packet);
  if (!l) return unexpected(l.error());
  const Bytes p = packet.first(l->length);
  if (!equal_constant_time(p.subspan(kAuthOffset, 16), md5_authenticator(p, request_auth, secret)))
    return unexpected(std::string("Response Authenticator does not match (RFC 2865 3)"));
  if (l->message_auth) {
    if (!equal_constant_time(p.subspan(*l->message_auth, 16),
                             message_authenticator(p, *l->message_auth, request_auth, secret)))
      return unexpected(std::string("Message-Authenticator does not match (RFC 3579 3.2)"));
  } else if (require_message_authenticator) {
    return unexpected(std::string("no Message-Authenticator, and one is required"));
  }
  return {};
}

}  // namespace l2tp::radius
