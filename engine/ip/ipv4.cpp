#include "engine/ip/ipv4.hpp"

namespace l2tp::ip {

namespace {

std::uint32_t add_bytes(Bytes data, std::uint32_t sum) {
  std::size_t i = 0;
  for (; i + 1 < data.size(); i += 2) sum += static_cast<std::uint32_t>((data[i] << 8) | data[i + 1]);
  if (i < data.size()) sum += static_cast<std::uint32_t>(data[i] << 8);
  return sum;
}

std::uint32_t pseudo_header_sum(Ipv4 src, Ipv4 dst, std::uint8_t protocol, std::size_t length) {
  return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + protocol +
         static_cast<std::uint32_t>(length);
}

void write_ipv4_header(Writer& w, Ipv4 src, Ipv4 dst, std::uint8_t protocol, std::size_t payload,
                       std::uint16_t id) {
  w.u8(0x45);
  w.u8(0);
  w.u16(static_cast<std::uint16_t>(20 + payload));
  w.u16(id);
  w.u16(0x4000);  // DF, no fragments
  w.u8(64);
  w.u8(protocol);
  w.u16(0);  // checksum, patched
  w.u32(src);
  w.u32(dst);
}

}  // namespace

std::uint16_t internet_checksum(Bytes data, std::uint32_t sum) {
  sum = add_bytes(data, sum);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

bool readdress_ipv4(Buffer& packet, Ipv4 src, Ipv4 dst) {
  if (packet.size() < 20 || (packet[0] >> 4) != 4) return false;
  const std::size_t ihl = std::size_t{packet[0] & 0x0fu} * 4;
  const std::size_t total = static_cast<std::size_t>(packet[2] << 8 | packet[3]);
  if (ihl < 20 || total < ihl || total > packet.size()) return false;
  packet.resize(total);
  const auto put16 = [&](std::size_t at, std::uint16_t v) {
    packet[at] = static_cast<std::uint8_t>(v >> 8);
    packet[at + 1] = static_cast<std::uint8_t>(v);
  };
  const auto put32 = [&](std::size_t at, std::uint32_t v) {
    put16(at, static_cast<std::uint16_t>(v >> 16));
    put16(at + 2, static_cast<std::uint16_t>(v));
  };
  put32(12, src);
  put32(16, dst);
  put16(10, 0);
  put16(10, internet_checksum(Bytes(packet).first(ihl)));
  const bool fragment = ((packet[6] << 8 | packet[7]) & 0x3fff) != 0;
  if (fragment) return true;  // the transport checksum spans every fragment: left as it was
  const std::uint8_t protocol = packet[9];
  const std::size_t length = total - ihl;
  const std::size_t at = protocol == proto::kTcp ? 16 : protocol == proto::kUdp ? 6 : 2;
  if ((protocol != proto::kTcp && protocol != proto::kUdp && protocol != proto::kIcmp) || length < at + 2)
    return true;
  if (protocol == proto::kUdp && packet[ihl + 6] == 0 && packet[ihl + 7] == 0) return true;
  put16(ihl + at, 0);
  const Bytes body = Bytes(packet).subspan(ihl);
  std::uint16_t sum = protocol == proto::kIcmp
                          ? internet_checksum(body)
                          : internet_checksum(body, pseudo_header_sum(src, dst, protocol, length));
  if (protocol == proto::kUdp && sum == 0) sum = 0xffff;  // RFC 768: 0 means none computed
  put16(ihl + at, sum);
  return true;
}

std::optional<Ipv4Header> parse_ipv4(Bytes packet) {
  Reader r(packet);
  std::uint8_t vihl = 0, tos = 0, ttl = 0, protocol = 0;
  std::uint16_t total = 0, id = 0, frag = 0, checksum = 0;
  std::uint32_t src = 0, dst = 0;
  if (!r.u8(vihl) || !r.u8(tos) || !r.u16(total) || !r.u16(id) || !r.u16(frag) || !r.u8(ttl) ||
      !r.u8(protocol) || !r.u16(checksum) || !r.u32(src) || !r.u32(dst))
    return std::nullopt;
  const std::size_t ihl = std::size_t{vihl & 0x0fu} * 4;
  if ((vihl >> 4) != 4 || ihl < 20 || total < ihl || total > packet.size()) return std::nullopt;
  if ((frag & 0x3fff) != 0) return std::nullopt;  // a fragment: the probes never fragment
  if (internet_checksum(packet.first(ihl)) != 0) return std::nullopt;
  Ipv4Header h;
  h.src = src;
  h.dst = dst;
  h.protocol = protocol;
  h.ttl = ttl;
  h.id = id;
  h.payload = packet.subspan(ihl, total - ihl);
  return h;
}

std::optional<IcmpEcho> parse_icmp_echo(Bytes icmp) {
  Reader r(icmp);
  std::uint8_t type = 0, code = 0;
  std::uint16_t checksum = 0;
  IcmpEcho e;
  if (!r.u8(type) || !r.u8(code) || !r.u16(checksum) || !r.u16(e.id) || !r.u16(e.seq)) return std::nullopt;
  if ((type != 8 && type != 0) || code != 0) return std::nullopt;
  if (internet_checksum(icmp) != 0) return std::nullopt;
  e.request = type == 8;
  e.data = r.rest();
  return e;
}

std::optional<Udp> parse_udp(const Ipv4Header& ip) {
  if (ip.protocol != proto::kUdp) return std::nullopt;
  Reader r(ip.payload);
  Udp u;
  std::uint16_t length = 0, checksum = 0;
  if (!r.u16(u.src_port) || !r.u16(u.dst_port) || !r.u16(length) || !r.u16(checksum)) return std::nullopt;
  if (length < 8 || length > ip.payload.size()) return std::nullopt;
  const Bytes datagram = ip.payload.first(length);
  if (checksum != 0 &&
      internet_checksum(datagram, pseudo_header_sum(ip.src, ip.dst, proto::kUdp, length)) != 0)
    return std::nullopt;
  u.data = datagram.subspan(8);
  return u;
}

void write_icmp_echo(Buffer& out, Ipv4 src, Ipv4 dst, const IcmpEcho& echo, std::uint16_t ip_id) {
  out.clear();
  Writer w(out);
  const std::size_t icmp_len = 8 + echo.data.size();
  write_ipv4_header(w, src, dst, proto::kIcmp, icmp_len, ip_id);
  w.u8(echo.request ? 8 : 0);
  w.u8(0);
  w.u16(0);
  w.u16(echo.id);
  w.u16(echo.seq);
  w.bytes(echo.data);
  w.patch_u16(10, internet_checksum(Bytes(out).first(20)));
  w.patch_u16(22, internet_checksum(Bytes(out).subspan(20)));
}

void write_udp(Buffer& out, Ipv4 src, Ipv4 dst, std::uint16_t sport, std::uint16_t dport, Bytes data,
               std::uint16_t ip_id) {
  out.clear();
  Writer w(out);
  const std::size_t udp_len = 8 + data.size();
  write_ipv4_header(w, src, dst, proto::kUdp, udp_len, ip_id);
  w.u16(sport);
  w.u16(dport);
  w.u16(static_cast<std::uint16_t>(udp_len));
  w.u16(0);
  w.bytes(data);
  w.patch_u16(10, internet_checksum(Bytes(out).first(20)));
  std::uint16_t sum =
      internet_checksum(Bytes(out).subspan(20), pseudo_header_sum(src, dst, proto::kUdp, udp_len));
  if (sum == 0) sum = 0xffff;  // RFC 768: a computed zero is sent as all ones
  w.patch_u16(26, sum);
}

}  // namespace l2tp::ip
