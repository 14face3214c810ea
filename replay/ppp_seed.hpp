// The played side's PPP, seeded from its captured calls (ppp_facts.hpp): the LCP options it
// asked for (MRU, ACCM, PFC, ACFC, MRRU, a Magic-Number, fresh), the authentication method
// and user of the capture (the password from --password: captured CHAP responses cannot be
// reused; a PAP password may come from the capture, where it travels in the clear), whether it
// asked for DNS in IPCP; as the LNS, the method it demanded and the addresses it negotiated.
// Its IPCP request follows the capture (the IP-Address of its first one, 0.0.0.0 or none), and
// its answers to the peer's LCP, IPCP and IPv6CP options are the links' answer policies
// (ppp_policy.hpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/driver/authorizer.hpp"
#include "engine/driver/ppp_settings.hpp"
#include "replay/replay_script.hpp"

namespace l2tp::replay {

struct PppSeed {
  bool enabled = false;  // the capture holds PPP frames for a call of this tunnel
  PppSettings settings;
  // LNS: the addresses to give (ours, the peer's) and the password to check, when known.
  std::optional<net::IpAddress> local, remote;
  std::optional<std::string> password;
  // LNS: the capture shows its IPCP request, so `local` is what it asked for (nullopt: 0.0.0.0
  // or no IP-Address) rather than an address made up for it.
  bool own_address_captured = false;
  std::vector<std::string> notes;
};

// From the first call of the tunnel that carried PPP. `password`: --password (empty: none).
PppSeed seed_ppp(const capture::Tunnel& tunnel, const ReplayScript& script, const std::string& password);

// LNS: accepts the seeded user (any user when no password is known), with the seeded
// addresses.
class SeededAuthorizer final : public Authorizer {
 public:
  explicit SeededAuthorizer(const PppSeed& seed) : seed_(seed) {}
  std::optional<Decision> authorize(LinkKey key, const std::optional<ppp::auth::Credentials>& creds,
                                    std::function<void(Decision)> later) override;
  std::string describe() const override { return "the capture's user"; }

 private:
  const PppSeed& seed_;
};

}  // namespace l2tp::replay
