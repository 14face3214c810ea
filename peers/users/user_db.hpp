// PPP users, profiles and address pools in RouterOS vocabulary, so users can paste what
// `/ppp secret export`, `/ppp profile export` and `/ip pool export` print. UserDb holds what a
// secrets file defines plus generated users ("user{n}" patterns), and answers the LNS's
// question "is this user allowed, and with which password?".
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/result.hpp"
#include "peers/users/ipv4.hpp"
#include "peers/users/name_pattern.hpp"

namespace l2tp::peers {

// /ppp secret
struct PppSecret {
  std::string name;
  std::string password;
  std::string service = "any";      // any, async, isdn, l2tp, ovpn, pppoe, pptp, sstp
  std::string profile = "default";  // "" (pattern users): the LNS's default profile
  AddressRef local_address;
  AddressRef remote_address;
  std::string caller_id;
  bool disabled = false;
  std::string comment;
  std::string routes;
  std::optional<std::uint64_t> limit_bytes_in;   // kept, not enforced
  std::optional<std::uint64_t> limit_bytes_out;  // kept, not enforced
  std::map<std::string, std::string> other;      // RouterOS properties kept but not used
  std::string origin;                            // "users.rsc:3"; "" when not from a file

  bool usable_for_l2tp() const { return !disabled && (service == "any" || service == "l2tp"); }
};

// /ppp profile
struct PppProfile {
  std::string name;
  AddressRef local_address;
  AddressRef remote_address;
  std::vector<net::IpAddress> dns_servers;  // at most two (IPCP primary and secondary)
  std::optional<bool> only_one;             // nullopt: "default" (the default profile decides)
  std::optional<std::chrono::milliseconds> session_timeout;
  std::optional<std::chrono::milliseconds> idle_timeout;
  std::string comment;
  std::map<std::string, std::string> other;  // RouterOS properties kept but not used
  std::string origin;                        // "" for the built-in profiles
};

// /ip pool
struct IpPool {
  std::string name;
  std::vector<Ipv4Range> ranges;  // handed out in this order
  std::string next_pool;          // "" for none
  std::string comment;
  std::string origin;
};

class UserDb {
 public:
  // Only the built-in profiles `default` and `default-encryption` (no addresses).
  UserDb();

  // Reads and parses a secrets file. Errors read "FILE:LINE:COL: KEY: what was expected".
  static Result<UserDb, std::string> load(const std::string& path);
  // Parses secrets-file text; `filename` is only used in error messages.
  static Result<UserDb, std::string> parse(std::string_view text, std::string_view filename);

  // Every name `name_pattern` can produce (see NamePattern) is a user with `password`, service
  // any, and the LNS's default profile. Secrets from the file win over patterns.
  Result<void, std::string> add_pattern(std::string name_pattern, std::string password);

  // The secret `user` logs in with: an enabled secret for service any or l2tp, else the first
  // matching pattern (whose `name` is the pattern text), else nullptr.
  const PppSecret* find(std::string_view user) const;
  std::optional<std::string> password_of(std::string_view user) const;

  // Lookups by exact name; secret() also returns disabled secrets and other services.
  const PppSecret* secret(std::string_view name) const;
  const PppProfile* profile(std::string_view name) const;
  const IpPool* pool(std::string_view name) const;

  const std::vector<PppSecret>& secrets() const { return secrets_; }
  const std::vector<PppProfile>& profiles() const { return profiles_; }
  const std::vector<IpPool>& pools() const { return pools_; }

  // For the parser (secrets_parser.cpp): adds or replaces by name.
  void put_secret(PppSecret s);
  void put_profile(PppProfile p);
  void put_pool(IpPool p);
  PppProfile* mutable_profile(std::string_view name);

 private:
  struct Pattern {
    NamePattern pattern;
    PppSecret secret;
  };
  std::vector<PppSecret> secrets_;
  std::vector<PppProfile> profiles_;
  std::vector<IpPool> pools_;
  std::map<std::string, std::size_t, std::less<>> secret_index_, profile_index_, pool_index_;
  std::vector<Pattern> patterns_;
};

}  // namespace l2tp::peers
