// Totals over a decoded capture: packets per message type, tunnels and sessions (paired across
// both directions through their Assigned Tunnel/Session ID AVPs), and violations per rule.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "reports/packet_record.hpp"

namespace l2tp::reports {

class DecodeSummary {
 public:
  void add(const PacketRecord& r);
  void add_skipped() { ++skipped_; }

  std::uint64_t packets() const { return packets_; }
  std::uint64_t violation_count() const { return violations_; }
  std::size_t tunnels() const;
  std::size_t sessions() const;

  nlohmann::json to_json() const;
  std::string to_text() const;

 private:
  struct Key {
    std::string addr;  // the side that chose the ID
    std::uint16_t tunnel = 0, session = 0;
    auto operator<=>(const Key&) const = default;
  };
  // Union-find over IDs: each side names a tunnel (session) by its own ID; an Assigned ID AVP
  // sent by one side in a message addressed with the other's ID ties the two names together.
  struct Links {
    std::map<Key, Key> parent;
    Key find(const Key& k);
    void touch(const Key& k);
    void join(const Key& a, const Key& b);
    std::size_t groups() const;
  };

  std::uint64_t packets_ = 0, control_ = 0, data_ = 0, zlb_ = 0, truncated_ = 0, errors_ = 0, skipped_ = 0;
  std::uint64_t violations_ = 0;
  std::map<std::string, std::uint64_t> by_message_;
  std::map<std::string, std::uint64_t> by_kind_;
  std::map<std::string, std::uint64_t> by_rule_;
  mutable Links tunnel_links_;
  // Session names: (a tunnel name of that tunnel, side, session ID); resolved at the end, once
  // every tunnel name is tied to its group.
  struct SessionName {
    Key tunnel;
    std::string addr;
    std::uint16_t session = 0;
  };
  std::vector<std::pair<SessionName, std::optional<SessionName>>> session_obs_;
};

}  // namespace l2tp::reports
