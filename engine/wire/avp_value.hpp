// Typed AVP values (RFC 2661 4.4, RFC 3145). An AVP whose value does not fit its type's
// format is kept as Raw, so nothing the peer sent is lost.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "engine/util/bytes.hpp"

namespace l2tp {

enum class AvpType : std::uint16_t {
  MessageType = 0,
  ResultCode = 1,
  ProtocolVersion = 2,
  FramingCapabilities = 3,
  BearerCapabilities = 4,
  TieBreaker = 5,
  FirmwareRevision = 6,
  HostName = 7,
  VendorName = 8,
  AssignedTunnelId = 9,
  ReceiveWindowSize = 10,
  Challenge = 11,
  Q931CauseCode = 12,
  ChallengeResponse = 13,
  AssignedSessionId = 14,
  CallSerialNumber = 15,
  MinimumBps = 16,
  MaximumBps = 17,
  BearerType = 18,
  FramingType = 19,
  CalledNumber = 21,
  CallingNumber = 22,
  SubAddress = 23,
  TxConnectSpeed = 24,
  PhysicalChannelId = 25,
  InitialReceivedLcpConfreq = 26,
  LastSentLcpConfreq = 27,
  LastReceivedLcpConfreq = 28,
  ProxyAuthenType = 29,
  ProxyAuthenName = 30,
  ProxyAuthenChallenge = 31,
  ProxyAuthenId = 32,
  ProxyAuthenResponse = 33,
  CallErrors = 34,
  Accm = 35,
  RandomVector = 36,
  PrivateGroupId = 37,
  RxConnectSpeed = 38,
  SequencingRequired = 39,
  PppDisconnectCause = 46,  // RFC 3145
};

namespace avp {

struct Empty {
  bool operator==(const Empty&) const = default;
};
// Result Code (4.4.2): Error Code and Error Message are optional; a message implies an error code.
struct ResultCode {
  std::uint16_t result = 0;
  std::optional<std::uint16_t> error;
  std::string message;
  bool operator==(const ResultCode&) const = default;
};
struct ProtocolVersion {
  std::uint8_t ver = 1, rev = 0;
  bool operator==(const ProtocolVersion&) const = default;
};
// Q.931 Cause Code (4.4.4): cause code, cause message, optional advisory text.
struct Q931Cause {
  std::uint16_t cause = 0;
  std::uint8_t message = 0;
  std::string advisory;
  bool operator==(const Q931Cause&) const = default;
};
struct CallErrors {
  std::uint16_t reserved = 0;
  std::uint32_t crc = 0, framing = 0, hardware_overruns = 0, buffer_overruns = 0, timeouts = 0, alignment = 0;
  bool operator==(const CallErrors&) const = default;
};
struct Accm {
  std::uint16_t reserved = 0;
  std::uint32_t send = 0xFFFFFFFF, receive = 0xFFFFFFFF;
  bool operator==(const Accm&) const = default;
};
// RFC 3145 PPP Disconnect Cause Code.
struct DisconnectCause {
  std::uint16_t code = 0;
  std::uint16_t protocol = 0;
  std::uint8_t direction = 0;
  std::string message;
  bool operator==(const DisconnectCause&) const = default;
};
// Bytes kept as they came: unknown/vendor AVPs, values that break their format, and hidden
// values that could not be revealed.
struct Raw {
  Buffer bytes;
  bool operator==(const Raw&) const = default;
};
struct Octets {
  Buffer bytes;
  bool operator==(const Octets&) const = default;
};

}  // namespace avp

using AvpValue = std::variant<avp::Empty, std::uint16_t, std::uint32_t, std::uint64_t, avp::Octets,
                              std::string, avp::ResultCode, avp::ProtocolVersion, avp::Q931Cause,
                              avp::CallErrors, avp::Accm, avp::DisconnectCause, avp::Raw>;

// The format an attribute's value has on the wire.
enum class ValueShape : std::uint8_t {
  Empty,
  U16,
  U32,
  U64,
  Octets,
  Text,
  ResultCode,
  ProtocolVersion,
  Q931Cause,
  CallErrors,
  Accm,
  DisconnectCause,
  Raw,
};

}  // namespace l2tp
