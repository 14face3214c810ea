// Which addresses an LNS gives a session, decided the RouterOS way: the secret's
// local-address/remote-address (a fixed address or a pool), else its profile's, else the LNS's
// default-profile's; DNS servers from the profile, else the default profile. Pools hand out
// addresses, take them back when the session ends, and move on to their next-pool when full.
// No address is given to two sessions at once (a fixed address in use is refused, pools skip
// it); a fixed local-address may be shared, as the LNS end of many point-to-point links.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/flat_key_map.hpp"
#include "engine/util/result.hpp"
#include "peers/users/ip_pool.hpp"
#include "peers/users/user_db.hpp"

namespace l2tp::peers {

struct Assignment {
  std::string user;
  std::string profile;  // the profile the session runs with (the secret's, or the default)
  net::IpAddress local;
  net::IpAddress remote;
  std::optional<net::IpAddress> dns1;
  std::optional<net::IpAddress> dns2;
  std::string local_pool;   // the pool `local` came from, "" for a fixed address
  std::string remote_pool;  // the pool `remote` came from, "" for a fixed address
  std::optional<std::chrono::milliseconds> session_timeout;
  std::optional<std::chrono::milliseconds> idle_timeout;
};

// What an authentication server may impose (RADIUS Framed-IP-Address, Framed-Pool); each
// overrides what the secret and profiles say about the remote address.
struct AssignHints {
  std::optional<net::IpAddress> remote;
  std::string remote_pool;
};

class AddressPlan {
 public:
  // Fails when `default_profile` is not defined in `db`.
  static Result<AddressPlan, std::string> create(UserDb db, std::string default_profile);

  // Addresses for a new session of `user`, who has authenticated. A user with no secret in
  // the db (a pattern user, or one a RADIUS server accepted) gets the default profile; a
  // secret that is disabled or for another service is refused. Errors say which property or
  // pool is missing, exhausted or in use, and only-one refusals.
  Result<Assignment, std::string> assign(std::string_view user, const AssignHints& hints = {});
  // The session has ended: its pool addresses go back and its addresses are free again.
  void release(const Assignment& a);

  const UserDb& users() const { return db_; }
  const std::string& default_profile() const { return default_profile_; }
  // Addresses of `pool` handed out now.
  std::size_t in_use(std::string_view pool) const;
  // Live sessions of a user with its own secret or an only-one profile (others: 0, uncounted).
  std::size_t sessions_of(std::string_view user) const;
  // The plan's own copy of a pool's name (stable while the plan lives, moves included), or
  // nullptr for "" or a pool it does not have: what a held assignment keeps instead of a string.
  const std::string* pool_name(std::string_view pool) const;

 private:
  AddressPlan(UserDb db, std::string default_profile);

  // From `pool` or, when it is full, down its next-pool chain. Sets `from` to the pool used.
  Result<std::uint32_t, std::string> take_from_pool(const std::string& pool, std::string_view key,
                                                    std::string& from);
  bool taken(std::uint32_t a) const;
  void unref(std::uint32_t a, bool remote);

  UserDb db_;
  std::string default_profile_;
  std::map<std::string, PoolAllocator, std::less<>> pools_;
  std::map<std::string, std::size_t, std::less<>> pool_use_;
  // Addresses in use (a count each: remote ones always 1, shared fixed local ones count up), in
  // flat tables: a std::map node per session cost 48 octets and a malloc.
  FlatKeyMap remote_refs_;
  FlatKeyMap local_refs_;
  std::map<std::string, std::size_t, std::less<>> sessions_;
};

}  // namespace l2tp::peers
