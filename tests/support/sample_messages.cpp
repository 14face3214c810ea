#include "tests/support/sample_messages.hpp"

namespace l2tp::testing {
namespace {

using wire::make_avp;
using T = AvpType;

Buffer bytes(std::initializer_list<std::uint8_t> b) {
  return Buffer(b);
}

}  // namespace

std::vector<wire::Avp> sample_avps(MessageType type) {
  std::vector<wire::Avp> a;
  auto add = [&](T t, AvpValue v) { a.push_back(make_avp(t, std::move(v))); };
  switch (type) {
    case MessageType::Sccrq:
    case MessageType::Sccrp:
      add(T::ProtocolVersion, avp::ProtocolVersion{1, 0});
      add(T::FramingCapabilities, std::uint32_t{3});
      add(T::BearerCapabilities, std::uint32_t{3});
      if (type == MessageType::Sccrq) add(T::TieBreaker, std::uint64_t{0x0102030405060708ULL});
      add(T::FirmwareRevision, std::uint16_t{0x0102});
      add(T::HostName, std::string("lac.example.net"));
      add(T::VendorName, std::string("l2tpsim"));
      add(T::AssignedTunnelId, std::uint16_t{4711});
      add(T::ReceiveWindowSize, std::uint16_t{8});
      add(T::Challenge, avp::Octets{bytes({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})});
      if (type == MessageType::Sccrp) add(T::ChallengeResponse, avp::Octets{Buffer(16, 0xAB)});
      break;
    case MessageType::Scccn:
      add(T::ChallengeResponse, avp::Octets{Buffer(16, 0xCD)});
      break;
    case MessageType::StopCcn:
      add(T::AssignedTunnelId, std::uint16_t{4711});
      add(T::ResultCode, avp::ResultCode{2, 8, "unknown mandatory AVP 999"});
      break;
    case MessageType::Hello:
      break;
    case MessageType::Ocrq:
      add(T::AssignedSessionId, std::uint16_t{17});
      add(T::CallSerialNumber, std::uint32_t{123456});
      add(T::MinimumBps, std::uint32_t{9600});
      add(T::MaximumBps, std::uint32_t{100000000});
      add(T::BearerType, std::uint32_t{2});
      add(T::FramingType, std::uint32_t{1});
      add(T::CalledNumber, std::string("5551234"));
      add(T::SubAddress, std::string("12"));
      break;
    case MessageType::Ocrp:
      add(T::AssignedSessionId, std::uint16_t{18});
      add(T::PhysicalChannelId, std::uint32_t{7});
      break;
    case MessageType::Occn:
      add(T::TxConnectSpeed, std::uint32_t{64000});
      add(T::FramingType, std::uint32_t{1});
      add(T::RxConnectSpeed, std::uint32_t{32000});
      add(T::SequencingRequired, avp::Empty{});
      break;
    case MessageType::Icrq:
      add(T::AssignedSessionId, std::uint16_t{19});
      add(T::CallSerialNumber, std::uint32_t{42});
      add(T::BearerType, std::uint32_t{1});
      add(T::PhysicalChannelId, std::uint32_t{3});
      add(T::CallingNumber, std::string("0123456789"));
      add(T::CalledNumber, std::string("987"));
      add(T::SubAddress, std::string("5"));
      break;
    case MessageType::Icrp:
      add(T::AssignedSessionId, std::uint16_t{20});
      break;
    case MessageType::Iccn:
      add(T::TxConnectSpeed, std::uint32_t{100000000});
      add(T::FramingType, std::uint32_t{2});
      add(T::InitialReceivedLcpConfreq,
          avp::Octets{bytes({0x01, 0x04, 0x05, 0xdc, 0x05, 0x06, 0x11, 0x22, 0x33, 0x44})});
      add(T::LastSentLcpConfreq, avp::Octets{bytes({0x03, 0x04, 0xc0, 0x23})});
      add(T::LastReceivedLcpConfreq, avp::Octets{bytes({0x01, 0x04, 0x05, 0xdc})});
      add(T::ProxyAuthenType, std::uint16_t{2});
      add(T::ProxyAuthenName, std::string("MT-User"));
      add(T::ProxyAuthenChallenge, avp::Octets{Buffer(16, 0x5A)});
      add(T::ProxyAuthenId, std::uint16_t{7});
      add(T::ProxyAuthenResponse, avp::Octets{Buffer(16, 0xA5)});
      add(T::PrivateGroupId, avp::Octets{bytes({'g', 'r', 'p'})});
      add(T::RxConnectSpeed, std::uint32_t{50000000});
      add(T::SequencingRequired, avp::Empty{});
      break;
    case MessageType::Cdn:
      add(T::ResultCode, avp::ResultCode{3, std::nullopt, ""});
      add(T::AssignedSessionId, std::uint16_t{21});
      add(T::Q931CauseCode, avp::Q931Cause{16, 0x80, "normal clearing"});
      add(T::PppDisconnectCause, avp::DisconnectCause{5, 0xC021, 1, "peer terminated LCP"});
      break;
    case MessageType::Wen:
      add(T::CallErrors, avp::CallErrors{0, 1, 2, 3, 4, 5, 6});
      break;
    case MessageType::Sli:
      add(T::Accm, avp::Accm{0, 0x000A0000, 0xFFFFFFFF});
      break;
  }
  return a;
}

std::vector<wire::ControlMessage> sample_messages(bool hidden) {
  std::vector<wire::ControlMessage> out;
  std::uint16_t ns = 0;
  for (MessageType t : kAllMessageTypes) {
    const bool session_msg = is_session_message(t);
    auto m = wire::make_control(
        t, TunnelId{t == MessageType::Sccrq ? std::uint16_t{0} : std::uint16_t{4711}},
        SessionId{session_msg && t != MessageType::Icrq && t != MessageType::Ocrq ? std::uint16_t{33}
                                                                                  : std::uint16_t{0}});
    m.header.ns = Seq{ns++};
    m.header.nr = Seq{static_cast<std::uint16_t>(ns / 2)};
    if (hidden)
      m.avps.push_back(make_avp(T::RandomVector, avp::Octets{Buffer(16, static_cast<std::uint8_t>(ns))}));
    for (auto& a : sample_avps(t)) {
      const AvpSpec* spec = find_avp_spec(a.vendor, a.type);
      a.hidden = hidden && spec && spec->may_hide;
      m.avps.push_back(std::move(a));
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace l2tp::testing
