#include "capture/esp_sa_file.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <utility>

namespace l2tp::capture {

namespace {

struct CipherName {
  std::string_view name;
  EspCipher cipher;
};
// Wireshark's names (epan/dissectors/packet-ipsec.c), and the shorter ones older versions and
// the usual key-export scripts write.
constexpr std::array<CipherName, 9> kCiphers{{
    {"NULL", EspCipher::Null},
    {"AES-CBC [RFC3602]", EspCipher::AesCbc},
    {"TripleDES-CBC [RFC2451]", EspCipher::TripleDesCbc},
    {"AES-GCM with 8 octet ICV [RFC4106]", EspCipher::AesGcm8},
    {"AES-GCM with 12 octet ICV [RFC4106]", EspCipher::AesGcm12},
    {"AES-GCM with 16 octet ICV [RFC4106]", EspCipher::AesGcm16},
    {"AES-GCM [RFC4106]", EspCipher::AesGcm16},
    {"AES-CBC-128 [RFC3602]", EspCipher::AesCbc},
    {"AES-CBC-256 [RFC3602]", EspCipher::AesCbc},
}};

struct AuthName {
  std::string_view name;
  EspAuth auth;
};
constexpr std::array<AuthName, 11> kAuths{{
    {"NULL", EspAuth::Null},
    {"HMAC-SHA-1-96 [RFC2404]", EspAuth::HmacSha1_96},
    {"HMAC-SHA-256-128 [RFC4868]", EspAuth::HmacSha256_128},
    {"HMAC-SHA-384-192 [RFC4868]", EspAuth::HmacSha384_192},
    {"HMAC-SHA-512-256 [RFC4868]", EspAuth::HmacSha512_256},
    {"HMAC-MD5-96 [RFC2403]", EspAuth::HmacMd5_96},
    {"ANY 64 bit authentication [no checking]", EspAuth::Unchecked64},
    {"ANY 96 bit authentication [no checking]", EspAuth::Unchecked96},
    {"ANY 128 bit authentication [no checking]", EspAuth::Unchecked128},
    {"ANY 192 bit authentication [no checking]", EspAuth::Unchecked192},
    {"ANY 256 bit authentication [no checking]", EspAuth::Unchecked256},
}};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Wireshark's UAT records: "quoted" fields (with \xHH escapes) separated by commas; a bare field
// is taken as it stands.
Result<std::vector<std::string>, std::string> split_record(std::string_view line) {
  std::vector<std::string> fields;
  std::size_t i = 0;
  for (;;) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::string field;
    if (i < line.size() && line[i] == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        const char c = line[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\' && i < line.size()) {
          const char e = line[i++];
          if (e == 'x' && i + 1 < line.size() && hex_value(line[i]) >= 0 && hex_value(line[i + 1]) >= 0) {
            field += static_cast<char>(hex_value(line[i]) * 16 + hex_value(line[i + 1]));
            i += 2;
          } else {
            field += e;
          }
          continue;
        }
        field += c;
      }
      if (!closed) return unexpected("field " + std::to_string(fields.size() + 1) + " has no closing quote");
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    } else {
      const std::size_t comma = std::min(line.find(',', i), line.size());
      field = std::string(trim(line.substr(i, comma - i)));
      i = comma;
    }
    fields.push_back(std::move(field));
    if (i >= line.size()) break;
    if (line[i] != ',')
      return unexpected("after field " + std::to_string(fields.size()) + ": expected ',', not '" +
                        std::string(1, line[i]) + "'");
    ++i;
  }
  return fields;
}

// "0x..." is hex (Wireshark's rule); anything else is the key's own octets.
Result<Buffer, std::string> parse_key(const std::string& text) {
  if (text.size() < 2 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
    return Buffer(text.begin(), text.end());
  const std::string_view hex = std::string_view(text).substr(2);
  if (hex.size() % 2 != 0) return unexpected(std::string("an odd number of hex digits"));
  Buffer key;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hex_value(hex[i]), lo = hex_value(hex[i + 1]);
    if (hi < 0 || lo < 0)
      return unexpected("'" + std::string(1, hex[hi < 0 ? i : i + 1]) + "' is not a hex digit");
    key.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  return key;
}

std::string hex_of(const Buffer& b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "0x";
  for (std::uint8_t v : b) {
    out += kDigits[v >> 4];
    out += kDigits[v & 0xf];
  }
  return out;
}

std::string names_of_ciphers() {
  return "NULL, AES-CBC [RFC3602], TripleDES-CBC [RFC2451], AES-GCM with 8|12|16 octet ICV [RFC4106]";
}

// The key lengths each cipher takes, in octets.
bool key_fits(EspCipher c, std::size_t n) {
  switch (c) {
    case EspCipher::Null:
      return n == 0;
    case EspCipher::AesCbc:
      return n == 16 || n == 24 || n == 32;
    case EspCipher::TripleDesCbc:
      return n == 24;
    case EspCipher::AesGcm8:
    case EspCipher::AesGcm12:
    case EspCipher::AesGcm16:
      return n == 20 || n == 28 || n == 36;  // + the 4-octet salt
  }
  return false;
}

const char* key_lengths(EspCipher c) {
  switch (c) {
    case EspCipher::Null:
      return "none";
    case EspCipher::AesCbc:
      return "16, 24 or 32 octets";
    case EspCipher::TripleDesCbc:
      return "24 octets";
    case EspCipher::AesGcm8:
    case EspCipher::AesGcm12:
    case EspCipher::AesGcm16:
      return "20, 28 or 36 octets (the AES key and a 4-octet salt)";
  }
  return "";
}

}  // namespace

std::string_view to_string(EspCipher c) {
  for (const auto& n : kCiphers)
    if (n.cipher == c) return n.name;
  return "?";
}

std::string_view to_string(EspAuth a) {
  for (const auto& n : kAuths)
    if (n.auth == a) return n.name;
  return "?";
}

bool EspSa::matches(std::uint32_t packet_spi, const net::IpAddress& from, const net::IpAddress& to) const {
  return (!spi || *spi == packet_spi) && from.v6 == ipv6 && (!src || *src == from) && (!dst || *dst == to);
}

Result<EspSa, std::string> parse_esp_sa(std::string_view line) {
  auto split = split_record(trim(line));
  if (!split) return unexpected(split.error());
  const auto& f = *split;
  if (f.size() != 8 && f.size() != 10)
    return unexpected(
        "expected 8 fields (protocol, source, destination, SPI, encryption, its key, "
        "authentication, its key), not " +
        std::to_string(f.size()));
  auto bad = [](int n, const char* name, const std::string& value, const std::string& why) {
    return unexpected("field " + std::to_string(n) + " (" + name + "): '" + value + "' " + why);
  };
  EspSa sa;
  if (iequals(f[0], "IPv4"))
    sa.ipv6 = false;
  else if (iequals(f[0], "IPv6"))
    sa.ipv6 = true;
  else
    return bad(1, "protocol", f[0], "is not IPv4 or IPv6");
  for (int i : {1, 2}) {
    const std::string& text = f[static_cast<std::size_t>(i)];
    if (text == "*" || text.empty()) continue;
    net::IpAddress a;
    if (!net::IpAddress::parse(text, a) || a.v6 != sa.ipv6)
      return bad(i + 1, i == 1 ? "source" : "destination", text,
                 std::string("is not an ") + (sa.ipv6 ? "IPv6" : "IPv4") + " address or '*' (no subnets)");
    (i == 1 ? sa.src : sa.dst) = a;
  }
  if (f[3] != "*") {
    const std::string& t = f[3];
    const bool hex = t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X');
    std::uint64_t v = 0;
    const std::string_view digits = std::string_view(t).substr(hex ? 2 : 0);
    bool ok = !digits.empty() && digits.size() <= (hex ? 8u : 10u);
    for (char c : digits) {
      const int d = hex ? hex_value(c) : (c >= '0' && c <= '9' ? c - '0' : -1);
      if (d < 0) ok = false;
      v = v * (hex ? 16 : 10) + static_cast<std::uint64_t>(std::max(d, 0));
    }
    if (!ok || v > 0xffffffffu || v == 0)
      return bad(4, "SPI", t, "is not a non-zero 32-bit SPI (0x... or decimal) or '*'");
    sa.spi = static_cast<std::uint32_t>(v);
  }
  const auto cipher =
      std::find_if(kCiphers.begin(), kCiphers.end(), [&](const auto& n) { return iequals(n.name, f[4]); });
  if (cipher == kCiphers.end())
    return bad(5, "encryption", f[4], "is not supported (supported: " + names_of_ciphers() + ")");
  sa.cipher = cipher->cipher;
  auto enc_key = parse_key(f[5]);
  if (!enc_key) return bad(6, "encryption key", f[5], enc_key.error());
  sa.enc_key = std::move(*enc_key);
  if (!key_fits(sa.cipher, sa.enc_key.size()))
    return bad(6, "encryption key", f[5],
               "has " + std::to_string(sa.enc_key.size()) + " octets; " + std::string(to_string(sa.cipher)) +
                   " takes " + key_lengths(sa.cipher));
  const auto auth =
      std::find_if(kAuths.begin(), kAuths.end(), [&](const auto& n) { return iequals(n.name, f[6]); });
  if (auth == kAuths.end())
    return bad(7, "authentication", f[6],
               "is not supported (supported: NULL, HMAC-SHA-1-96 [RFC2404], HMAC-SHA-256-128 [RFC4868], "
               "HMAC-SHA-384-192 [RFC4868], HMAC-SHA-512-256 [RFC4868], HMAC-MD5-96 [RFC2403], ANY N bit "
               "authentication [no checking])");
  sa.auth = auth->auth;
  auto auth_key = parse_key(f[7]);
  if (!auth_key) return bad(8, "authentication key", f[7], auth_key.error());
  sa.auth_key = std::move(*auth_key);
  const bool gcm =
      sa.cipher == EspCipher::AesGcm8 || sa.cipher == EspCipher::AesGcm12 || sa.cipher == EspCipher::AesGcm16;
  if (gcm && sa.auth != EspAuth::Null)
    return bad(7, "authentication", f[6], "must be NULL with AES-GCM (its ICV is the GCM tag)");
  const bool hmac = sa.auth >= EspAuth::HmacSha1_96 && sa.auth <= EspAuth::HmacMd5_96;
  if (hmac && sa.auth_key.empty()) return bad(8, "authentication key", f[7], "is empty");
  if (f.size() == 10 && f[8].find("64") != std::string::npos)
    return bad(9, "sequence number length", f[8], "asks for 64-bit extended sequence numbers, not supported");
  return sa;
}

Result<std::vector<EspSa>, std::string> load_esp_sas(const std::string& value) {
  const std::string_view v = trim(value);
  if (!v.empty() && v.front() == '"') {
    auto sa = parse_esp_sa(v);
    if (!sa) return unexpected("'" + value + "': " + sa.error());
    return std::vector<EspSa>{std::move(*sa)};
  }
  std::ifstream in(value);
  if (!in)
    return unexpected("'" + value + "' is neither an esp_sa record (\"IPv4\",...) nor a readable file");
  std::vector<EspSa> out;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const std::string_view t = trim(line);
    if (t.empty() || t.front() == '#') continue;
    auto sa = parse_esp_sa(t);
    if (!sa) return unexpected(value + ":" + std::to_string(n) + ": " + sa.error());
    out.push_back(std::move(*sa));
  }
  if (out.empty()) return unexpected(value + ": no esp_sa records in it");
  return out;
}

std::string to_esp_sa_line(const EspSa& sa) {
  auto q = [](std::string_view s) { return "\"" + std::string(s) + "\""; };
  char spi[16];
  std::snprintf(spi, sizeof spi, "0x%08x", sa.spi.value_or(0));
  return q(sa.ipv6 ? "IPv6" : "IPv4") + "," + q(sa.src ? sa.src->to_string() : "*") + "," +
         q(sa.dst ? sa.dst->to_string() : "*") + "," + q(sa.spi ? spi : "*") + "," + q(to_string(sa.cipher)) +
         "," + q(sa.enc_key.empty() ? "" : hex_of(sa.enc_key)) + "," + q(to_string(sa.auth)) + "," +
         q(sa.auth_key.empty() ? "" : hex_of(sa.auth_key));
}

}  // namespace l2tp::capture
