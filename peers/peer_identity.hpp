// Who the peer says it is: Host Name, Vendor Name and Firmware Revision (RFC 2661 4.4.3) from
// the first SCCRP (a LAC's run) or SCCRQ (an LNS's) that comes in, for the load report. A wire
// tap in front of another: once the identity is known it only passes datagrams on.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "engine/driver/datagram_filter.hpp"
#include "engine/wire/types.hpp"

namespace l2tp::peers {

struct PeerIdentity {
  std::string message;  // "SCCRP" or "SCCRQ"
  std::string address;  // where it came from
  std::string host_name, vendor_name;
  std::optional<std::uint16_t> firmware_revision;
};
nlohmann::json to_json(const PeerIdentity& p);

// The identity in one datagram when it is a `type` control message; nullopt otherwise.
std::optional<PeerIdentity> identity_in(Bytes datagram, MessageType type, const std::string& secret);

class IdentityTap final : public WireTap {
 public:
  IdentityTap(WireTap* next, MessageType type, std::string secret)
      : next_(next), type_(type), secret_(std::move(secret)) {}
  void on_wire(const WireDatagram& d) override;
  const std::optional<PeerIdentity>& identity() const { return identity_; }

 private:
  WireTap* next_;
  MessageType type_;
  std::string secret_;
  std::optional<PeerIdentity> identity_;
};

}  // namespace l2tp::peers
