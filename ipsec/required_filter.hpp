// `lns --use-ipsec required`, as RouterOS does it: L2TP that did not come through an IPsec SA
// is refused (dropped, counted, and said once per source on stderr). A DatagramFilter between
// the LNS's sockets and its node: every received datagram's source is checked against the
// installed CHILD SAs (through `admits`, which asks charon), the answer kept for a while so a
// session's data does not ask charon per packet. What leaves the node passes untouched.
#pragma once

#include <functional>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>

#include "engine/driver/pass_through_filter.hpp"

namespace l2tp::ipsec {

class RequiredFilter final : public PassThroughFilter {
 public:
  // An admitted source is asked again after kRecheckAdmitted, a refused one after kRecheckRefused
  // (its LAC may bring its SA up and retransmit).
  static constexpr Duration kRecheckAdmitted = std::chrono::seconds(2);
  static constexpr Duration kRecheckRefused = std::chrono::milliseconds(500);

  RequiredFilter(std::function<bool(const net::IpAddress&)> admits, std::ostream& err, std::string prefix)
      : admits_(std::move(admits)), err_(err), prefix_(std::move(prefix)) {}

  void take(WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst, Bytes bytes,
            Time now) override;

  std::uint64_t refused() const { return refused_; }
  // {refused_datagrams, refused_sources: [...], admitted_sources}
  nlohmann::json report() const;

 private:
  struct Verdict {
    bool admitted = false;
    Time until{};
    std::uint64_t refused = 0;
  };
  bool admitted(const net::Endpoint& src, Time now);

  std::function<bool(const net::IpAddress&)> admits_;
  std::ostream& err_;
  std::string prefix_;
  std::unordered_map<std::string, Verdict> verdicts_;  // by source address text
  std::uint64_t refused_ = 0;
};

}  // namespace l2tp::ipsec
