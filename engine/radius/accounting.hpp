// Accounting (RFC 2866, with the Interim-Update and Gigawords of RFC 2869 5): what a session
// reports at Start, Interim-Update and Stop, as an Accounting-Request.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/net/address.hpp"
#include "engine/radius/context.hpp"
#include "engine/radius/packet.hpp"
#include "engine/util/result.hpp"

namespace l2tp::radius {

// Acct-Status-Type (RFC 2866 5.1, RFC 2869 5.1 for Interim-Update).
enum class AcctStatus : std::uint32_t {
  Start = 1,
  Stop = 2,
  InterimUpdate = 3,
  AccountingOn = 7,
  AccountingOff = 8,
};
std::string_view to_string(AcctStatus s);

// Acct-Terminate-Cause (RFC 2866 5.10).
enum class TerminateCause : std::uint32_t {
  UserRequest = 1,
  LostCarrier = 2,
  LostService = 3,
  IdleTimeout = 4,
  SessionTimeout = 5,
  AdminReset = 6,
  AdminReboot = 7,
  PortError = 8,
  NasError = 9,
  NasRequest = 10,
  NasReboot = 11,
  PortUnneeded = 12,
  PortPreempted = 13,
  PortSuspended = 14,
  ServiceUnavailable = 15,
  Callback = 16,
  UserError = 17,
  HostRequest = 18,
};

struct AccountingRecord {
  AcctStatus status = AcctStatus::Start;
  std::string session_id;  // Acct-Session-Id: the same in Start, Interim-Update and Stop (5.5)
  std::string user;        // User-Name
  std::optional<net::IpAddress> framed_ip;
  // Sent with Stop and Interim-Update only (RFC 2866 5.3-5.4, 5.7-5.9).
  std::chrono::seconds session_time{0};
  std::uint64_t input_octets = 0, output_octets = 0;  // above 32 bits: + Acct-*-Gigawords
  std::uint32_t input_packets = 0, output_packets = 0;
  std::optional<TerminateCause> terminate_cause;  // Stop only (5.10)
  std::vector<Buffer> classes;                    // Class values from the Access-Accept, echoed
  RequestContext context;
};

// The Accounting-Request for `r`, with its Request Authenticator left zero for sign_request().
// Fails without a session id or a NAS (RFC 2866 5.5, RFC 2865 4.1).
Result<Packet, std::string> build_accounting_request(const AccountingRecord& r, std::uint8_t identifier);

}  // namespace l2tp::radius
