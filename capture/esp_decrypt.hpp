// ESP (RFC 4303) opened with a known SA: the ICV checked first (HMAC, RFC 2404/4868/2403; or the
// AES-GCM tag, RFC 4106), then the payload decrypted (AES-CBC RFC 3602, 3DES-CBC RFC 2451,
// AES-GCM, or NULL RFC 2410) and its trailer (padding, Pad Length, Next Header) checked. Pure:
// bytes in, bytes out, every length checked before use; no I/O. esp_seal is the inverse, for
// tests and the fuzzer (a capture with known keys).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "capture/esp_sa_file.hpp"
#include "engine/util/bytes.hpp"
#include "engine/util/result.hpp"

namespace l2tp::capture {

// The IP protocol numbers ESP's Next Header names for L2TP/IPsec.
inline constexpr std::uint8_t kEspNextIpv4 = 4;   // tunnel mode: an inner IPv4 packet
inline constexpr std::uint8_t kEspNextIpv6 = 41;  // tunnel mode: an inner IPv6 packet
inline constexpr std::uint8_t kEspNextUdp = 17;   // transport mode: the UDP datagram itself
inline constexpr std::uint8_t kEspNextNone = 59;  // a dummy packet (RFC 4303 2.6)

struct EspHeader {
  std::uint32_t spi = 0, seq = 0;
};
// SPI and Sequence Number; nullopt when fewer than 8 octets.
std::optional<EspHeader> esp_header(Bytes esp);

struct EspPlain {
  EspHeader header;
  std::uint8_t next_header = 0;
  Buffer payload;  // without padding, Pad Length and Next Header
};

enum class EspFailure : std::uint8_t {
  Malformed,    // too short for the SA's IV and ICV, or not whole cipher blocks
  IcvMismatch,  // the ICV (or GCM tag) does not verify: another SA's packet, or the wrong key
  BadTrailer,   // decrypted, but padding and Pad Length do not add up: the wrong encryption key
  Crypto,       // libcrypto refused (should not happen with a parsed SA)
};
struct EspError {
  EspFailure failure = EspFailure::Malformed;
  std::string detail;
};
const char* to_string(EspFailure f);

// `esp` starts at the SPI and runs to the end of the IP (or UDP) payload.
Result<EspPlain, EspError> esp_decrypt(Bytes esp, const EspSa& sa);

// The ESP packet for `payload` under `sa` (its SPI must be set), padded to the cipher's block.
// `iv`: the cipher's IV length in octets (16 AES-CBC, 8 3DES and GCM, 0 NULL); GCM's must be
// unique per key, as in any real use.
Result<Buffer, std::string> esp_seal(const EspSa& sa, std::uint32_t seq, Bytes iv, std::uint8_t next_header,
                                     Bytes payload);
// The IV length the SA's cipher takes.
std::size_t esp_iv_length(const EspSa& sa);

}  // namespace l2tp::capture
