#include "engine/radius/accounting.hpp"

namespace l2tp::radius {
namespace {

// A 64-bit counter as the 32-bit attribute plus, when needed, its Gigawords (RFC 2869 5.1):
// how many times the 32-bit counter has wrapped.
void add_octets(Packet& p, AttrType low, AttrType high, std::uint64_t value) {
  p.add_u32(low, static_cast<std::uint32_t>(value));
  if (value >> 32) p.add_u32(high, static_cast<std::uint32_t>(value >> 32));
}

}  // namespace

std::string_view to_string(AcctStatus s) {
  switch (s) {
    case AcctStatus::Start:
      return "Start";
    case AcctStatus::Stop:
      return "Stop";
    case AcctStatus::InterimUpdate:
      return "Interim-Update";
    case AcctStatus::AccountingOn:
      return "Accounting-On";
    case AcctStatus::AccountingOff:
      return "Accounting-Off";
  }
  return "unknown";
}

Result<Packet, std::string> build_accounting_request(const AccountingRecord& r, std::uint8_t identifier) {
  const bool per_session =
      r.status == AcctStatus::Start || r.status == AcctStatus::Stop || r.status == AcctStatus::InterimUpdate;
  if (per_session && r.session_id.empty())
    return unexpected(std::string("an Accounting-Request needs an Acct-Session-Id (RFC 2866 5.5)"));
  Packet p;
  p.code = Code::AccountingRequest;
  p.identifier = identifier;
  p.add_u32(AttrType::AcctStatusType, static_cast<std::uint32_t>(r.status));
  if (!r.session_id.empty()) p.add_string(AttrType::AcctSessionId, r.session_id);
  if (!r.user.empty()) p.add_string(AttrType::UserName, r.user);
  if (auto ok = add_nas_attributes(p, r.context); !ok) return unexpected(ok.error());
  p.add_u32(AttrType::AcctAuthentic, kAcctAuthenticRadius);
  if (r.framed_ip) p.add_address(AttrType::FramedIpAddress, *r.framed_ip);
  for (const auto& c : r.classes) p.add(AttrType::Class, c);
  if (r.status == AcctStatus::Stop || r.status == AcctStatus::InterimUpdate) {
    p.add_u32(AttrType::AcctSessionTime, static_cast<std::uint32_t>(r.session_time.count()));
    add_octets(p, AttrType::AcctInputOctets, AttrType::AcctInputGigawords, r.input_octets);
    add_octets(p, AttrType::AcctOutputOctets, AttrType::AcctOutputGigawords, r.output_octets);
    p.add_u32(AttrType::AcctInputPackets, r.input_packets);
    p.add_u32(AttrType::AcctOutputPackets, r.output_packets);
  }
  if (r.status == AcctStatus::Stop && r.terminate_cause)
    p.add_u32(AttrType::AcctTerminateCause, static_cast<std::uint32_t>(*r.terminate_cause));
  return p;
}

}  // namespace l2tp::radius
