#include "peers/peer_identity.hpp"

#include <variant>

#include "engine/wire/message.hpp"

namespace l2tp::peers {

nlohmann::json to_json(const PeerIdentity& p) {
  nlohmann::json j{{"message", p.message},
                   {"address", p.address},
                   {"host_name", p.host_name},
                   {"vendor_name", p.vendor_name}};
  j["firmware_revision"] =
      p.firmware_revision ? nlohmann::json(*p.firmware_revision) : nlohmann::json(nullptr);
  return j;
}

std::optional<PeerIdentity> identity_in(Bytes datagram, MessageType type, const std::string& secret) {
  // Control messages only (the T bit, RFC 2661 3.1): data is never decoded here.
  if (datagram.empty() || (datagram[0] & 0x80) == 0) return std::nullopt;
  const Bytes key(reinterpret_cast<const std::uint8_t*>(secret.data()), secret.size());
  auto m = wire::decode_control(datagram, secret.empty() ? std::nullopt : std::optional<Bytes>(key));
  if (!m || m->known_type() != type) return std::nullopt;
  PeerIdentity id;
  id.message = std::string(to_string(type));
  auto text = [&](AvpType t) {
    const wire::Avp* a = m->find(t);
    const auto* s = a ? std::get_if<std::string>(&a->value) : nullptr;
    return s ? *s : std::string();
  };
  id.host_name = text(AvpType::HostName);
  id.vendor_name = text(AvpType::VendorName);
  if (const wire::Avp* a = m->find(AvpType::FirmwareRevision))
    if (const auto* v = std::get_if<std::uint16_t>(&a->value)) id.firmware_revision = *v;
  return id;
}

void IdentityTap::on_wire(const WireDatagram& d) {
  if (next_) next_->on_wire(d);
  if (identity_ || d.direction != WireDirection::In) return;
  if (auto id = identity_in(d.bytes, type_, secret_)) {
    id->address = d.src.to_string();
    identity_ = std::move(id);
  }
}

}  // namespace l2tp::peers
