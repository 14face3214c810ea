#include "engine/radius/types.hpp"

namespace l2tp::radius {

std::string to_string(Code c) {
  switch (c) {
    case Code::AccessRequest:
      return "Access-Request";
    case Code::AccessAccept:
      return "Access-Accept";
    case Code::AccessReject:
      return "Access-Reject";
    case Code::AccountingRequest:
      return "Accounting-Request";
    case Code::AccountingResponse:
      return "Accounting-Response";
    case Code::AccessChallenge:
      return "Access-Challenge";
    case Code::StatusServer:
      return "Status-Server";
  }
  return "Code " + std::to_string(static_cast<unsigned>(c));
}

std::string to_string(AttrType t) {
  switch (t) {
    case AttrType::UserName:
      return "User-Name";
    case AttrType::UserPassword:
      return "User-Password";
    case AttrType::ChapPassword:
      return "CHAP-Password";
    case AttrType::NasIpAddress:
      return "NAS-IP-Address";
    case AttrType::NasPort:
      return "NAS-Port";
    case AttrType::ServiceType:
      return "Service-Type";
    case AttrType::FramedProtocol:
      return "Framed-Protocol";
    case AttrType::FramedIpAddress:
      return "Framed-IP-Address";
    case AttrType::FramedIpNetmask:
      return "Framed-IP-Netmask";
    case AttrType::ReplyMessage:
      return "Reply-Message";
    case AttrType::State:
      return "State";
    case AttrType::Class:
      return "Class";
    case AttrType::VendorSpecific:
      return "Vendor-Specific";
    case AttrType::SessionTimeout:
      return "Session-Timeout";
    case AttrType::IdleTimeout:
      return "Idle-Timeout";
    case AttrType::CalledStationId:
      return "Called-Station-Id";
    case AttrType::CallingStationId:
      return "Calling-Station-Id";
    case AttrType::NasIdentifier:
      return "NAS-Identifier";
    case AttrType::ProxyState:
      return "Proxy-State";
    case AttrType::AcctStatusType:
      return "Acct-Status-Type";
    case AttrType::AcctDelayTime:
      return "Acct-Delay-Time";
    case AttrType::AcctInputOctets:
      return "Acct-Input-Octets";
    case AttrType::AcctOutputOctets:
      return "Acct-Output-Octets";
    case AttrType::AcctSessionId:
      return "Acct-Session-Id";
    case AttrType::AcctAuthentic:
      return "Acct-Authentic";
    case AttrType::AcctSessionTime:
      return "Acct-Session-Time";
    case AttrType::AcctInputPackets:
      return "Acct-Input-Packets";
    case AttrType::AcctOutputPackets:
      return "Acct-Output-Packets";
    case AttrType::AcctTerminateCause:
      return "Acct-Terminate-Cause";
    case AttrType::AcctInputGigawords:
      return "Acct-Input-Gigawords";
    case AttrType::AcctOutputGigawords:
      return "Acct-Output-Gigawords";
    case AttrType::ChapChallenge:
      return "CHAP-Challenge";
    case AttrType::NasPortType:
      return "NAS-Port-Type";
    case AttrType::MessageAuthenticator:
      return "Message-Authenticator";
    case AttrType::AcctInterimInterval:
      return "Acct-Interim-Interval";
    case AttrType::NasIpv6Address:
      return "NAS-IPv6-Address";
  }
  return "Attribute " + std::to_string(static_cast<unsigned>(t));
}

}  // namespace l2tp::radius
