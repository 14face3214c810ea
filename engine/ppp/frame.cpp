// PPP frame and control-packet codec (RFC 1661 2, 5, 6.5, 6.6). See frame.hpp.
#include "engine/ppp/frame.hpp"

#include <cassert>
#include <cstdio>

namespace l2tp::ppp {

std::string to_string(Code code) {
  switch (code) {
    case Code::ConfReq:
      return "Configure-Request";
    case Code::ConfAck:
      return "Configure-Ack";
    case Code::ConfNak:
      return "Configure-Nak";
    case Code::ConfRej:
      return "Configure-Reject";
    case Code::TermReq:
      return "Terminate-Request";
    case Code::TermAck:
      return "Terminate-Ack";
    case Code::CodeRej:
      return "Code-Reject";
    case Code::ProtoRej:
      return "Protocol-Reject";
    case Code::EchoReq:
      return "Echo-Request";
    case Code::EchoRep:
      return "Echo-Reply";
    case Code::DiscardReq:
      return "Discard-Request";
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "Code-0x%02x", static_cast<unsigned>(code));
  return buf;
}

std::string protocol_name(std::uint16_t protocol) {
  switch (protocol) {
    case proto::kIp:
      return "IPv4";
    case proto::kIpv6:
      return "IPv6";
    case proto::kBridged:
      return "Bridged";
    case proto::kMp:
      return "MP";
    case proto::kLcp:
      return "LCP";
    case proto::kPap:
      return "PAP";
    case proto::kChap:
      return "CHAP";
    case proto::kIpcp:
      return "IPCP";
    case proto::kIpv6cp:
      return "IPv6CP";
    case proto::kBcp:
      return "BCP";
    case proto::kCcp:
      return "CCP";
    case proto::kLqr:
      return "LQR";
  }
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04x", static_cast<unsigned>(protocol));
  return buf;
}

Result<Frame, std::string> parse_frame(Bytes ppp) {
  Reader r(ppp);
  Frame f;
  if (ppp.empty()) return unexpected(std::string("empty PPP frame"));
  if (ppp[0] == 0xFF) {
    // 0xFF is odd, so it could only otherwise be a compressed protocol 0x00FF, which RFC 1661
    // reserves: a leading FF is the Address field and must be followed by Control 03.
    if (ppp.size() < 2 || ppp[1] != 0x03)
      return unexpected(std::string("Address field 0xff not followed by Control 0x03"));
    f.address_control = true;
    (void)r.skip(2);
  }
  std::uint8_t first = 0;
  if (!r.u8(first)) return unexpected(std::string("frame ends before the Protocol field"));
  if (first & 1) {
    // RFC 1661 6.5: a compressed field is the low octet of a protocol whose high octet is 0.
    f.protocol = first;
  } else {
    std::uint8_t second = 0;
    if (!r.u8(second)) return unexpected(std::string("frame ends inside the Protocol field"));
    f.protocol = static_cast<std::uint16_t>((first << 8) | second);
  }
  f.payload = r.rest();
  return f;
}

namespace {

// The Address/Control and Protocol fields of a frame: 1 to 4 octets.
struct Head {
  std::uint8_t octets[4];
  std::size_t size = 0;
  void put(std::uint8_t v) { octets[size++] = v; }
};

Head head_of(std::uint16_t protocol, FrameFormat fmt) {
  const bool lcp = protocol == proto::kLcp;
  Head h;
  if (lcp || !fmt.acfc) {  // P062: never compressed on LCP
    h.put(0xFF);
    h.put(0x03);
  }
  if (!lcp && fmt.pfc && protocol <= 0x00FF) {  // P060: LCP keeps 2 octets
    h.put(static_cast<std::uint8_t>(protocol));
  } else {
    h.put(static_cast<std::uint8_t>(protocol >> 8));
    h.put(static_cast<std::uint8_t>(protocol));
  }
  return h;
}

}  // namespace

void write_frame(Buffer& out, std::uint16_t protocol, Bytes payload, FrameFormat fmt) {
  const Head h = head_of(protocol, fmt);
  out.reserve(out.size() + h.size + payload.size());  // one allocation, not one per octet written
  out.insert(out.end(), h.octets, h.octets + h.size);
  out.insert(out.end(), payload.begin(), payload.end());
}

void frame_in_place(Buffer& packet, std::uint16_t protocol, FrameFormat fmt) {
  const Head h = head_of(protocol, fmt);
  packet.insert(packet.begin(), h.octets, h.octets + h.size);
}

Result<Packet, std::string> parse_packet(Bytes cp) {
  Reader r(cp);
  std::uint8_t code = 0, id = 0;
  std::uint16_t length = 0;
  if (!r.u8(code) || !r.u8(id) || !r.u16(length))
    return unexpected("packet of " + std::to_string(cp.size()) +
                      " octets is shorter than its 4-octet header");
  if (length < 4) return unexpected("Length " + std::to_string(length) + " is below 4");
  if (length > cp.size())
    return unexpected("Length " + std::to_string(length) + " exceeds the " + std::to_string(cp.size()) +
                      " octets received");
  Packet p;
  p.code = static_cast<Code>(code);
  p.id = id;
  (void)r.bytes(length - 4u, p.data);
  return p;
}

void write_packet(Buffer& out, Code code, std::uint8_t id, Bytes data) {
  assert(data.size() <= 0xFFFF - 4u);
  out.reserve(out.size() + 4 + data.size() + 4);  // and room for the frame's header in front
  Writer w(out);
  w.u8(static_cast<std::uint8_t>(code));
  w.u8(id);
  w.u16(static_cast<std::uint16_t>(data.size() + 4));
  w.bytes(data);
}

}  // namespace l2tp::ppp
