// BCP (RFC 3518): enough of the Bridging Control Protocol to carry bridged Ethernet
// (protocol 0x0031) over a PPP session. We bridge transparently and do no spanning tree,
// source routing or tinygram compression, so:
//  - Bridge-/Line-Identification, MAC-Support, Tinygram-Compression (we never compress, so
//    the peer's willingness to decompress costs nothing), IEEE-802-Tagged-Frame and
//    Management-Inline are acknowledged and recorded;
//  - a non-zero MAC-Address is acknowledged; a zero one (a request to be assigned one) is
//    rejected, as 5.5 says systems without an assignment mechanism do;
//  - LAN-Identification (obsolete), Spanning-Tree-Protocol (old format), the Bridge Control
//    Packet Indicator and unknown types are rejected.
// We request only what BcpConfig asks for (nothing by default).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "engine/ppp/automaton.hpp"
#include "engine/ppp/options.hpp"

namespace l2tp::ppp {

namespace bcp_option {
constexpr std::uint8_t kBridgeId = 1;
constexpr std::uint8_t kLineId = 2;
constexpr std::uint8_t kMacSupport = 3;
constexpr std::uint8_t kTinygram = 4;
constexpr std::uint8_t kLanId = 5;
constexpr std::uint8_t kMacAddress = 6;
constexpr std::uint8_t kSpanningTree = 7;
constexpr std::uint8_t kTaggedFrame = 8;
constexpr std::uint8_t kManagementInline = 9;
constexpr std::uint8_t kControlIndicator = 10;
}  // namespace bcp_option

// MAC Type values of RFC 3518 4.2 (MAC-Support option).
namespace bcp_mac {
constexpr std::uint8_t kEthernet = 1;  // IEEE 802.3/Ethernet with canonical addresses
}

using MacAddress = std::array<std::uint8_t, 6>;

struct BcpConfig {
  std::vector<std::uint8_t> mac_support;  // MAC Types to announce, one option each (5.3)
  bool management_inline = false;         // request Management-Inline (5.8)
  bool tagged_frames = false;             // request IEEE-802-Tagged-Frame enabled (5.7)
  std::optional<MacAddress> mac_address;  // announce our MAC address (5.5)
};

class Bcp final : public OptionPolicy {
 public:
  explicit Bcp(const BcpConfig& cfg, const AutomatonConfig& acfg = {});
  Bcp(const Bcp&) = delete;
  Bcp& operator=(const Bcp&) = delete;

  Automaton& automaton() { return automaton_; }
  const Automaton& automaton() const { return automaton_; }

  // What the peer announced in the request we acknowledged.
  const std::vector<std::uint8_t>& peer_mac_support() const { return peer_mac_support_; }
  std::optional<MacAddress> peer_mac() const { return peer_mac_; }
  bool peer_tinygram() const { return peer_tinygram_; }  // the peer will decompress tinygrams
  bool peer_tagged_frames() const { return peer_tagged_; }
  bool peer_management_inline() const { return peer_management_inline_; }
  // What the peer acknowledged of ours.
  bool management_inline() const { return management_inline_acked_; }

  // OptionPolicy
  void reset() override;
  void build_request(Buffer& options) override;
  Code judge_request(Bytes options, Buffer& reply, bool reject_instead_of_nak) override;
  bool handle_ack(Bytes options) override;
  bool handle_nak(Bytes options) override;
  bool handle_reject(Bytes options) override;
  std::string option_name(std::uint8_t type) const override;

 private:
  BcpConfig cfg_;
  Automaton automaton_;

  std::vector<std::uint8_t> req_mac_support_;
  bool req_management_inline_ = false;
  bool req_tagged_ = false;
  std::optional<MacAddress> req_mac_;

  std::vector<std::uint8_t> peer_mac_support_;
  std::optional<MacAddress> peer_mac_;
  bool peer_tinygram_ = false, peer_tagged_ = false, peer_management_inline_ = false;
  bool management_inline_acked_ = false;
};

}  // namespace l2tp::ppp
