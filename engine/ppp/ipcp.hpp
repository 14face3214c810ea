// IPCP (RFC 1332) with the DNS/NBNS extensions of RFC 1877: the option policy for IPv4
// address and name-server negotiation, for either role. A server gives the peer its address
// (IpcpConfig::peer) and DNS servers by Nak; a client asks with 0.0.0.0 and takes what it is
// given. IP-Addresses (1) is always rejected (P095) and VJ compression (2) too.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "engine/net/address.hpp"
#include "engine/ppp/answer_policy.hpp"
#include "engine/ppp/automaton.hpp"
#include "engine/ppp/options.hpp"

namespace l2tp::ppp {

namespace ipcp_option {
constexpr std::uint8_t kIpAddresses = 1;  // deprecated (RFC 1332 3.1)
constexpr std::uint8_t kIpCompression = 2;
constexpr std::uint8_t kIpAddress = 3;
constexpr std::uint8_t kPrimaryDns = 129;  // RFC 1877
constexpr std::uint8_t kPrimaryNbns = 130;
constexpr std::uint8_t kSecondaryDns = 131;
constexpr std::uint8_t kSecondaryNbns = 132;
}  // namespace ipcp_option

struct IpcpConfig {
  // Our address. nullopt: request 0.0.0.0 and take the peer's Nak (client). When set, a Nak
  // proposing another address ends the negotiation (NegotiationFailed): it is fixed.
  std::optional<net::IpAddress> local;
  // Server: the address to give the peer (Nak 0.0.0.0 or a different address with it, and
  // append it once when the peer omits IP-Address, P093/P094). nullopt: accept any non-zero
  // address the peer asks for; Reject a request for 0.0.0.0 (we have none to give).
  std::optional<net::IpAddress> peer;
  // Server: the DNS servers to give (requests for others are Nak'd with these; without them
  // the options are rejected). Client: ignored; see request_dns.
  std::optional<net::IpAddress> dns1, dns2;
  bool request_dns = false;  // client: ask for primary and secondary DNS (129/131) with 0.0.0.0
  bool vj = false;           // we do not implement VJ compression: option 2 is rejected either way
  // Our Configure-Request carries IP-Address (RFC 1332 3.3 makes it optional: Cisco's LNS asks
  // with none once it is refused).
  bool request_address = true;
  // Without `local`: a Reject of our IP-Address leaves us with none (Cisco's LNS asks for
  // 0.0.0.0, is refused and goes on) instead of failing the negotiation.
  bool address_optional = false;
  // Answers to the peer's options ahead of the rules above (replay: the captured side's).
  std::shared_ptr<const AnswerPolicy> answers = nullptr;
};

class Ipcp final : public OptionPolicy {
 public:
  explicit Ipcp(const IpcpConfig& cfg, const AutomatonConfig& acfg = {});
  Ipcp(const Ipcp&) = delete;
  Ipcp& operator=(const Ipcp&) = delete;

  Automaton& automaton() { return automaton_; }
  const Automaton& automaton() const { return automaton_; }

  // Results, valid once opened. 0.0.0.0 when not negotiated.
  net::IpAddress local_address() const;
  net::IpAddress peer_address() const;
  // The DNS servers the peer gave us (client), or those we gave the peer (server).
  std::optional<net::IpAddress> dns1() const;
  std::optional<net::IpAddress> dns2() const;

  // OptionPolicy
  void reset() override;
  void build_request(Buffer& options) override;
  Code judge_request(Bytes options, Buffer& reply, bool reject_instead_of_nak) override;
  bool handle_ack(Bytes options) override;
  bool handle_nak(Bytes options) override;
  bool handle_reject(Bytes options) override;
  std::string option_name(std::uint8_t type) const override;

 private:
  // IPCP addresses are IPv4: held as 32-bit values (the octets in reading order), 4 octets where
  // a net::IpAddress takes 17. A load run has one Ipcp per session.
  using V4 = std::uint32_t;
  struct Config {
    std::optional<V4> local, peer, dns1, dns2;
    bool request_dns = false, request_address = true, address_optional = false;
    std::shared_ptr<const AnswerPolicy> answers = nullptr;
  };
  Config cfg_;
  Automaton automaton_;

  // Our request.
  V4 req_local_ = 0;
  std::optional<V4> req_dns1_, req_dns2_;
  bool req_address_ = true;
  bool appended_address_ = false;  // we solicited IP-Address once (P093); never again

  // Results.
  V4 local_ = 0, peer_ = 0;
  std::optional<V4> dns1_, dns2_;
};

}  // namespace l2tp::ppp
