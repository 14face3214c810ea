#include "capture/frame_decoder.hpp"

#include <algorithm>

namespace l2tp::capture {

namespace {

constexpr std::uint8_t kProtoHopByHop = 0;
constexpr std::uint8_t kProtoUdp = 17;
constexpr std::uint8_t kProtoRouting = 43;
constexpr std::uint8_t kProtoFragment = 44;
constexpr std::uint8_t kProtoDestOpts = 60;
constexpr std::uint8_t kProtoL2tpv3 = 115;
constexpr std::uint8_t kProtoEsp = 50;

constexpr int kMaxVlanTags = 8;
constexpr int kMaxIpv6ExtHeaders = 16;

bool is_ipv6_ext(std::uint8_t nh) {
  return nh == kProtoHopByHop || nh == kProtoRouting || nh == kProtoDestOpts;
}

bool read_addr(Reader& r, bool v6, IpAddress& out) {
  Bytes b;
  if (!r.bytes(v6 ? 16 : 4, b)) return false;
  out = IpAddress{};
  out.v6 = v6;
  std::copy(b.begin(), b.end(), out.bytes.begin());
  return true;
}

// The link layer's verdict: the IP packet it carries (with any trailer the IP layer trims).
struct LinkResult {
  enum class Kind : std::uint8_t { Ip, NonIp, Malformed } kind = Kind::Malformed;
  Bytes ip;
  int version = 0;  // 4 or 6 when the link layer says which; 0 to go by the version nibble
};

LinkResult ip_of(Bytes rest, int version) {
  return {LinkResult::Kind::Ip, rest, version};
}
LinkResult non_ip() {
  return {LinkResult::Kind::NonIp, {}, 0};
}
LinkResult malformed() {
  return {LinkResult::Kind::Malformed, {}, 0};
}

// RFC 2516 session stage: ver/type 0x11, code 0, session id, length, then a PPP protocol field.
LinkResult pppoe_session(Reader& r) {
  std::uint8_t ver_type = 0, code = 0, proto_hi = 0, proto_lo = 0;
  std::uint16_t session = 0, length = 0;
  if (!r.u8(ver_type) || !r.u8(code) || !r.u16(session) || !r.u16(length)) return malformed();
  if (ver_type != 0x11 || code != 0) return non_ip();
  Bytes body = r.rest().first(std::min<std::size_t>(length, r.remaining()));  // drop any trailer
  Reader ppp(body);
  if (!ppp.u8(proto_hi)) return malformed();
  std::uint16_t protocol = proto_hi;
  if ((proto_hi & 1) == 0) {  // not compressed (RFC 1661 6.5: protocol field compression)
    if (!ppp.u8(proto_lo)) return malformed();
    protocol = static_cast<std::uint16_t>((proto_hi << 8) | proto_lo);
  }
  if (protocol == 0x0021) return ip_of(ppp.rest(), 4);
  if (protocol == 0x0057) return ip_of(ppp.rest(), 6);
  return non_ip();
}

LinkResult by_ethertype(std::uint16_t type, Reader& r) {
  for (int tags = 0; type == 0x8100 || type == 0x88a8 || type == 0x9100; ++tags) {
    if (tags == kMaxVlanTags || !r.skip(2) || !r.u16(type)) return malformed();
  }
  switch (type) {
    case 0x0800:
      return ip_of(r.rest(), 4);
    case 0x86dd:
      return ip_of(r.rest(), 6);
    case 0x8864:
      return pppoe_session(r);
    default:
      return non_ip();
  }
}

LinkResult decode_link(int link_type, Bytes frame) {
  Reader r(frame);
  std::uint16_t type = 0;
  std::uint32_t family = 0;
  switch (static_cast<LinkType>(link_type)) {
    case LinkType::Ethernet:  // dst[6] src[6] type
      if (!r.skip(12) || !r.u16(type)) return malformed();
      return by_ethertype(type, r);
    case LinkType::LinuxSll:  // packet type, ARPHRD, address length, address[8], protocol
      if (!r.skip(14) || !r.u16(type)) return malformed();
      return by_ethertype(type, r);
    case LinkType::LinuxSll2:  // protocol, reserved, ifindex, ARPHRD, packet type, len, addr[8]
      if (!r.u16(type) || !r.skip(18)) return malformed();
      return by_ethertype(type, r);
    case LinkType::Raw:
    case LinkType::LinktypeRaw:
      return ip_of(frame, 0);
    case LinkType::Ipv4:
      return ip_of(frame, 4);
    case LinkType::Ipv6:
      return ip_of(frame, 6);
    case LinkType::Null:
    case LinkType::Loop:
      if (!r.u32(family)) return malformed();
      // Host byte order of whoever captured: a value that only makes sense swapped was little-endian.
      if (family > 0xffff) {
        family =
            ((family & 0xff) << 24) | ((family & 0xff00) << 8) | ((family >> 8) & 0xff00) | (family >> 24);
      }
      if (family == 2) return ip_of(r.rest(), 4);  // AF_INET everywhere
      // AF_INET6: Linux 10, NetBSD/OpenBSD 24, FreeBSD 28, Darwin 30.
      if (family == 10 || family == 24 || family == 28 || family == 30) return ip_of(r.rest(), 6);
      return non_ip();
  }
  return non_ip();
}

}  // namespace

bool link_type_supported(int link_type) {
  switch (static_cast<LinkType>(link_type)) {
    case LinkType::Null:
    case LinkType::Ethernet:
    case LinkType::Raw:
    case LinkType::LinktypeRaw:
    case LinkType::Loop:
    case LinkType::LinuxSll:
    case LinkType::Ipv4:
    case LinkType::Ipv6:
    case LinkType::LinuxSll2:
      return true;
  }
  return false;
}

std::optional<CapturedPacket> FrameDecoder::decode(std::uint64_t frame, std::int64_t time_ns, Bytes data) {
  ++stats_.frames;
  CapturedPacket out;
  Verdict verdict = Verdict::NonIp;
  const LinkResult link = decode_link(link_type_, data);
  if (link.kind == LinkResult::Kind::Malformed) {
    verdict = Verdict::Malformed;
  } else if (link.kind == LinkResult::Kind::Ip) {
    verdict = decode_ip(link.ip, link.version, frame, time_ns, out);
  }
  stats_.incomplete_fragments = reassembler_.stats().dropped_fragments + cut_fragments_;

  switch (verdict) {
    case Verdict::Yield:
      ++(out.transport == Transport::Udp   ? stats_.udp
         : out.transport == Transport::Esp ? stats_.esp
                                           : stats_.l2tpv3_ip);
      break;
    case Verdict::YieldReassembled:
      ++stats_.fragments;
      ++stats_.reassembled;
      break;
    case Verdict::Fragment:
      ++stats_.fragments;
      return std::nullopt;
    case Verdict::NonIp:
      ++stats_.skipped_non_ip;
      return std::nullopt;
    case Verdict::OtherProto:
      ++stats_.skipped_other_proto;
      return std::nullopt;
    case Verdict::Malformed:
      ++stats_.malformed;
      return std::nullopt;
  }
  if (out.truncated) ++stats_.truncated;
  if (verdict == Verdict::Yield) {
    out.frame = frame;
    out.time_ns = time_ns;
  }
  return out;
}

void FrameDecoder::finish() {
  if (finished_) return;
  finished_ = true;
  reassembler_.discard_all();
  stats_.incomplete_fragments = reassembler_.stats().dropped_fragments + cut_fragments_;
}

FrameDecoder::Verdict FrameDecoder::decode_ip(Bytes ip, int version_hint, std::uint64_t frame,
                                              std::int64_t time_ns, CapturedPacket& out) {
  if (ip.empty()) return Verdict::Malformed;
  const int version = ip[0] >> 4;
  if (version_hint != 0 && version != version_hint) return Verdict::Malformed;
  if (version == 4) return decode_ipv4(ip, frame, time_ns, out);
  if (version == 6) return decode_ipv6(ip, frame, time_ns, out);
  return Verdict::Malformed;
}

FrameDecoder::Verdict FrameDecoder::decode_ipv4(Bytes ip, std::uint64_t frame, std::int64_t time_ns,
                                                CapturedPacket& out) {
  Reader r(ip);
  std::uint8_t version_ihl = 0, tos = 0, ttl = 0;
  std::uint16_t total = 0, id = 0, flags_offset = 0, checksum = 0;
  IpPayload p;
  if (!r.u8(version_ihl) || !r.u8(tos) || !r.u16(total) || !r.u16(id) || !r.u16(flags_offset) || !r.u8(ttl) ||
      !r.u8(p.protocol) || !r.u16(checksum) || !read_addr(r, false, p.src) || !read_addr(r, false, p.dst)) {
    return Verdict::Malformed;
  }
  const std::size_t header_len = std::size_t{version_ihl & 0x0fu} * 4;
  if (header_len < 20 || !r.skip(header_len - 20)) return Verdict::Malformed;
  // A total length of 0 is what captures of TCP segmentation offload show: take what is there.
  const std::size_t claimed_total = total == 0 ? ip.size() : total;
  if (claimed_total < header_len) return Verdict::Malformed;
  p.claimed = static_cast<std::uint32_t>(claimed_total - header_len);
  p.data = r.rest().first(std::min<std::size_t>(r.remaining(), p.claimed));  // trims link padding
  const bool cut = p.data.size() < p.claimed;

  const bool esp = yield_esp_ && p.protocol == kProtoEsp;
  if (p.protocol != kProtoUdp && p.protocol != kProtoL2tpv3 && !esp) return Verdict::OtherProto;
  const bool more = (flags_offset & 0x2000) != 0;
  const std::uint32_t offset = std::uint32_t{flags_offset & 0x1fffu} * 8;
  if (!more && offset == 0) return decode_transport(p, out);
  if (esp) return Verdict::OtherProto;

  const Fragment fragment{{p.src, p.dst, id, p.protocol}, offset, more, p.data, frame, time_ns};
  const Verdict v = add_fragment(fragment, cut);
  if (v != Verdict::YieldReassembled) return v;
  p.data = done_.payload;
  p.claimed = static_cast<std::uint32_t>(done_.payload.size());
  return finish_reassembled(p, out);
}

FrameDecoder::Verdict FrameDecoder::decode_ipv6(Bytes ip, std::uint64_t frame, std::int64_t time_ns,
                                                CapturedPacket& out) {
  Reader r(ip);
  std::uint32_t first_word = 0;
  std::uint16_t payload_len = 0;
  std::uint8_t hop_limit = 0;
  IpPayload p;
  if (!r.u32(first_word) || !r.u16(payload_len) || !r.u8(p.protocol) || !r.u8(hop_limit) ||
      !read_addr(r, true, p.src) || !read_addr(r, true, p.dst)) {
    return Verdict::Malformed;
  }
  p.claimed = payload_len == 0 ? static_cast<std::uint32_t>(r.remaining()) : payload_len;
  p.data = r.rest().first(std::min<std::size_t>(r.remaining(), p.claimed));
  const bool cut = p.data.size() < p.claimed;

  for (int headers = 0;; ++headers) {
    if (headers == kMaxIpv6ExtHeaders) return Verdict::Malformed;
    Reader h(p.data);
    std::uint8_t next = 0, len = 0;
    if (is_ipv6_ext(p.protocol)) {  // RFC 8200 4.3-4.6: next header, length in 8-octet units - 1
      if (!h.u8(next) || !h.u8(len)) return Verdict::Malformed;
      const std::size_t ext_size = (std::size_t{len} + 1) * 8;
      if (ext_size > p.claimed || !h.skip(ext_size - 2)) return Verdict::Malformed;
      p.protocol = next;
      p.data = h.rest();
      p.claimed -= static_cast<std::uint32_t>(ext_size);
      continue;
    }
    if (p.protocol != kProtoFragment) break;
    std::uint8_t reserved = 0;
    std::uint16_t offset_flags = 0;
    std::uint32_t id = 0;
    if (!h.u8(next) || !h.u8(reserved) || !h.u16(offset_flags) || !h.u32(id) || p.claimed < 8) {
      return Verdict::Malformed;
    }
    p.protocol = next;
    p.data = h.rest();
    p.claimed -= 8;
    const std::uint32_t offset = offset_flags & 0xfff8u;
    const bool more = (offset_flags & 1) != 0;
    if (offset == 0 && !more) continue;  // an atomic fragment (RFC 6946): parse on

    // Only fragments that may carry UDP or 115 are worth holding.
    if (p.protocol != kProtoUdp && p.protocol != kProtoL2tpv3 && !is_ipv6_ext(p.protocol)) {
      return Verdict::OtherProto;
    }
    const Fragment fragment{{p.src, p.dst, id, p.protocol}, offset, more, p.data, frame, time_ns};
    const Verdict v = add_fragment(fragment, cut);
    if (v != Verdict::YieldReassembled) return v;
    // Headers after the Fragment header belong to the rebuilt payload: parse on from there.
    p.data = done_.payload;
    p.claimed = static_cast<std::uint32_t>(done_.payload.size());
    for (int more_headers = 0; is_ipv6_ext(p.protocol); ++more_headers) {
      Reader e(p.data);
      if (more_headers == kMaxIpv6ExtHeaders || !e.u8(next) || !e.u8(len) ||
          !e.skip((std::size_t{len} + 1) * 8 - 2)) {
        ++stats_.reassembled_dropped;
        return Verdict::Fragment;
      }
      p.protocol = next;
      p.data = e.rest();
      p.claimed = static_cast<std::uint32_t>(p.data.size());
    }
    return finish_reassembled(p, out);
  }
  const bool esp = yield_esp_ && p.protocol == kProtoEsp;
  if (p.protocol != kProtoUdp && p.protocol != kProtoL2tpv3 && !esp) return Verdict::OtherProto;
  return decode_transport(p, out);
}

FrameDecoder::Verdict FrameDecoder::add_fragment(const Fragment& fragment, bool cut) {
  if (cut) {  // a piece is missing for good, so its datagram can never be rebuilt
    ++cut_fragments_;
    return Verdict::Fragment;
  }
  switch (reassembler_.add(fragment, done_)) {
    case IpReassembler::Outcome::Held:
      return Verdict::Fragment;
    case IpReassembler::Outcome::Complete:
      return Verdict::YieldReassembled;
    case IpReassembler::Outcome::Invalid:
      break;
  }
  return Verdict::Malformed;
}

FrameDecoder::Verdict FrameDecoder::finish_reassembled(IpPayload& ip, CapturedPacket& out) {
  if (decode_transport(ip, out) != Verdict::Yield) {
    ++stats_.reassembled_dropped;
    return Verdict::Fragment;
  }
  out.frame = done_.frame;
  out.time_ns = done_.time_ns;
  out.reassembled = true;
  return Verdict::YieldReassembled;
}

FrameDecoder::Verdict FrameDecoder::decode_transport(const IpPayload& ip, CapturedPacket& out) {
  out.src = Endpoint{ip.src, 0};
  out.dst = Endpoint{ip.dst, 0};
  if (ip.protocol == kProtoL2tpv3) {  // RFC 3931 4.1.1.1: the session header follows IP directly
    out.transport = Transport::L2tpv3Ip;
    out.payload.assign(ip.data.begin(), ip.data.end());
    out.wire_length = ip.claimed;
    out.truncated = out.payload.size() < out.wire_length;
    return Verdict::Yield;
  }
  if (ip.protocol == kProtoEsp) {  // only when asked for (yield_esp), never from reassembly
    out.transport = Transport::Esp;
    out.payload.assign(ip.data.begin(), ip.data.end());
    out.wire_length = ip.claimed;
    out.truncated = out.payload.size() < out.wire_length;
    return Verdict::Yield;
  }
  if (ip.protocol != kProtoUdp) return Verdict::OtherProto;
  Reader r(ip.data);
  std::uint16_t length = 0, checksum = 0;
  if (!r.u16(out.src.port) || !r.u16(out.dst.port) || !r.u16(length) || !r.u16(checksum)) {
    return Verdict::Malformed;
  }
  if (length < 8) return Verdict::Malformed;
  out.transport = Transport::Udp;
  out.wire_length = length - 8u;
  // The UDP length rules, even if the IP header claims more (trailing bytes) or less (then the
  // payload is short of it and marked truncated).
  const Bytes payload = r.rest().first(std::min<std::size_t>(r.remaining(), out.wire_length));
  out.payload.assign(payload.begin(), payload.end());
  out.truncated = out.payload.size() < out.wire_length;
  return Verdict::Yield;
}

}  // namespace l2tp::capture
