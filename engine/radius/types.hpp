// RADIUS numbers: packet codes (RFC 2865 3, RFC 2866 3), the attribute types this client
// sends or reads (RFC 2865 5, RFC 2866 5, RFC 2869 5, RFC 3162, RFC 3579 3.2) and the
// Microsoft vendor attributes that carry MS-CHAP (RFC 2548 2). Enums keep any wire value, so an
// unknown code or attribute decodes and prints as its number.
#pragma once

#include <cstdint>
#include <string>

namespace l2tp::radius {

enum class Code : std::uint8_t {
  AccessRequest = 1,
  AccessAccept = 2,
  AccessReject = 3,
  AccountingRequest = 4,
  AccountingResponse = 5,
  AccessChallenge = 11,
  StatusServer = 12,
};

enum class AttrType : std::uint8_t {
  UserName = 1,
  UserPassword = 2,
  ChapPassword = 3,
  NasIpAddress = 4,
  NasPort = 5,
  ServiceType = 6,
  FramedProtocol = 7,
  FramedIpAddress = 8,
  FramedIpNetmask = 9,
  ReplyMessage = 18,
  State = 24,
  Class = 25,
  VendorSpecific = 26,
  SessionTimeout = 27,
  IdleTimeout = 28,
  CalledStationId = 30,
  CallingStationId = 31,
  NasIdentifier = 32,
  ProxyState = 33,
  AcctStatusType = 40,
  AcctDelayTime = 41,
  AcctInputOctets = 42,
  AcctOutputOctets = 43,
  AcctSessionId = 44,
  AcctAuthentic = 45,
  AcctSessionTime = 46,
  AcctInputPackets = 47,
  AcctOutputPackets = 48,
  AcctTerminateCause = 49,
  AcctInputGigawords = 52,   // RFC 2869 5.1
  AcctOutputGigawords = 53,  // RFC 2869 5.2
  ChapChallenge = 60,
  NasPortType = 61,
  MessageAuthenticator = 80,  // RFC 3579 3.2
  AcctInterimInterval = 85,   // RFC 2869 5.16
  NasIpv6Address = 95,        // RFC 3162 2.1
};

// Values of the integer attributes we send.
inline constexpr std::uint32_t kServiceTypeFramed = 2;    // RFC 2865 5.6
inline constexpr std::uint32_t kFramedProtocolPpp = 1;    // RFC 2865 5.7
inline constexpr std::uint32_t kNasPortTypeVirtual = 5;   // RFC 2865 5.41
inline constexpr std::uint32_t kAcctAuthenticRadius = 1;  // RFC 2866 5.6

// Vendor-Specific (RFC 2865 5.26) from Microsoft: the MS-CHAP attributes of RFC 2548.
inline constexpr std::uint32_t kVendorMicrosoft = 311;
enum class MsAttr : std::uint8_t {
  ChapResponse = 1,    // RFC 2548 2.1.3: Ident, Flags, LM-Response(24), NT-Response(24)
  ChapError = 2,       // 2.1.5: Ident, "E=eeeeeeeeee R=r C=... V=vvvvvvvvvv"
  ChapChallenge = 11,  // 2.1.2 (the authenticator challenge, v1 and v2)
  MppeSendKey = 16,    // 2.4.2
  MppeRecvKey = 17,    // 2.4.3
  Chap2Response = 25,  // 2.3.2: Ident, Flags, Peer-Challenge(16), Reserved(8), Response(24)
  Chap2Success = 26,   // 2.3.3: Ident, "S=<40 hex>"
};

// "Access-Request", "Accounting-Response", ... or "Code 40".
std::string to_string(Code c);
// "User-Name", "Vendor-Specific", ... or "Attribute 99".
std::string to_string(AttrType t);

}  // namespace l2tp::radius
