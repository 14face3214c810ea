// ESP security associations as Wireshark's `esp_sa` file holds them (Preferences > Protocols >
// ESP > ESP SAs; one quoted, comma-separated record a line):
//
//   "IPv4","192.0.2.1","192.0.2.2","0x0a1b2c3d","AES-CBC [RFC3602]","0x00112233...","HMAC-SHA-1-96
//   [RFC2404]","0x..."
//
// protocol, source, destination ("*" for any), SPI ("0x..." or "*"), encryption and its key,
// authentication and its key (keys "0x..." in hex, else the text itself, as Wireshark reads
// them). The same lines work in Wireshark and in `l2tpsim decode --esp-sa`, so field captures of
// L2TP/IPsec can be read by both. Later Wireshark versions append two fields for extended
// sequence numbers: 32-bit ones are accepted, 64-bit ones refused (not supported here).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/net/address.hpp"
#include "engine/util/bytes.hpp"
#include "engine/util/result.hpp"

namespace l2tp::capture {

enum class EspCipher : std::uint8_t { Null, AesCbc, TripleDesCbc, AesGcm8, AesGcm12, AesGcm16 };
// The Unchecked ones say only how long the ICV is ("ANY 96 bit authentication [no checking]").
enum class EspAuth : std::uint8_t {
  Null,
  HmacSha1_96,
  HmacSha256_128,
  HmacSha384_192,
  HmacSha512_256,
  HmacMd5_96,
  Unchecked64,
  Unchecked96,
  Unchecked128,
  Unchecked192,
  Unchecked256,
};
std::string_view to_string(EspCipher c);  // Wireshark's names
std::string_view to_string(EspAuth a);

struct EspSa {
  bool ipv6 = false;
  std::optional<net::IpAddress> src, dst;  // none: any ("*")
  std::optional<std::uint32_t> spi;        // none: any ("*")
  EspCipher cipher = EspCipher::Null;
  Buffer enc_key;  // AES-GCM: the key and then the 4-octet salt (RFC 4106 8.1)
  EspAuth auth = EspAuth::Null;
  Buffer auth_key;

  bool matches(std::uint32_t packet_spi, const net::IpAddress& from, const net::IpAddress& to) const;
};

// One record. Errors name the field and the value ("field 5 (encryption): 'AES-CTR [RFC3686]'
// is not supported; ...").
Result<EspSa, std::string> parse_esp_sa(std::string_view line);

// What --esp-sa names: a record itself, or a file of records (Wireshark's esp_sa file; blank
// lines and lines starting with '#' skipped). Errors name the file and line.
Result<std::vector<EspSa>, std::string> load_esp_sas(const std::string& value);

// The record as Wireshark writes it (keys in hex), e.g. for a test's esp_sa file.
std::string to_esp_sa_line(const EspSa& sa);

}  // namespace l2tp::capture
