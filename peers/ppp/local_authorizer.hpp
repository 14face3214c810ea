// The LNS judging PPP peers itself: passwords from a secrets file (RouterOS syntax) or a user
// pattern, addresses from the secret, its profile or the default profile (pools included).
#pragma once

#include <map>

#include "engine/driver/authorizer.hpp"
#include "peers/users/address_plan.hpp"

namespace l2tp::peers {

class LocalAuthorizer final : public Authorizer {
 public:
  explicit LocalAuthorizer(AddressPlan plan, std::string description);

  std::optional<Decision> authorize(LinkKey key, const std::optional<ppp::auth::Credentials>& creds,
                                    std::function<void(Decision)> later) override;
  void release(LinkKey key, Time now) override;
  std::string describe() const override { return description_; }

  // Shared with the RADIUS authorizer: addresses for an accepted user (RADIUS hints win).
  static Decision assign(AddressPlan& plan, std::map<std::uint32_t, Assignment>& held, LinkKey key,
                         const std::string& user, ppp::auth::Verdict verdict, const AssignHints& hints);

 private:
  AddressPlan plan_;
  std::string description_;
  std::map<std::uint32_t, Assignment> held_;  // by LinkKey
};

}  // namespace l2tp::peers
