// ESP in a capture (IP protocol 50, or UDP-encapsulated on port 4500, RFC 3948) for `decode`:
// which packets are ESP, counted per SPI; with SAs (--esp-sa), each opened and its inner packet
// given back as the capture would have held it in the clear (tunnel mode: the inner IP packet;
// transport mode: the UDP datagram between the outer addresses), so the L2TP inside is decoded
// and checked like any other. What could not be opened is counted with the reason, and
// explain() says it in words ("the L2TP inside is encrypted; give --esp-sa to decrypt").
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "capture/esp_decrypt.hpp"
#include "capture/esp_sa_file.hpp"
#include "capture/frame_decoder.hpp"
#include "capture/packet.hpp"

namespace l2tp::capture {

inline constexpr std::uint16_t kIkeNatPort = 4500;

// The ESP packet (from the SPI on) a captured packet carries: IP protocol 50, or UDP from or to
// port 4500 that is neither IKE (the 4-octet non-ESP marker, RFC 3948 2.2) nor a NAT-keepalive
// (one 0xFF octet, RFC 3948 2.3); at least the 8 octets of SPI and Sequence Number. nullopt
// for anything else.
std::optional<Bytes> esp_payload(const CapturedPacket& p);

class EspOpener {
 public:
  explicit EspOpener(std::vector<EspSa> sas) : sas_(std::move(sas)) {}

  // An ESP packet (esp_payload not nullopt) in; the packet inside it out, with the outer one's
  // frame number and time; nullopt when it is not opened (no SA, ICV failure, malformed, not
  // UDP or IP inside), counted per SPI.
  std::optional<CapturedPacket> open(const CapturedPacket& outer);

  struct SpiCounts {
    std::uint32_t spi = 0;
    std::string src, dst;  // the outer addresses of its first packet
    std::uint64_t packets = 0, opened = 0, no_sa = 0, icv_failed = 0, bad_trailer = 0, malformed = 0,
                  not_udp_or_ip = 0;
    std::string first_error;  // the first failure, in words
  };
  std::uint64_t packets() const { return packets_; }
  std::uint64_t opened() const { return opened_; }
  const std::map<std::uint32_t, SpiCounts>& by_spi() const { return by_spi_; }
  bool have_sas() const { return !sas_.empty(); }

  // Lines for the end of decode's text output (empty when the capture had no ESP).
  std::string explain() const;
  // {packets, opened, encrypted_note, spis: [{spi: "0x..", src, dst, packets, opened, ...}]}
  nlohmann::json to_json() const;

 private:
  std::vector<EspSa> sas_;
  FrameDecoder inner_{static_cast<int>(LinkType::Raw)};  // tunnel mode's inner packets
  std::map<std::uint32_t, SpiCounts> by_spi_;
  std::uint64_t packets_ = 0, opened_ = 0;
};

}  // namespace l2tp::capture
