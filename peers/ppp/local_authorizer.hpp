// The LNS judging PPP peers itself: passwords from a secrets file (RouterOS syntax) or a user
// pattern, addresses from the secret, its profile or the default profile (pools included).
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <vector>

#include "engine/driver/authorizer.hpp"
#include "engine/util/flat_key_map.hpp"
#include "peers/users/address_plan.hpp"

namespace l2tp::peers {

// What giving an assignment back (AddressPlan::release) needs of it: the user, the addresses
// and their pools; not its profile, DNS or timeouts. Held for every live session, so kept small
// (about 56 octets instead of 230): IPv4 addresses in 4 octets, pool names as the plan's own.
struct HeldAddresses {
  std::string user;
  const std::string* local_pool = nullptr;  // AddressPlan::pool_name; nullptr: a fixed address
  const std::string* remote_pool = nullptr;
  net::Ipv4 local, remote;
  static HeldAddresses of(Assignment a, const AddressPlan& plan);
  Assignment assignment() const;
};
// The held assignments by LinkKey, in fixed-size chunks with a flat index: no node and malloc
// per session (a std::map cost 112 octets a session, twice the assignment itself), and no
// reallocation that would hold two copies at the peak.
class HeldMap {
 public:
  void put(std::uint32_t key, HeldAddresses held);
  // Removes and returns the assignment held for `key`, if any.
  std::optional<HeldAddresses> take(std::uint32_t key);
  std::size_t size() const { return index_.size(); }

 private:
  static constexpr std::uint32_t kChunk = 1024;
  HeldAddresses& at(std::uint32_t slot) { return (*chunks_[slot / kChunk])[slot % kChunk]; }

  std::vector<std::unique_ptr<std::array<HeldAddresses, kChunk>>> chunks_;
  std::uint32_t used_ = 0;  // slots handed out so far (free_ holds those given back)
  std::vector<std::uint32_t> free_;
  FlatKeyMap index_;  // key -> slot
};

class LocalAuthorizer final : public Authorizer {
 public:
  explicit LocalAuthorizer(AddressPlan plan, std::string description);

  std::optional<Decision> authorize(LinkKey key, const std::optional<ppp::auth::Credentials>& creds,
                                    std::function<void(Decision)> later) override;
  void release(LinkKey key, Time now) override;
  std::string describe() const override { return description_; }

  // Shared with the RADIUS authorizer: addresses for an accepted user (RADIUS hints win); what
  // `key` held already (a link authenticating again) is given back first.
  static Decision assign(AddressPlan& plan, HeldMap& held, LinkKey key, const std::string& user,
                         ppp::auth::Verdict verdict, const AssignHints& hints);

 private:
  AddressPlan plan_;
  std::string description_;
  HeldMap held_;
};

}  // namespace l2tp::peers
