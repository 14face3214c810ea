#include "engine/wire/avp_spec.hpp"

#include <array>
#include <string>

namespace l2tp {
namespace {

constexpr std::uint16_t kAny = kAvpMaxValue;
using S = ValueShape;
using T = AvpType;

constexpr AvpSpec kSpecs[] = {
    {T::MessageType, "Message Type", S::U16, 2, 2, true, false, Rule::R042},
    {T::ResultCode, "Result Code", S::ResultCode, 2, kAny, true, false, Rule::R048},
    {T::ProtocolVersion, "Protocol Version", S::ProtocolVersion, 2, 2, true, false, Rule::R055},
    {T::FramingCapabilities, "Framing Capabilities", S::U32, 4, 4, true, true, Rule::R058},
    {T::BearerCapabilities, "Bearer Capabilities", S::U32, 4, 4, true, true, Rule::R063},
    {T::TieBreaker, "Tie Breaker", S::U64, 8, 8, false, false, Rule::R068},
    {T::FirmwareRevision, "Firmware Revision", S::U16, 2, 2, false, true, Rule::R069},
    {T::HostName, "Host Name", S::Text, 1, kAny, true, false, Rule::R072},
    {T::VendorName, "Vendor Name", S::Text, 0, kAny, false, true, Rule::R074},
    {T::AssignedTunnelId, "Assigned Tunnel ID", S::U16, 2, 2, true, true, Rule::R079},
    {T::ReceiveWindowSize, "Receive Window Size", S::U16, 2, 2, true, false, Rule::R082},
    {T::Challenge, "Challenge", S::Octets, 1, kAny, true, true, Rule::R084},
    {T::Q931CauseCode, "Q.931 Cause Code", S::Q931Cause, 3, kAny, true, false, Rule::R089},
    {T::ChallengeResponse, "Challenge Response", S::Octets, 16, 16, true, true, Rule::R087},
    {T::AssignedSessionId, "Assigned Session ID", S::U16, 2, 2, true, true, Rule::R094},
    {T::CallSerialNumber, "Call Serial Number", S::U32, 4, 4, true, true, Rule::R096},
    {T::MinimumBps, "Minimum BPS", S::U32, 4, 4, true, true, Rule::R097},
    {T::MaximumBps, "Maximum BPS", S::U32, 4, 4, true, true, Rule::R097},
    {T::BearerType, "Bearer Type", S::U32, 4, 4, true, true, Rule::R101},
    {T::FramingType, "Framing Type", S::U32, 4, 4, true, true, Rule::R104},
    {T::CalledNumber, "Called Number", S::Text, 0, kAny, true, true, Rule::R105},
    {T::CallingNumber, "Calling Number", S::Text, 0, kAny, true, true, Rule::R105},
    {T::SubAddress, "Sub-Address", S::Text, 0, kAny, true, true, Rule::R105},
    {T::TxConnectSpeed, "Tx Connect Speed", S::U32, 4, 4, true, true, Rule::R107},
    {T::PhysicalChannelId, "Physical Channel ID", S::U32, 4, 4, false, true, Rule::R109},
    {T::InitialReceivedLcpConfreq, "Initial Received LCP CONFREQ", S::Octets, 0, kAny, false, true,
     Rule::R118},
    {T::LastSentLcpConfreq, "Last Sent LCP CONFREQ", S::Octets, 0, kAny, false, true, Rule::R118},
    {T::LastReceivedLcpConfreq, "Last Received LCP CONFREQ", S::Octets, 0, kAny, false, true, Rule::R118},
    {T::ProxyAuthenType, "Proxy Authen Type", S::U16, 2, 2, false, true, Rule::R119},
    {T::ProxyAuthenName, "Proxy Authen Name", S::Text, 0, kAny, false, true, Rule::R122},
    {T::ProxyAuthenChallenge, "Proxy Authen Challenge", S::Octets, 1, kAny, false, true, Rule::R124},
    {T::ProxyAuthenId, "Proxy Authen ID", S::U16, 2, 2, false, true, Rule::R126},
    {T::ProxyAuthenResponse, "Proxy Authen Response", S::Octets, 0, kAny, false, true, Rule::R129},
    {T::CallErrors, "Call Errors", S::CallErrors, 26, 26, true, true, Rule::R131},
    {T::Accm, "ACCM", S::Accm, 10, 10, true, true, Rule::R133},
    {T::RandomVector, "Random Vector", S::Octets, 1, kAny, true, false, Rule::R045},
    {T::PrivateGroupId, "Private Group ID", S::Octets, 0, kAny, false, true, Rule::R112},
    {T::RxConnectSpeed, "Rx Connect Speed", S::U32, 4, 4, false, true, Rule::R108},
    {T::SequencingRequired, "Sequencing Required", S::Empty, 0, 0, true, false, Rule::R114},
    {T::PppDisconnectCause, "PPP Disconnect Cause Code", S::DisconnectCause, 5, kAny, false, true,
     Rule::P121},
};

// Direct index by attribute type: the decoder looks a spec up for every AVP.
constexpr std::uint16_t kMaxType = 46;
constexpr auto kIndex = [] {
  std::array<std::int8_t, kMaxType + 1> idx{};
  idx.fill(-1);
  for (std::size_t i = 0; i < std::size(kSpecs); ++i)
    idx[static_cast<std::uint16_t>(kSpecs[i].type)] = static_cast<std::int8_t>(i);
  return idx;
}();

}  // namespace

std::span<const AvpSpec> all_avp_specs() {
  return kSpecs;
}

const AvpSpec* find_avp_spec(std::uint16_t vendor, std::uint16_t type) {
  if (vendor != kIetfVendor || type > kMaxType || kIndex[type] < 0) return nullptr;
  return &kSpecs[static_cast<std::size_t>(kIndex[type])];
}

std::string avp_display_name(std::uint16_t vendor, std::uint16_t type) {
  if (const auto* s = find_avp_spec(vendor, type)) return std::string(s->name);
  if (vendor != kIetfVendor) return "Vendor " + std::to_string(vendor) + " type " + std::to_string(type);
  return "Unknown type " + std::to_string(type);
}

}  // namespace l2tp
