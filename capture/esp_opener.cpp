#include "capture/esp_opener.hpp"

#include <cstdio>
#include <sstream>

namespace l2tp::capture {

namespace {

std::string spi_text(std::uint32_t spi) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", spi);
  return buf;
}

// Transport mode: the decrypted payload is the UDP datagram; its addresses are the outer ones.
std::optional<CapturedPacket> udp_of(const CapturedPacket& outer, const Buffer& udp) {
  if (udp.size() < 8) return std::nullopt;
  const std::uint16_t length = static_cast<std::uint16_t>(udp[4] << 8 | udp[5]);
  if (length < 8) return std::nullopt;
  CapturedPacket p;
  p.frame = outer.frame;
  p.time_ns = outer.time_ns;
  p.transport = Transport::Udp;
  p.src = Endpoint{outer.src.addr, static_cast<std::uint16_t>(udp[0] << 8 | udp[1])};
  p.dst = Endpoint{outer.dst.addr, static_cast<std::uint16_t>(udp[2] << 8 | udp[3])};
  p.wire_length = length - 8u;
  const std::size_t have = std::min<std::size_t>(udp.size() - 8, p.wire_length);
  p.payload.assign(udp.begin() + 8, udp.begin() + static_cast<std::ptrdiff_t>(8 + have));
  p.truncated = p.payload.size() < p.wire_length;
  return p;
}

}  // namespace

std::optional<Bytes> esp_payload(const CapturedPacket& p) {
  if (p.transport == Transport::Esp)
    return p.payload.size() >= 8 ? std::optional<Bytes>(p.payload) : std::nullopt;
  if (p.transport != Transport::Udp || (p.src.port != kIkeNatPort && p.dst.port != kIkeNatPort))
    return std::nullopt;
  const Bytes b(p.payload);
  if (b.size() == 1 && b[0] == 0xff) return std::nullopt;  // NAT-keepalive
  if (b.size() < 8 || (b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0)) return std::nullopt;  // IKE
  return b;
}

std::optional<CapturedPacket> EspOpener::open(const CapturedPacket& outer) {
  const auto esp = esp_payload(outer);
  if (!esp) return std::nullopt;
  ++packets_;
  const auto header = esp_header(*esp);
  SpiCounts& c = by_spi_[header->spi];  // esp_payload guarantees the 8 octets
  if (c.packets++ == 0) {
    c.spi = header->spi;
    c.src = outer.src.addr.to_string();
    c.dst = outer.dst.addr.to_string();
  }
  auto fail = [&](std::uint64_t& counter, const std::string& why) -> std::optional<CapturedPacket> {
    ++counter;
    if (c.first_error.empty()) c.first_error = "frame " + std::to_string(outer.frame) + ": " + why;
    return std::nullopt;
  };
  if (sas_.empty()) return std::nullopt;  // only counted: explain() says why nothing is decoded
  const EspSa* sa = nullptr;
  for (const auto& s : sas_)
    if (s.matches(header->spi, outer.src.addr, outer.dst.addr)) {
      sa = &s;
      break;
    }
  if (!sa) return fail(c.no_sa, "no --esp-sa for SPI " + spi_text(header->spi));
  if (outer.truncated) return fail(c.malformed, "cut short by the capture's snaplen");
  auto plain = esp_decrypt(*esp, *sa);
  if (!plain) {
    const auto& e = plain.error();
    return fail(e.failure == EspFailure::IcvMismatch  ? c.icv_failed
                : e.failure == EspFailure::BadTrailer ? c.bad_trailer
                                                      : c.malformed,
                e.detail);
  }
  std::optional<CapturedPacket> inner;
  if (plain->next_header == kEspNextUdp) {
    inner = udp_of(outer, plain->payload);
  } else if (plain->next_header == kEspNextIpv4 || plain->next_header == kEspNextIpv6) {
    inner = inner_.decode(outer.frame, outer.time_ns, plain->payload);
    if (inner && inner->transport != Transport::Udp) inner.reset();
  }
  if (!inner)
    return fail(c.not_udp_or_ip, "decrypted, but Next Header " + std::to_string(plain->next_header) +
                                     " is not UDP or an IP packet carrying UDP");
  ++c.opened;
  ++opened_;
  inner->frame = outer.frame;
  inner->time_ns = outer.time_ns;
  return inner;
}

std::string EspOpener::explain() const {
  if (packets_ == 0) return "";
  std::ostringstream o;
  std::string spis;
  for (const auto& [spi, c] : by_spi_) spis += (spis.empty() ? "" : ", ") + spi_text(spi);
  o << "ESP: " << packets_ << " ESP packet(s) (SPI " << spis << ")";
  if (sas_.empty()) {
    o << ": the L2TP inside is encrypted; give --esp-sa to decrypt (Wireshark's esp_sa records, e.g. "
         "--esp-sa '\"IPv4\",\"SRC\",\"DST\",\"0xSPI\",\"AES-CBC [RFC3602]\",\"0xKEY\",\"HMAC-SHA-1-96 "
         "[RFC2404]\",\"0xAUTHKEY\"')\n";
    return o.str();
  }
  o << ", " << opened_ << " decrypted\n";
  for (const auto& [spi, c] : by_spi_) {
    o << "  SPI " << spi_text(spi) << " " << c.src << " -> " << c.dst << ": " << c.packets << " packet(s), "
      << c.opened << " decrypted";
    if (c.no_sa) o << ", " << c.no_sa << " without an SA (encrypted; add an --esp-sa for it)";
    if (c.icv_failed) o << ", " << c.icv_failed << " failed the ICV check (wrong key?)";
    if (c.bad_trailer) o << ", " << c.bad_trailer << " with a bad trailer (wrong encryption key?)";
    if (c.malformed) o << ", " << c.malformed << " malformed";
    if (c.not_udp_or_ip) o << ", " << c.not_udp_or_ip << " not UDP inside";
    o << "\n";
    if (!c.first_error.empty() && c.opened < c.packets) o << "    first: " << c.first_error << "\n";
  }
  return o.str();
}

nlohmann::json EspOpener::to_json() const {
  nlohmann::json spis = nlohmann::json::array();
  for (const auto& [spi, c] : by_spi_)
    spis.push_back({{"spi", spi_text(spi)},
                    {"src", c.src},
                    {"dst", c.dst},
                    {"packets", c.packets},
                    {"decrypted", c.opened},
                    {"no_sa", c.no_sa},
                    {"icv_failed", c.icv_failed},
                    {"bad_trailer", c.bad_trailer},
                    {"malformed", c.malformed},
                    {"not_udp", c.not_udp_or_ip},
                    {"first_error", c.first_error}});
  nlohmann::json j{{"packets", packets_}, {"decrypted", opened_}, {"spis", std::move(spis)}};
  if (packets_ > 0 && sas_.empty()) j["note"] = "the L2TP inside is encrypted; give --esp-sa to decrypt";
  return j;
}

}  // namespace l2tp::capture
